// Annotating files of documents through a TaggerClient, as `bioner-client annotate` does:
// one input into one output (--in FILE --out FILE), or many inputs into an output folder
// (--in DIR_OR_FILE... --out-dir DIR, see input_list.h).
//
// Many files: an input's output is written as <output>.partial and renamed to <output> once
// every document of the input is answered (annotated, or refused by the server and reported),
// so an output under its final name is complete. With `resume`, inputs whose output exists
// are skipped, and a .partial output is continued document by document (jsonl, pubtator:
// PrepareResume) or, for the BioC formats, written again. An input that cannot be read or
// parsed is refused: reported by name while the others go on. An error that would fail every
// file alike stops the run: the server's (UNAVAILABLE after the retries, UNAUTHENTICATED) or
// the output's (disk full); .partial outputs are left for --resume.
// The next input is read on a second thread while the current one is annotated.
//
// One file: the output is written in place (no .partial), resumed per document as above.
//
// The functions print, on stderr, the documents the server refused, the files refused and
// (one file) what the readers skipped as they go; the returned report says the rest.
// Thread safety: a run uses the TaggerClient like any caller, so runs on one client may be
// concurrent, but two runs must not write the same outputs and their stderr lines mix.
#ifndef BIONER_CLIENT_ANNOTATE_FILES_H_
#define BIONER_CLIENT_ANNOTATE_FILES_H_

#include <string>
#include <vector>

#include "client/input_list.h"
#include "client/progress.h"
#include "client/tagger_client.h"
#include "core/formats/format.h"
#include "core/formats/writers.h"
#include "core/util/status.h"

namespace bioner::client {

struct RunOptions {
  std::string in_format;  // empty: DetectInputFormat per file
  OutputFormat out_format = OutputFormat::kJsonl;
  std::vector<std::string> types;  // empty: every type served
  bool resume = false;
  Progress::Mode progress = Progress::Mode::kOff;
};

struct RefusedFile {
  std::string path;
  Status error;  // why it could not be read, parsed or resumed
};

struct RunReport {
  std::vector<std::string> done;     // inputs whose output this run completed
  std::vector<std::string> skipped;  // inputs whose output an earlier run completed (resume)
  std::vector<RefusedFile> refused;  // inputs not annotated; the others are
  size_t documents = 0;              // answered by this run, refused_documents included
  size_t refused_documents = 0;      // refused by the server, each reported on stderr
  size_t already_done = 0;           // found complete in partial outputs (resume)
  CorpusReport input;                // what the readers skipped, over all inputs
  double seconds = 0;
  Status stopped;  // non-OK: the error that ended the run before every input was done
};

// Many files into their `output`s (.partial, then renamed).
RunReport AnnotateFiles(TaggerClient* client, const std::vector<InputFile>& files,
                        const RunOptions& options);

// One file into `out_path`, in place; an unreadable input is `stopped`, not `refused`.
RunReport AnnotateFile(TaggerClient* client, const std::string& in_path,
                       const std::string& out_path, const RunOptions& options);

}  // namespace bioner::client

#endif  // BIONER_CLIENT_ANNOTATE_FILES_H_
