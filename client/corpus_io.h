// The files around an annotation run: which reader an input file needs, reading it, and the
// output file that grows one finished document at a time and can be resumed.
//
// Reading the input (DetectInputFormat, ReadInput) is core/formats/inputs.h, shared with the trainer.
//
// Not thread-safe (OutputFile); the functions are stateless.
#ifndef BIONER_CLIENT_CORPUS_IO_H_
#define BIONER_CLIENT_CORPUS_IO_H_

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "core/formats/format.h"
#include "core/doc/document.h"
#include "core/formats/inputs.h"
#include "core/formats/writers.h"
#include "core/util/status.h"

namespace bioner::client {

// The output format named by `path`'s extension (.jsonl, .pubtator, .json, .xml; default
// jsonl).
OutputFormat OutputFormatForPath(const std::string& path);
// The extension OutputFormatForPath maps to `format` (".jsonl", ".pubtator", ".json", ".xml").
const char* OutputExtension(OutputFormat format);

// Whether --resume can continue a partial output of `format` document by document (jsonl
// and pubtator: their records end in a recognisable terminator).
bool ResumesPerDocument(OutputFormat format);

// For --resume: the ids of the documents completely written to `path` (jsonl or pubtator;
// other formats are FAILED_PRECONDITION). An incomplete last record (the run was killed
// while writing it) is cut off the file, so appending continues cleanly. A missing file
// yields no ids.
StatusOr<std::set<std::string>> PrepareResume(const std::string& path, OutputFormat format);

// The output file: Write() appends one document and flushes it to the OS before returning, so
// an interrupted run loses at most the documents in flight.
class OutputFile {
 public:
  // `append`: keep what is there (resume); otherwise the file is truncated.
  static StatusOr<OutputFile> Open(const std::string& path, OutputFormat format, bool append);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  ~OutputFile();

  Status Write(const Document& doc);
  // Writes the footer (bioc-json, bioc-xml) and closes the file.
  Status Close();
  // Close(), with the data forced to disk (fsync), then renames the file to `final_path` and
  // syncs its folder: a file under `final_path` is always complete, even after a crash.
  Status Publish(const std::string& final_path);

 private:
  OutputFile(std::string path, OutputFormat format, std::FILE* f);
  Status Put(const std::string& data);
  Status Finish(bool sync);
  std::string path_;
  OutputFormat format_;
  std::FILE* file_ = nullptr;
  bool first_ = true;
};

}  // namespace bioner::client

#endif  // BIONER_CLIENT_CORPUS_IO_H_
