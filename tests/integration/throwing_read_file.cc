// A stand-in for bioner::ReadFile, preloaded (LD_PRELOAD) into a bioner program by
// reliability_test: it throws std::runtime_error for any path that contains
// "inject-exception" and passes every other path to the real function. That makes an
// exception escape a command the way a bug would, so the test can prove that each program's
// main() turns it into one line on stderr and an exit code instead of an abort. The
// libraries call ReadFile through the PLT (the libbioner_*.so layers are built with semantic
// interposition, GCC's default), so the preloaded definition wins everywhere.
#include <dlfcn.h>

#include <stdexcept>
#include <string>

#include "core/util/file.h"

namespace bioner {

StatusOr<std::string> ReadFile(const std::string& path) {
  if (path.find("inject-exception") != std::string::npos) {
    throw std::runtime_error("exception injected by the test while reading " + path);
  }
  using Real = StatusOr<std::string> (*)(const std::string&);
  // The Itanium C++ ABI name of bioner::ReadFile(const std::string&).
  static const Real real = reinterpret_cast<Real>(dlsym(
      RTLD_NEXT, "_ZN6bioner8ReadFileERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE"));
  if (real == nullptr)
    return Internal("throwing_read_file: the real bioner::ReadFile is not loaded");
  return real(path);
}

}  // namespace bioner
