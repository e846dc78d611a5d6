// Log lines of the long-running programs (bioner-server, `bioner-trainer serve`) on stderr,
// where container runtimes collect them: "2026-01-02T03:04:05Z bioner-server: message".
// One write(2) per line, so lines from different threads do not interleave. Thread-safe.
#ifndef BIONER_CORE_SERVICE_LOG_H_
#define BIONER_CORE_SERVICE_LOG_H_

#include <string>

namespace bioner {

// The name every line carries ("bioner-server"); set once in main() before other threads
// start. Until then lines carry "bioner".
void SetLogProgram(const char* name);

void Log(const std::string& message);

}  // namespace bioner

#endif  // BIONER_CORE_SERVICE_LOG_H_
