// Log lines of bioner-server on stderr: "2026-01-02T03:04:05Z bioner-server: message".
// One write(2) per line, so lines from different threads do not interleave. Thread-safe.
#ifndef BIONER_SERVER_LOG_H_
#define BIONER_SERVER_LOG_H_

#include <string>

namespace bioner::server {

void Log(const std::string& message);

}  // namespace bioner::server

#endif  // BIONER_SERVER_LOG_H_
