#include "trainer/job_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/util/file.h"

namespace bioner::trainer {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSubfolders[] = {"incoming", "running", "done", "failed",
                                       "cancel",   "status",  "logs"};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

StatusOr<std::unique_ptr<JobFolder>> JobFolder::Open(const std::string& root) {
  std::error_code ec;
  for (const char* sub : kSubfolders) {
    fs::create_directories(fs::path(root) / sub, ec);
    if (ec)
      return Unavailable("jobs folder " + root + ": cannot create " + sub + "/: " + ec.message());
  }
  const std::string lock = (fs::path(root) / ".daemon.lock").string();
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable(lock + ": cannot open: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return FailedPrecondition("jobs folder " + root +
                              " is in use by another bioner-trainer serve (" + lock +
                              " is locked)");
  }
  return std::unique_ptr<JobFolder>(new JobFolder(root, fd));
}

JobFolder::~JobFolder() { ::close(lock_fd_); }

std::string JobFolder::StageDir(Stage stage) const {
  const char* sub = stage == Stage::kIncoming  ? "incoming"
                    : stage == Stage::kRunning ? "running"
                    : stage == Stage::kDone    ? "done"
                                               : "failed";
  return (fs::path(root_) / sub).string();
}

std::string JobFolder::ConfigPath(Stage stage, const std::string& name) const {
  return (fs::path(StageDir(stage)) / (name + ".yaml")).string();
}
std::string JobFolder::StatusPath(const std::string& name) const {
  return (fs::path(root_) / "status" / (name + ".json")).string();
}
std::string JobFolder::ErrorPath(const std::string& name) const {
  return (fs::path(StageDir(Stage::kFailed)) / (name + ".error")).string();
}
std::string JobFolder::CancelPath(const std::string& name) const {
  return (fs::path(root_) / "cancel" / name).string();
}
std::string JobFolder::LogPath(const std::string& name) const {
  return (fs::path(root_) / "logs" / (name + ".log")).string();
}
std::string JobFolder::OutPath(const std::string& name) const {
  return (fs::path(root_) / "logs" / (name + ".out")).string();
}
std::string JobFolder::ProgressPath(const std::string& name) const {
  return (fs::path(root_) / "logs" / (name + ".progress.jsonl")).string();
}

StatusOr<std::vector<std::string>> JobFolder::List(Stage stage) const {
  struct Entry {
    fs::file_time_type mtime;
    std::string name;
  };
  std::vector<Entry> entries;
  std::error_code ec;
  const std::string dir = StageDir(stage);
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (file.empty() || file[0] == '.' || !EndsWith(file, ".yaml")) continue;
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;
    const auto mtime = it->last_write_time(fec);
    if (fec) continue;  // renamed away meanwhile
    entries.push_back({mtime, file.substr(0, file.size() - 5)});
  }
  if (ec) return Unavailable(dir + ": cannot list: " + ec.message());
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.mtime != b.mtime ? a.mtime < b.mtime : a.name < b.name;
  });
  std::vector<std::string> names;
  for (auto& e : entries) names.push_back(std::move(e.name));
  return names;
}

StatusOr<std::vector<std::string>> JobFolder::CancelRequests() const {
  std::vector<std::string> names;
  std::error_code ec;
  const fs::path dir = fs::path(root_) / "cancel";
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (!file.empty() && file[0] != '.') names.push_back(file);
  }
  if (ec) return Unavailable(dir.string() + ": cannot list: " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

void JobFolder::RemoveCancelRequest(const std::string& name) const {
  std::error_code ec;
  fs::remove(CancelPath(name), ec);
}

Status JobFolder::Move(const std::string& name, Stage from, Stage to) const {
  const std::string a = ConfigPath(from, name), b = ConfigPath(to, name);
  if (::rename(a.c_str(), b.c_str()) != 0) {
    return Unavailable("cannot move " + a + " to " + b + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

void JobFolder::ForgetEarlierRun(const std::string& name) const {
  std::error_code ec;
  for (const std::string& p : {ConfigPath(Stage::kDone, name), ConfigPath(Stage::kFailed, name),
                               ErrorPath(name), LogPath(name), OutPath(name), ProgressPath(name)}) {
    fs::remove(p, ec);
  }
}

Status JobFolder::WriteStatus(const JobStatus& status) const {
  return WriteFileAtomic(StatusPath(status.name), JobStatusToJson(status));
}

Status JobFolder::WriteError(const std::string& name, const std::string& reason) const {
  return WriteFileAtomic(ErrorPath(name), reason + "\n");
}

std::vector<JobStatus> JobFolder::ReadStatuses(std::vector<std::string>* problems) const {
  std::vector<JobStatus> out;
  std::error_code ec;
  const fs::path dir = fs::path(root_) / "status";
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (file.empty() || file[0] == '.' || !EndsWith(file, ".json")) continue;
    auto text = ReadFile(it->path().string());
    auto status =
        text.ok() ? ParseJobStatus(*text, it->path().string()) : StatusOr<JobStatus>(text.status());
    if (!status.ok()) {
      if (problems) problems->push_back(status.status().ToString());
      continue;
    }
    status->name = file.substr(0, file.size() - 5);  // the file name is the truth
    out.push_back(std::move(status).value());
  }
  return out;
}

}  // namespace bioner::trainer
