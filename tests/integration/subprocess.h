// Runs a program for a test: command line through /bin/sh, stdin from a string, stdout and
// stderr captured, exit code returned. For integration tests of the real binaries; also
// a process's resident memory, for tests and benchmarks that bound it.
#ifndef BIONER_TESTS_INTEGRATION_SUBPROCESS_H_
#define BIONER_TESTS_INTEGRATION_SUBPROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "core/util/status.h"

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

struct ProcessMemory {
  int64_t rss_bytes = 0;  // VmRSS: resident now
  int64_t hwm_bytes = 0;  // VmHWM: the peak resident size
};
// From /proc/<pid>/status. NOT_FOUND if it cannot be read.
StatusOr<ProcessMemory> ReadProcessMemory(pid_t pid);

}  // namespace bioner::testing

#endif  // BIONER_TESTS_INTEGRATION_SUBPROCESS_H_
