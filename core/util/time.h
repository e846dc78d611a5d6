// Wall-clock time as the project writes it: UTC, ISO 8601 to the second. Thread-safe.
#ifndef BIONER_CORE_UTIL_TIME_H_
#define BIONER_CORE_UTIL_TIME_H_

#include <string>

namespace bioner {

// Now, e.g. "2026-12-03T16:28:46Z" (log lines, job status, provenance in metrics.json).
std::string UtcNow();

}  // namespace bioner

#endif  // BIONER_CORE_UTIL_TIME_H_
