#include "core/corpus/fetch.h"

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>

#include "core/util/file.h"

namespace bioner {
namespace fs = std::filesystem;
namespace {

// Removes a path on scope exit unless released; for temporary files and folders.
class Cleanup {
 public:
  explicit Cleanup(std::string path) : path_(std::move(path)) {}
  ~Cleanup() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Unavailable(dir + ": cannot create folder: " + ec.message());
  return Status::Ok();
}

// Copies src to dest through a temporary file, checking the sum of what was written.
Status CopyVerified(const std::string& src, const std::string& dest, const std::string& expected) {
  RETURN_IF_ERROR(MakeDirs(fs::path(dest).parent_path().string()));
  const std::string tmp = dest + ".part-" + std::to_string(::getpid());
  Cleanup cleanup(tmp);
  std::error_code ec;
  fs::copy_file(src, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    if (!fs::exists(src)) return NotFound(src + ": not in the mirror");
    return Unavailable(src + ": cannot copy to " + tmp + ": " + ec.message());
  }
  if (!expected.empty()) {
    ASSIGN_OR_RETURN(std::string actual, Sha256File(tmp));
    RETURN_IF_ERROR(CheckSha256(src, expected, actual));
  }
  RETURN_IF_ERROR(Publish(tmp, dest, PublishMode::kReplace));
  cleanup.Release();
  return Status::Ok();
}

bool SafeMemberPath(const std::string& p) {
  if (p.empty() || p[0] == '/') return false;
  for (const auto& part : fs::path(p)) {
    if (part == "..") return false;
  }
  return true;
}

// Where a member goes under `map`, or "" if the map skips it.
std::string MapMember(const std::string& member,
                      const std::vector<std::pair<std::string, std::string>>& map) {
  if (map.empty()) return member;
  for (const auto& [from, to] : map) {
    if (member.compare(0, from.size(), from) == 0) return to + member.substr(from.size());
  }
  return "";
}

struct ProgressState {
  std::ostream* out;
  std::string name;
  curl_off_t last_reported = 0;
};

int OnProgress(void* p, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* st = static_cast<ProgressState*>(p);
  if (st->out && now - st->last_reported >= (4 << 20)) {
    st->last_reported = now;
    *st->out << "  " << st->name << ": " << (now >> 20) << " MiB";
    if (total > 0) *st->out << " of " << (total >> 20) << " MiB";
    *st->out << "\n";
  }
  return 0;
}

size_t OnWrite(char* data, size_t size, size_t n, void* f) {
  return std::fwrite(data, size, n, static_cast<FILE*>(f)) * size;
}

}  // namespace

Status CheckSha256(const std::string& what, const std::string& expected,
                   const std::string& actual) {
  if (expected == actual) return Status::Ok();
  return DataLoss(what + ": sha256 mismatch: expected " + expected + ", got " + actual);
}

Status DownloadFile(const std::string& url, const std::string& dest,
                    const std::string& expected_sha256, std::ostream* progress) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  RETURN_IF_ERROR(MakeDirs(fs::path(dest).parent_path().string()));
  const std::string tmp = dest + ".part-" + std::to_string(::getpid());
  Cleanup cleanup(tmp);
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Unavailable(tmp + ": cannot create");
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    std::fclose(f);
    return Internal("libcurl: curl_easy_init failed");
  }
  char err[CURL_ERROR_SIZE] = {0};
  ProgressState st{progress, fs::path(dest).filename().string()};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnWrite);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  // A stalled transfer (under 1 byte/s for a minute) is abandoned rather than hanging.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &st);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "bioner-trainer");
  if (progress) *progress << "  download " << url << "\n";
  const CURLcode rc = curl_easy_perform(c);
  const bool write_failed = std::fclose(f) != 0;
  if (rc != CURLE_OK) {
    return Unavailable(url + ": download failed: " + (err[0] ? err : curl_easy_strerror(rc)));
  }
  if (write_failed) return DataLoss(tmp + ": write failed");
  if (!expected_sha256.empty()) {
    ASSIGN_OR_RETURN(std::string actual, Sha256File(tmp));
    RETURN_IF_ERROR(CheckSha256(url, expected_sha256, actual));
  }
  RETURN_IF_ERROR(Publish(tmp, dest, PublishMode::kReplace));
  cleanup.Release();
  return Status::Ok();
}

