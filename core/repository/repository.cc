#include "core/repository/repository.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/util/file.h"
#include "core/util/strings.h"

namespace bioner::repository {
namespace {

namespace fs = std::filesystem;

}  // namespace

bool IsVersionName(std::string_view name) {
  return !name.empty() && name.front() != '.' && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

std::optional<int64_t> IntegerVersion(std::string_view name) {
  if (name.empty() || name.size() > 18 ||
      !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(std::string(name));
}

StatusOr<std::vector<int64_t>> ListVersions(const std::string& type_dir) {
  std::vector<int64_t> out;
  std::error_code ec;
  if (!fs::exists(type_dir, ec)) return out;
  for (fs::directory_iterator it(type_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    if (auto v = IntegerVersion(it->path().filename().string())) out.push_back(*v);
  }
  if (ec) return Unavailable(type_dir + ": cannot list: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

StatusOr<std::optional<std::string>> ReadCurrent(const std::string& type_dir) {
  const std::string path = (fs::path(type_dir) / "current").string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<std::string>();
  ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  const std::string name(Trim(text));
  if (!IsVersionName(name)) {
    return DataLoss(path + ": expected one version folder name, got '" + text + "'");
  }
  return std::optional<std::string>(name);
}

StatusOr<std::optional<std::string>> ServedVersion(const std::string& type_dir) {
  ASSIGN_OR_RETURN(std::optional<std::string> current, ReadCurrent(type_dir));
  if (current) return current;
  ASSIGN_OR_RETURN(std::vector<int64_t> versions, ListVersions(type_dir));
  if (versions.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::to_string(versions.back()));
}

Status WriteCurrent(const std::string& type_dir, int64_t version) {
  return WriteFileAtomic((fs::path(type_dir) / "current").string(), std::to_string(version) + "\n");
}

std::string StagingFolder(const std::string& type_dir, int64_t version) {
  return (fs::path(type_dir) / (".tmp-" + std::to_string(version) + "-" + std::to_string(::getpid()))).string();
}

Status PublishVersion(const std::string& staging, const std::string& type_dir, int64_t version) {
  const std::string target = (fs::path(type_dir) / std::to_string(version)).string();
  std::error_code ec;
  if (fs::exists(target, ec)) return AlreadyExists(target + ": version already exists; nothing was overwritten");
  ASSIGN_OR_RETURN(std::optional<std::string> current, ReadCurrent(type_dir));
  ASSIGN_OR_RETURN(std::vector<int64_t> versions, ListVersions(type_dir));
  if (!current && !versions.empty()) RETURN_IF_ERROR(WriteCurrent(type_dir, versions.back()));
  return Publish(staging, target, PublishMode::kFailIfExists);
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
    if (!versions.empty()) p.previous = std::to_string(versions.back());
  }
  if (p.previous == std::to_string(version)) {
    p.promoted = true;
    p.reason = "version " + std::to_string(version) + " is already current";
    return p;
  }
  if (p.previous && !force) {
    // Read only when compared: a forced or first promotion needs no F1, and an imported
    // checkpoint (bioner-tool import) has none.
    auto new_f1 = ReadDevF1(dir);
    if (!new_f1.ok()) {
      p.reason = "version " + std::to_string(version) + " has no readable dev F1 (" + new_f1.status().message() +
                 "), so the quality gate cannot compare it; use --force to promote anyway";
      return p;
    }
    const double f1 = *new_f1;
    auto old = ReadDevF1((fs::path(type_dir) / *p.previous).string());
    if (!old.ok()) {
      p.reason = "the served version " + *p.previous + " has no readable dev F1 (" +
                 old.status().message() + "); use --force to promote anyway";
      return p;
    }
    if (f1 < *old) {
      p.reason = "dev F1 " + std::to_string(f1) + " is below the served version " + *p.previous +
                 "'s " + std::to_string(*old) + " (quality gate; --force overrides)";
      return p;
    }
    p.reason = "dev F1 " + std::to_string(f1) + " >= " + std::to_string(*old) + " of version " + *p.previous;
  } else {
    p.reason = force ? "forced" : "no version was served";
  }
  RETURN_IF_ERROR(WriteCurrent(type_dir, version));
  p.promoted = true;
  return p;
}

}  // namespace bioner::repository
