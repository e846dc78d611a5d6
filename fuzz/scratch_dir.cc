#include "fuzz/scratch_dir.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace bioner::fuzz {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz harness: %s\n", what.c_str());
  std::abort();
}

}  // namespace

ScratchDir& ScratchDir::Get() {
  static ScratchDir* dir = [] {
    auto* d = new ScratchDir();
    // Removed at exit; a crash leaves it behind, inside the TMPDIR that scripts/fuzz.sh removes.
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(Get().path(), ec);
    });
    return d;
  }();
  return *dir;
}

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                      "/bioner-fuzz-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) Fail("cannot create a folder like " + templ);
  path_ = templ;
}

std::string ScratchDir::Write(const std::string& name, std::string_view bytes) {
  const fs::path file = fs::path(path_) / name;
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) Fail("cannot create " + file.parent_path().string() + ": " + ec.message());
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (f == nullptr) Fail("cannot write " + file.string());
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) Fail("cannot write " + file.string());
  return file.string();
}

void ScratchDir::Clear() {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(path_, ec)) {
    fs::remove_all(e.path(), ec);
  }
}

std::vector<std::string_view> SplitParts(const uint8_t* data, size_t size, size_t n) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < n) {
    const size_t nul = rest.find('\0');
    if (nul == std::string_view::npos) break;
    parts.push_back(rest.substr(0, nul));
    rest.remove_prefix(nul + 1);
  }
  parts.push_back(rest);
  parts.resize(n);
  return parts;
}

}  // namespace bioner::fuzz