StatusOr<std::vector<std::string>> UnpackArchive(
    const std::string& archive, const std::string& dest_dir,
    const std::vector<std::pair<std::string, std::string>>& map) {
  // libarchive reads an empty file as an empty archive and names a missing one only as
  // "Failed to open": say which it is, so that a user can tell a bad path from a bad download.
  std::error_code ec;
  const auto size = fs::file_size(archive, ec);
  if (ec) return NotFound(archive + ": cannot read the archive: " + ec.message());
  if (size == 0) return DataLoss(archive + ": empty file, not an archive (an interrupted download?)");
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(),
                                                             archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  if (archive_read_open_filename(a.get(), archive.c_str(), 1 << 16) != ARCHIVE_OK) {
    return DataLoss(archive + ": cannot open as an archive: " + archive_error_string(a.get()));
  }
  std::vector<std::string> written;
  std::vector<char> buf(1 << 16);
  for (;;) {
    struct archive_entry* e = nullptr;
    const int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      return DataLoss(archive + ": corrupt archive: " + archive_error_string(a.get()));
    }
    const char* name = archive_entry_pathname(e);
    std::string member = name ? name : "";
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    if (!SafeMemberPath(member)) {
      return DataLoss(archive + ": member '" + member + "' would be written outside the folder");
    }
    const std::string rel = MapMember(member, map);
    if (rel.empty() || !SafeMemberPath(rel)) continue;
    const fs::path out_path = fs::path(dest_dir) / rel;
    RETURN_IF_ERROR(MakeDirs(out_path.parent_path().string()));
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable(out_path.string() + ": cannot create");
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n < 0) {
        return DataLoss(archive + ": corrupt member '" + member + "': " +
                        archive_error_string(a.get()));
      }
      if (n == 0) break;
      out.write(buf.data(), n);
    }
    if (!out.flush()) return DataLoss(out_path.string() + ": write failed");
    written.push_back(rel);
  }
  return written;
}

std::string DefaultCacheDir() {
  if (const char* c = std::getenv("BIONER_CACHE"); c && *c) return c;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.cache/bioner/corpora";
}

bool CorpusPresent(const CorpusRegistry& registry, const CorpusSpec& spec,
                   const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(fs::path(root) / spec.name, ec)) return false;
  const auto files = registry.ManifestFiles(spec.name + "/");
  for (const std::string& rel : files) {
    if (!fs::exists(fs::path(root) / rel, ec)) return false;
  }
  return !files.empty() || !fs::is_empty(fs::path(root) / spec.name, ec);
}

