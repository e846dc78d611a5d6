#include "core/util/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bioner {
namespace {

namespace fs = std::filesystem;

Status ErrnoStatus(const std::string& path, const char* what) {
  const int err = errno;
  std::string msg = path + ": " + what + ": " + std::strerror(err);
  if (err == ENOENT) return NotFound(msg);
  return Status(StatusCode::kUnavailable, msg);
}

}  // namespace

bool HasExtension(std::string_view path, std::string_view ext) {
  if (path.size() < ext.size()) return false;
  const std::string_view tail = path.substr(path.size() - ext.size());
  for (size_t i = 0; i < ext.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(tail[i])) !=
        std::tolower(static_cast<unsigned char>(ext[i]))) {
      return false;
    }
  }
  return true;
}

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoStatus(path, "cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return DataLoss(path + ": read error");
  return ss.str();
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(tmp, "cannot create");
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = ErrnoStatus(tmp, "write failed");
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    Status s = ErrnoStatus(tmp, "close failed");
    ::unlink(tmp.c_str());
    return s;
  }
  Status s = Publish(tmp, path, PublishMode::kReplace);  // fsyncs the file, then the folder
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, "cannot open for fsync");
  if (::fsync(fd) != 0) {
    Status s = ErrnoStatus(path, "fsync failed");
    ::close(fd);
    return s;
  }
  ::close(fd);
  return Status::Ok();
}

Status SyncTree(const std::string& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec)) continue;  // fsync would follow it out of the tree
    if (it->is_regular_file(ec) || it->is_directory(ec)) RETURN_IF_ERROR(SyncPath(it->path().string()));
  }
  if (ec) return Unavailable(dir + ": cannot list: " + ec.message());
  return SyncPath(dir);
}

Status Publish(const std::string& staging, const std::string& target, PublishMode mode) {
  std::error_code ec;
  const bool is_dir = fs::is_directory(staging, ec);
  RETURN_IF_ERROR(is_dir ? SyncTree(staging) : SyncPath(staging));
  if (fs::exists(fs::symlink_status(target, ec))) {
    if (mode == PublishMode::kFailIfExists) {
      return AlreadyExists(target + ": already exists; nothing was overwritten");
    }
    // rename(2) replaces a file atomically but not a non-empty folder.
    if (fs::is_directory(fs::symlink_status(target, ec))) {
      fs::remove_all(target, ec);
      if (ec) return Unavailable(target + ": cannot remove the stale folder: " + ec.message());
    }
  }
  // rename(2), not std::filesystem::rename, so that a folder that appeared meanwhile makes
  // it fail (ENOTEMPTY/EEXIST) instead of being replaced.
  if (::rename(staging.c_str(), target.c_str()) != 0) {
    const int err = errno;
    const std::string msg = target + ": cannot rename " + staging + " into place: " + std::strerror(err);
    if (err == EEXIST || err == ENOTEMPTY) return AlreadyExists(msg + "; nothing was overwritten");
    return Unavailable(msg);
  }
  std::string parent = fs::path(target).parent_path().string();
  return SyncPath(parent.empty() ? "." : parent);
}

StatusOr<MappedFile> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, "cannot open");
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = ErrnoStatus(path, "cannot stat");
    ::close(fd);
    return s;
  }
  MappedFile f;
  f.path_ = path;
  f.size_ = static_cast<size_t>(st.st_size);
  if (f.size_ > 0) {
    void* p = ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      Status s = ErrnoStatus(path, "mmap failed");
      ::close(fd);
      return s;
    }
    f.data_ = static_cast<const char*>(p);
  }
  ::close(fd);
  return f;
}

MappedFile::MappedFile(MappedFile&& other) noexcept { *this = std::move(other); }

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
    path_ = std::move(other.path_);
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

}  // namespace bioner
