#include "core/service/log.h"

#include <unistd.h>

#include "core/util/time.h"

namespace bioner {
namespace {

const char* program = "bioner";

}  // namespace

void SetLogProgram(const char* name) { program = name; }

void Log(const std::string& message) {
  const std::string line = UtcNow() + " " + program + ": " + message + "\n";
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace bioner
