// Runs a program for a test: command line through /bin/sh, stdin from a string, stdout and
// stderr captured, exit code returned. For integration tests of the real binaries.
#ifndef BIONER_TESTS_INTEGRATION_SUBPROCESS_H_
#define BIONER_TESTS_INTEGRATION_SUBPROCESS_H_

#include <string>

namespace bioner::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `command` is run by /bin/sh -c; `input` is written to its stdin.
ProcessResult RunProcess(const std::string& command, const std::string& input = "");

// A fresh, empty temporary directory for one test (removed by the caller if wanted).
std::string MakeTempDir(const std::string& prefix);

}  // namespace bioner::testing

#endif  // BIONER_TESTS_INTEGRATION_SUBPROCESS_H_
