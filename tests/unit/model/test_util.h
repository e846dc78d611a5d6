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

#include "tests/support/temp_dir.h"

namespace bioner::testing {

inline std::string ModelVectorDir(const std::string& name) {
  return std::string(BIONER_TEST_DATA_DIR) + "/testvectors/model/" + name;
}

// A fresh folder under the system temp dir, removed on destruction.
class TempDir : public test_support::TempDir {
 public:
  TempDir() : test_support::TempDir("model_test") {}
};
using test_support::Slurp;
using test_support::Spit;

// Copies a test-vector model folder (read-only files) into `dir` with writable copies.
inline void CopyModelFolder(const std::string& from, const std::string& dir) {
  for (const char* f : {"config.json", "vocab.txt", "model.safetensors"}) {
    Spit(dir + "/" + f, Slurp(from + "/" + f));
  }
}

inline nlohmann::json ReadJson(const std::string& path) { return nlohmann::json::parse(Slurp(path)); }

}  // namespace bioner::testing

#endif  // BIONER_TESTS_UNIT_MODEL_TEST_UTIL_H_