namespace {

// True if the cache already holds every manifest file of the corpus with the right sum.
bool UpToDate(const CorpusRegistry& registry, const std::vector<std::string>& files,
              const std::string& cache) {
  if (files.empty()) return false;
  for (const std::string& rel : files) {
    auto sum = Sha256File(cache + "/" + rel);
    if (!sum.ok() || *sum != *registry.Sha256(rel)) return false;
  }
  return true;
}

Status FetchFromMirror(const CorpusRegistry& registry, const CorpusSpec& spec,
                       const std::vector<std::string>& files, const FetchOptions& opt,
                       const std::string& staging) {
  std::error_code ec;
  const fs::path src_root = fs::path(opt.mirror_dir) / spec.name;
  if (!fs::is_directory(src_root, ec)) {
    return NotFound("corpus '" + spec.name + "' is not in the mirror " + opt.mirror_dir +
                    (spec.status == CorpusStatus::kMissing
                         ? " (it is one of the corpora missing here; see docs/CORPORA.md)"
                         : ""));
  }
  if (files.empty()) {
    // A corpus the manifest does not know (e.g. a user's own copy of a missing corpus): copy
    // it, unverified, and say so.
    if (opt.progress) *opt.progress << "  no checksums known for " << spec.name << "; copying unverified\n";
    for (auto it = fs::recursive_directory_iterator(src_root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code fe;
      if (!it->is_regular_file(fe)) continue;
      const std::string rel = fs::relative(it->path(), src_root, fe).string();
      if (fe || rel.empty()) return Unavailable(it->path().string() + ": " + fe.message());
      RETURN_IF_ERROR(CopyVerified(it->path().string(), staging + "/" + rel, ""));
    }
    return ec ? Unavailable(src_root.string() + ": " + ec.message()) : Status::Ok();
  }
  size_t done = 0;
  for (const std::string& rel : files) {
    const std::string inner = rel.substr(spec.name.size() + 1);
    RETURN_IF_ERROR(CopyVerified(opt.mirror_dir + "/" + rel, staging + "/" + inner,
                                 *registry.Sha256(rel)));
    if (opt.progress && (++done % 500 == 0 || done == files.size())) {
      *opt.progress << "  " << spec.name << ": " << done << "/" << files.size() << " files\n";
    }
  }
  return Status::Ok();
}

Status FetchFromNetwork(const CorpusRegistry& registry, const CorpusSpec& spec,
                        const FetchOptions& opt, const std::string& staging) {
  if (spec.downloads.empty()) return FailedPrecondition(spec.name + ": no download address known");
  std::vector<std::string> produced;
  for (const CorpusDownload& d : spec.downloads) {
    const std::string dl = staging + "/.download/" + d.file;
    RETURN_IF_ERROR(DownloadFile(d.url, dl, d.sha256, opt.progress));
    if (d.map.empty()) {
      std::error_code ec;
      fs::rename(dl, staging + "/" + d.file, ec);
      if (ec) return Unavailable(staging + "/" + d.file + ": rename failed: " + ec.message());
      produced.push_back(d.file);
    } else {
      ASSIGN_OR_RETURN(auto written, UnpackArchive(dl, staging, d.map));
      if (written.empty()) return DataLoss(d.url + ": the archive held none of the expected files");
      produced.insert(produced.end(), written.begin(), written.end());
    }
  }
  std::error_code ec;
  fs::remove_all(staging + "/.download", ec);
  // Every produced file the mirror manifest knows must match it; the mirror's own extras
  // (READMEs of the mirror's source) are not produced by the original downloads.
  for (const std::string& rel : produced) {
    auto expected = registry.Sha256(spec.name + "/" + rel);
    if (!expected) continue;
    ASSIGN_OR_RETURN(std::string actual, Sha256File(staging + "/" + rel));
    RETURN_IF_ERROR(CheckSha256(spec.name + "/" + rel, *expected, actual));
  }
  return Status::Ok();
}

Status FetchSplits(const CorpusRegistry& registry, const CorpusSpec& spec,
                   const FetchOptions& opt) {
  const std::string dir = opt.cache_dir + "/" + registry.splits_dir();
  for (const auto& [type, family] : spec.split_files) {
    for (const char* split : kSplitNames) {
      const std::string file = family + "." + split;
      const std::string rel = registry.splits_dir() + "/" + file;
      const std::string expected = registry.Sha256(rel).value_or("");
      const std::string dest = dir + "/" + file;
      if (auto have = Sha256File(dest); have.ok() && (expected.empty() || *have == expected)) {
        continue;
      }
      if (!opt.mirror_dir.empty()) {
        RETURN_IF_ERROR(CopyVerified(opt.mirror_dir + "/" + rel, dest, expected));
      } else {
        RETURN_IF_ERROR(DownloadFile(registry.splits_url() + file, dest, expected, opt.progress));
      }
    }
  }
  for (const FilePatch& fp : spec.file_patches) {
    const std::string expected = registry.Sha256(fp.diff).value_or("");
    const std::string dest = opt.cache_dir + "/" + fp.diff;
    if (auto have = Sha256File(dest); have.ok() && (expected.empty() || *have == expected)) continue;
    RETURN_IF_ERROR(opt.mirror_dir.empty()
                        ? DownloadFile(fp.url, dest, expected, opt.progress)
                        : CopyVerified(opt.mirror_dir + "/" + fp.diff, dest, expected));
  }
  return Status::Ok();
}

}  // namespace

Status FetchCorpus(const CorpusRegistry& registry, const CorpusSpec& spec,
                   const FetchOptions& opt) {
  if (opt.cache_dir.empty()) return InvalidArgument("fetch: no cache folder given");
  std::error_code e1, e2;
  if (!opt.mirror_dir.empty() &&
      fs::weakly_canonical(opt.mirror_dir, e1) == fs::weakly_canonical(opt.cache_dir, e2) &&
      !e1 && !e2) {
    return InvalidArgument("fetch: the mirror and the cache are the same folder: " + opt.cache_dir);
  }
  RETURN_IF_ERROR(MakeDirs(opt.cache_dir));
  const auto files = registry.ManifestFiles(spec.name + "/");
  const std::string target = opt.cache_dir + "/" + spec.name;
  if (opt.progress) *opt.progress << "fetch " << spec.name << " -> " << target << "\n";
  if (UpToDate(registry, files, opt.cache_dir)) {
    if (opt.progress) *opt.progress << "  " << spec.name << ": up to date\n";
  } else {
    const std::string staging = opt.cache_dir + "/." + spec.name + ".tmp-" + std::to_string(::getpid());
    Cleanup cleanup(staging);
    std::error_code ec;
    fs::remove_all(staging, ec);
    RETURN_IF_ERROR(MakeDirs(staging));
    RETURN_IF_ERROR(opt.mirror_dir.empty()
                        ? FetchFromNetwork(registry, spec, opt, staging)
                        : FetchFromMirror(registry, spec, files, opt, staging));
    RETURN_IF_ERROR(Publish(staging, target, PublishMode::kReplace));
    cleanup.Release();
  }
  RETURN_IF_ERROR(FetchSplits(registry, spec, opt));
  if (opt.progress) *opt.progress << "  " << spec.name << ": done\n";
  return Status::Ok();
}

}  // namespace bioner
