// What the fuzz targets share: turning one fuzz input into the files a reader takes. Most
// readers take paths (the format readers, the weight readers, the model folder), and adding a
// string-taking twin of each only for fuzzing would be parser code that production never runs,
// so the input is written to a private folder instead (tmpfs when TMPDIR points there,
// as scripts/fuzz.sh arranges).
//
// One folder per process, created on first use under $TMPDIR (else /tmp) and removed at exit.
// Not thread-safe: a fuzz target runs one input at a time.
#ifndef BIONER_FUZZ_SCRATCH_DIR_H_
#define BIONER_FUZZ_SCRATCH_DIR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bioner::fuzz {

class ScratchDir {
 public:
  // The process's folder.
  static ScratchDir& Get();

  const std::string& path() const { return path_; }
  // Writes `bytes` to path()/`name` (a plain name, or "sub/name" whose folder is created) and
  // returns the full path. A write that fails aborts: the harness is broken, not the parser.
  std::string Write(const std::string& name, std::string_view bytes);
  // Removes everything written so far, so that a reader given the folder sees this input only.
  void Clear();

 private:
  ScratchDir();
  std::string path_;
};

// `data` cut at its first n - 1 NUL bytes into exactly `n` parts (missing parts are empty; the
// last part keeps any further NULs). How a target that needs several files (a text and its
// annotations) reads them from one input; the seeds are built the same way.
std::vector<std::string_view> SplitParts(const uint8_t* data, size_t size, size_t n);

}  // namespace bioner::fuzz

#endif  // BIONER_FUZZ_SCRATCH_DIR_H_
