#include "client/annotate_files.h"

#include <filesystem>
#include <future>
#include <iostream>
#include <set>
#include <unordered_set>
#include <utility>

#include "client/corpus_io.h"
#include "core/formats/inputs.h"

namespace bioner::client {
namespace {

// An input file read into memory, or why it could not be.
struct Loaded {
  Status error;
  std::vector<Document> docs;
  CorpusReport report;
};

Loaded Load(const std::string& path, const std::string& in_format) {
  Loaded l;
  std::string format = in_format;
  if (format.empty()) {
    StatusOr<std::string> f = DetectInputFormat(path);
    if (!f.ok()) {
      l.error = f.status();
      return l;
    }
    format = *f;
  }
  StatusOr<std::vector<Document>> docs = ReadInput(path, format, &l.report);
  if (!docs.ok()) {
    l.error = docs.status();
    return l;
  }
  // Checked here rather than left to AnnotateStream, whose error would stop the whole run:
  // a file with a repeated id is a bad input like an unparsable one.
  std::unordered_set<std::string> ids;
  for (const Document& d : *docs) {
    if (!ids.insert(d.id()).second) {
      l.error = InvalidArgument("duplicate document id '" + d.id() + "' in " + path +
                                ": answers are matched by id, so ids must be unique");
      return l;
    }
  }
  l.docs = std::move(*docs);
  return l;
}

void PrintInputReport(const CorpusReport& report) {
  for (const auto& [reason, n] : report.counts) {
    std::cerr << "bioner-client: input: " << reason << ": " << n << "\n";
    for (const std::string& e : report.examples.at(reason)) std::cerr << "    " << e << "\n";
  }
}

// Annotates one loaded input. `many`: written to `write_path` and renamed to `final_path`
// when complete, and a bad input is refused rather than the end of the run.
class FileRunner {
 public:
  FileRunner(TaggerClient* client, const RunOptions& options, bool many, Progress* progress,
             RunReport* report)
      : client_(client), options_(options), many_(many), progress_(progress), report_(report) {}

  // The error that stops the run; a refused file is recorded in the report and is OK.
  Status Run(const std::string& in_path, uint64_t bytes, Loaded loaded,
             const std::string& write_path, const std::string& final_path) {
    if (!loaded.error.ok()) return Refuse(in_path, bytes, loaded.error);
    if (many_) {
      report_->input.Merge(loaded.report);
    } else {
      PrintInputReport(loaded.report);
    }
    const OutputFormat format = options_.out_format;
    const bool per_document = ResumesPerDocument(format);
    std::set<std::string> done;
    // One file: PrepareResume also refuses --resume for the BioC formats, as it always has.
    if (options_.resume && (per_document || !many_)) {
      StatusOr<std::set<std::string>> ids = PrepareResume(write_path, format);
      if (!ids.ok()) return Refuse(in_path, bytes, ids.status());
      done = std::move(*ids);
    } else if (options_.resume && std::filesystem::exists(write_path)) {
      progress_->BreakLine();
      std::cerr << "bioner-client: " << write_path << ": " << OutputFormatName(format)
                << " output cannot be continued per document; writing it again\n";
    }
    std::vector<Document> todo;
    for (Document& d : loaded.docs) {
      if (!done.count(d.id())) todo.push_back(std::move(d));
    }
    const size_t already = loaded.docs.size() - todo.size();
    report_->already_done += already;
    if (!done.empty()) {
      progress_->BreakLine();
      std::cerr << "bioner-client: resuming: " << already << " documents already in " << write_path
                << ", " << todo.size() << " to go\n";
    }
    StatusOr<OutputFile> out =
        OutputFile::Open(write_path, format, options_.resume && per_document);
    if (!out.ok()) return out.status();

    progress_->StartFile(bytes, loaded.docs.size(), already);
    const std::string prefix = many_ ? in_path + ": " : "";
    Status s = client_->AnnotateStream(
        todo, options_.types,
        [&](Document doc) {
          RETURN_IF_ERROR(out->Write(doc));
          ++report_->documents;
          progress_->Document(/*refused=*/false);
          return Status::Ok();
        },
        [&](const std::string& id, const Status& error) {
          ++report_->documents;
          ++report_->refused_documents;
          progress_->Document(/*refused=*/true);
          progress_->BreakLine();
          std::cerr << "bioner-client: " << prefix << "document '" << id << "': " << error << "\n";
        });
    const Status closed = many_ && s.ok() ? out->Publish(final_path) : out->Close();
    if (!s.ok()) return s;
    if (!closed.ok()) return closed;
    progress_->EndFile();
    report_->done.push_back(in_path);
    return Status::Ok();
  }

 private:
  Status Refuse(const std::string& in_path, uint64_t bytes, const Status& error) {
    if (!many_) return error;
    progress_->DropFile(bytes);
    progress_->BreakLine();
    std::cerr << "bioner-client: refused " << in_path << ": " << error << "\n";
    report_->refused.push_back({in_path, error});
    return Status::Ok();
  }

  TaggerClient* client_;
  const RunOptions& options_;
  bool many_;
  Progress* progress_;
  RunReport* report_;
};

}  // namespace

RunReport AnnotateFiles(TaggerClient* client, const std::vector<InputFile>& files,
                        const RunOptions& options) {
  RunReport report;
  std::vector<const InputFile*> todo;
  uint64_t total_bytes = 0;
  for (const InputFile& f : files) {
    std::error_code ec;
    if (options.resume && std::filesystem::exists(f.output, ec)) {
      report.skipped.push_back(f.path);
      continue;
    }
    todo.push_back(&f);
    total_bytes += f.bytes;
  }
  Progress progress(options.progress, total_bytes, todo.size());
  FileRunner runner(client, options, /*many=*/true, &progress, &report);
  // Parsing a PubMed file takes seconds: the next one is read while this one is annotated.
  auto load = [&](size_t i) {
    return std::async(std::launch::async, Load, todo[i]->path, options.in_format);
  };
  std::future<Loaded> next;
  if (!todo.empty()) next = load(0);
  for (size_t i = 0; i < todo.size(); ++i) {
    Loaded current = next.get();
    if (i + 1 < todo.size()) next = load(i + 1);
    const InputFile& f = *todo[i];
    report.stopped =
        runner.Run(f.path, f.bytes, std::move(current), f.output + ".partial", f.output);
    if (!report.stopped.ok()) break;
  }
  progress.Finish();
  report.seconds = progress.seconds();
  return report;
}

RunReport AnnotateFile(TaggerClient* client, const std::string& in_path,
                       const std::string& out_path, const RunOptions& options) {
  RunReport report;
  std::error_code ec;
  const uint64_t bytes = std::filesystem::file_size(in_path, ec);
  Progress progress(options.progress, ec ? 0 : bytes, 1);
  FileRunner runner(client, options, /*many=*/false, &progress, &report);
  report.stopped =
      runner.Run(in_path, ec ? 0 : bytes, Load(in_path, options.in_format), out_path, out_path);
  progress.Finish();
  report.seconds = progress.seconds();
  return report;
}

}  // namespace bioner::client
