// Small filesystem helpers with Status errors: whole-file reads, atomic publication
// (write to a temporary file in the same folder, fsync, rename: a reader never sees a
// half-written file, after leveldb's db/filename.cc), and read-only memory maps.
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

// Writes `data` to `path` atomically: `path.tmp-<pid>` is written, fsynced and renamed.
Status WriteFileAtomic(const std::string& path, std::string_view data);

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
