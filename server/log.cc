#include "server/log.h"

#include <unistd.h>

#include "core/util/time.h"

namespace bioner::server {

void Log(const std::string& message) {
  const std::string line = UtcNow() + " bioner-server: " + message + "\n";
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace bioner::server
