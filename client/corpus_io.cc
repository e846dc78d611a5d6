#include "client/corpus_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/doc/jsonl.h"
#include "core/util/file.h"

namespace bioner::client {
namespace {

Status ErrnoStatus(const std::string& path, const char* what) {
  const int err = errno;  // before the message's allocations
  return Status(StatusCode::kUnavailable, path + ": " + what + ": " + std::strerror(err));
}

}  // namespace

OutputFormat OutputFormatForPath(const std::string& path) {
  if (HasExtension(path, ".pubtator")) return OutputFormat::kPubtator;
  if (HasExtension(path, ".json")) return OutputFormat::kBiocJson;
  if (HasExtension(path, ".xml")) return OutputFormat::kBiocXml;
  return OutputFormat::kJsonl;
}

const char* OutputExtension(OutputFormat format) {
  switch (format) {
    case OutputFormat::kPubtator:
      return ".pubtator";
    case OutputFormat::kBiocJson:
      return ".json";
    case OutputFormat::kBiocXml:
      return ".xml";
    case OutputFormat::kJsonl:
      break;
  }
  return ".jsonl";
}

bool ResumesPerDocument(OutputFormat format) {
  return format == OutputFormat::kJsonl || format == OutputFormat::kPubtator;
}

StatusOr<std::set<std::string>> PrepareResume(const std::string& path, OutputFormat format) {
  if (!ResumesPerDocument(format)) {
    return FailedPrecondition(std::string("--resume supports jsonl and pubtator output, not ") +
                              OutputFormatName(format) + " (" + path + ")");
  }
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::set<std::string>();
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  // A record is complete once its terminator is written: "\n" for a JSONL line, the blank
  // line after a PubTator block.
  const std::string terminator = format == OutputFormat::kJsonl ? "\n" : "\n\n";
  const size_t last = text.rfind(terminator);
  const size_t keep = last == std::string::npos ? 0 : last + terminator.size();
  std::set<std::string> ids;
  size_t line_no = 0;
  for (size_t pos = 0; pos < keep;) {
    const size_t nl = text.find('\n', pos);
    const std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.empty()) continue;
    if (format == OutputFormat::kJsonl) {
      StatusOr<Document> doc = ParseDocumentJson(line, line_no);
      if (!doc.ok()) return doc.status().WithContext(path + " (resume)");
      ids.insert(doc->id());
    } else {
      const size_t bar = line.find("|t|");
      if (bar != std::string_view::npos && line.find('\t') > bar) {
        ids.insert(std::string(line.substr(0, bar)));
      }
    }
  }
  if (keep < text.size() && ::truncate(path.c_str(), static_cast<off_t>(keep)) != 0) {
    return ErrnoStatus(path, "cannot cut the incomplete last record");
  }
  return ids;
}

OutputFile::OutputFile(std::string path, OutputFormat format, std::FILE* f)
    : path_(std::move(path)), format_(format), file_(f) {}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : path_(std::move(other.path_)), format_(other.format_), file_(other.file_),
      first_(other.first_) {
  other.file_ = nullptr;
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

StatusOr<OutputFile> OutputFile::Open(const std::string& path, OutputFormat format, bool append) {
  std::FILE* f = std::fopen(path.c_str(), append ? "ab" : "wb");
  if (f == nullptr) return ErrnoStatus(path, "cannot open for writing");
  OutputFile out(path, format, f);
  RETURN_IF_ERROR(out.Put(FormatHeader(format)));
  return out;
}

Status OutputFile::Put(const std::string& data) {
  if (data.empty()) return Status::Ok();
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size() || std::fflush(file_) != 0) {
    return ErrnoStatus(path_, "write failed");
  }
  return Status::Ok();
}

Status OutputFile::Write(const Document& doc) {
  RETURN_IF_ERROR(Put(FormatDocument(format_, doc, first_)));
  first_ = false;
  return Status::Ok();
}

Status OutputFile::Close() { return Finish(/*sync=*/false); }

Status OutputFile::Finish(bool sync) {
  if (file_ == nullptr) return Status::Ok();
  Status s = Put(FormatFooter(format_));
  if (s.ok() && sync && ::fsync(::fileno(file_)) != 0) s = ErrnoStatus(path_, "fsync failed");
  if (std::fclose(file_) != 0 && s.ok()) s = ErrnoStatus(path_, "close failed");
  file_ = nullptr;
  return s;
}

Status OutputFile::Publish(const std::string& final_path) {
  RETURN_IF_ERROR(Finish(/*sync=*/true));
  if (::rename(path_.c_str(), final_path.c_str()) != 0) {
    const int err = errno;  // before the message's allocations
    return Status(StatusCode::kUnavailable,
                  path_ + ": cannot rename to " + final_path + ": " + std::strerror(err));
  }
  // The rename itself is durable only once the folder is synced (leveldb's SyncDirIfManifest).
  const std::string dir = std::filesystem::path(final_path).parent_path().string();
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(dir, "cannot open the folder to sync it");
  Status s = ::fsync(fd) == 0 ? Status::Ok() : ErrnoStatus(dir, "fsync of the folder failed");
  ::close(fd);
  return s;
}

}  // namespace bioner::client
