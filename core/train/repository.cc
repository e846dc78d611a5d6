#include "core/train/repository.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/util/file.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;

Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Unavailable(path + ": cannot open for fsync: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Unavailable(path + ": fsync failed: " + std::strerror(err));
  return Status::Ok();
}

std::optional<int64_t> ParseVersion(const std::string& s) {
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(s);
}

}  // namespace

StatusOr<std::vector<int64_t>> ListVersions(const std::string& type_dir) {
  std::vector<int64_t> out;
  std::error_code ec;
  if (!fs::exists(type_dir, ec)) return out;
  for (fs::directory_iterator it(type_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    if (auto v = ParseVersion(it->path().filename().string())) out.push_back(*v);
  }
  if (ec) return Unavailable(type_dir + ": cannot list: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

StatusOr<std::optional<int64_t>> ReadCurrent(const std::string& type_dir) {
  const std::string path = (fs::path(type_dir) / "current").string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  auto v = ParseVersion(text);
  if (!v) return DataLoss(path + ": expected one version number, got '" + text + "'");
  return std::optional<int64_t>(*v);
}

StatusOr<std::optional<int64_t>> ServedVersion(const std::string& type_dir) {
  ASSIGN_OR_RETURN(std::optional<int64_t> current, ReadCurrent(type_dir));
  if (current) return current;
  ASSIGN_OR_RETURN(std::vector<int64_t> versions, ListVersions(type_dir));
  if (versions.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(versions.back());
}

Status WriteCurrent(const std::string& type_dir, int64_t version) {
  RETURN_IF_ERROR(WriteFileAtomic((fs::path(type_dir) / "current").string(), std::to_string(version) + "\n"));
  return SyncPath(type_dir);
}

Status SyncFolder(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) RETURN_IF_ERROR(SyncPath(it->path().string()));
  }
  if (ec) return Unavailable(dir + ": cannot list: " + ec.message());
  return SyncPath(dir);
}

std::string StagingFolder(const std::string& type_dir, int64_t version) {
  return (fs::path(type_dir) / (".tmp-" + std::to_string(version) + "-" + std::to_string(::getpid()))).string();
}

Status PublishVersion(const std::string& staging, const std::string& type_dir, int64_t version) {
  const std::string target = (fs::path(type_dir) / std::to_string(version)).string();
  std::error_code ec;
  if (fs::exists(target, ec)) return AlreadyExists(target + ": version already exists; nothing was overwritten");
  ASSIGN_OR_RETURN(std::optional<int64_t> current, ReadCurrent(type_dir));
  ASSIGN_OR_RETURN(std::vector<int64_t> versions, ListVersions(type_dir));
  if (!current && !versions.empty()) RETURN_IF_ERROR(WriteCurrent(type_dir, versions.back()));
  RETURN_IF_ERROR(SyncFolder(staging));
  // rename(2), not std::filesystem::rename: it must fail, not replace, if the target appeared.
  if (::rename(staging.c_str(), target.c_str()) != 0) {
    return Unavailable(target + ": cannot rename " + staging + " into place: " + std::strerror(errno));
  }
  return SyncPath(type_dir);
}

StatusOr<double> ReadDevF1(const std::string& version_dir) {
  const std::string path = (fs::path(version_dir) / "metrics.json").string();
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  try {
    const auto j = nlohmann::json::parse(text);
    return j.at("dev").at("micro").at("f1").get<double>();
  } catch (const std::exception& e) {
    return DataLoss(path + ": no dev.micro.f1: " + e.what());
  }
}

StatusOr<Promotion> Promote(const std::string& type_dir, int64_t version, bool force) {
  Promotion p;
  const std::string dir = (fs::path(type_dir) / std::to_string(version)).string();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound(dir + ": no such version");
  ASSIGN_OR_RETURN(p.previous, ReadCurrent(type_dir));
  if (!p.previous) {
    // No pointer: the highest other version is what the server serves now.
    ASSIGN_OR_RETURN(std::vector<int64_t> versions, ListVersions(type_dir));
    versions.erase(std::remove(versions.begin(), versions.end(), version), versions.end());
    if (!versions.empty()) p.previous = versions.back();
  }
  if (p.previous == version) {
    p.promoted = true;
    p.reason = "version " + std::to_string(version) + " is already current";
    return p;
  }
  ASSIGN_OR_RETURN(double f1, ReadDevF1(dir));
  if (p.previous && !force) {
    auto old = ReadDevF1((fs::path(type_dir) / std::to_string(*p.previous)).string());
    if (!old.ok()) {
      p.reason = "the served version " + std::to_string(*p.previous) + " has no readable dev F1 (" +
                 old.status().message() + "); use --force to promote anyway";
      return p;
    }
    if (f1 < *old) {
      p.reason = "dev F1 " + std::to_string(f1) + " is below the served version " + std::to_string(*p.previous) +
                 "'s " + std::to_string(*old) + " (quality gate; --force overrides)";
      return p;
    }
    p.reason = "dev F1 " + std::to_string(f1) + " >= " + std::to_string(*old) + " of version " +
               std::to_string(*p.previous);
  } else {
    p.reason = force ? "forced" : "no version was served";
  }
  RETURN_IF_ERROR(WriteCurrent(type_dir, version));
  p.promoted = true;
  return p;
}

}  // namespace bioner::train
