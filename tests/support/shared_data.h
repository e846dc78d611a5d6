// Where the tests find data. Two kinds, kept apart on purpose:
//  - tests/data/ (BIONER_TEST_DATA_DIR): small fixtures in the repository (reference vectors,
//    format samples) that the tests of the project's own logic need; always present.
//  - the shared data folder (../shared beside the checkout, or $BIONER_SHARED_DIR): real
//    external data a fresh clone does not have (the HUNER corpora mirror). Tests that exist to
//    check that data skip without it, naming the path they looked for; they never fail.
// The environment variable wins over the folder configured at build time, so one build can run
// the suite both as a fresh clone (an empty folder) and with the data (.ci/run does both).
#ifndef BIONER_TESTS_SUPPORT_SHARED_DATA_H_
#define BIONER_TESTS_SUPPORT_SHARED_DATA_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace bioner::test_support {

inline std::string SharedDir() {
  const char* env = std::getenv("BIONER_SHARED_DIR");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(BIONER_SHARED_DIR);
}

// SharedDir()/rel.
inline std::string SharedPath(const std::string& rel) { return SharedDir() + "/" + rel; }

}  // namespace bioner::test_support

// Skips the current test, naming the path, when the external data at `path` is absent.
#define BIONER_SKIP_WITHOUT_SHARED(path)                                                   \
  do {                                                                                     \
    if (!std::filesystem::exists(path)) {                                                  \
      GTEST_SKIP() << "shared data absent: " << (path)                                     \
                   << " (set BIONER_SHARED_DIR or see README, 'Test data')";               \
    }                                                                                      \
  } while (0)

#endif  // BIONER_TESTS_SUPPORT_SHARED_DATA_H_
