// Small filesystem helpers with Status errors: whole-file reads, read-only memory maps, and
// the one atomic publication of the project (Publish, WriteFileAtomic): write under a
// temporary name in the same folder, fsync, rename, fsync the folder, so that a reader
// never sees a half-written file or folder and a crash leaves the old one or the new one
// (after leveldb's db/filename.cc). Every writer of the model repository, training work
// folders, pretraining and embedding outputs, and the corpus cache publishes through it.
#ifndef BIONER_CORE_UTIL_FILE_H_
#define BIONER_CORE_UTIL_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace bioner {

StatusOr<std::string> ReadFile(const std::string& path);

// Whether the file name `path` ends in `ext` (".xml", ".xml.gz"), ignoring ASCII case:
// release files come as "Dev.BioC.XML" as often as "dev.bioc.xml".
bool HasExtension(std::string_view path, std::string_view ext);

// Writes `data` to `path` atomically: `path.tmp-<pid>` is written, then Published over `path`.
Status WriteFileAtomic(const std::string& path, std::string_view data);

enum class PublishMode {
  kReplace,       // an existing file is replaced atomically; an existing folder (a stale one
                  // left by a run killed before its commit) is removed first
  kFailIfExists,  // ALREADY_EXISTS if `target` exists; nothing is ever overwritten
};

// Publishes the complete file or folder `staging` as `target` (same file system; `staging`
// is normally a temporary name beside `target`): fsyncs `staging` (a folder recursively),
// renames it, fsyncs the parent folder of `target`.
Status Publish(const std::string& staging, const std::string& target, PublishMode mode);

// fsync(2) of one file or folder (a folder's fsync makes the names in it durable).
Status SyncPath(const std::string& path);
// SyncPath of every file and folder below `dir`, then of `dir` itself.
Status SyncTree(const std::string& dir);

// A read-only memory map of a whole file. Movable, not copyable; unmaps on destruction.
// Thread-safe to read from many threads.
class MappedFile {
 public:
  static StatusOr<MappedFile> Open(const std::string& path);
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace bioner

#endif  // BIONER_CORE_UTIL_FILE_H_
