// Helpers shared by the core/model tests: temporary folders and the reference cases.
#ifndef BIONER_TESTS_UNIT_MODEL_TEST_UTIL_H_
#define BIONER_TESTS_UNIT_MODEL_TEST_UTIL_H_

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace bioner::testing {

inline std::string ModelVectorDir(const std::string& name) {
  return std::string(BIONER_SHARED_DIR) + "/testvectors/model/" + name;
}

// A fresh folder under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("bioner_model_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void Spit(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

// Copies a test-vector model folder (read-only files) into `dir` with writable copies.
inline void CopyModelFolder(const std::string& from, const std::string& dir) {
  for (const char* f : {"config.json", "vocab.txt", "model.safetensors"}) {
    Spit(dir + "/" + f, Slurp(from + "/" + f));
  }
}

inline nlohmann::json ReadJson(const std::string& path) { return nlohmann::json::parse(Slurp(path)); }

}  // namespace bioner::testing

#endif  // BIONER_TESTS_UNIT_MODEL_TEST_UTIL_H_
