// The properties every fuzz target checks beyond "no crash": an error says what is wrong
// (STYLE.md: recoverable errors are Status values naming the problem), and what a writer
// produced reads back. A broken property aborts, so libFuzzer keeps the input like a crash.
#ifndef BIONER_FUZZ_CHECKS_H_
#define BIONER_FUZZ_CHECKS_H_

#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace bioner::fuzz {

[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz property broken: %s\n", what.c_str());
  std::abort();
}

// `s` is OK, or an error with a message.
inline void ExpectMessage(const Status& s) {
  if (!s.ok() && s.message().empty()) Die("error without a message: " + s.ToString());
}
template <typename T>
void ExpectMessage(const StatusOr<T>& s) {
  ExpectMessage(s.status());
}

// `s` is OK (a round trip of valid data); the message says which one failed.
inline void ExpectOk(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

// A tensor shape a reader handed out: non-negative dimensions whose product, zeros left out,
// fits in int64_t, so that no numel() can overflow. Checked here, not only by the reader, so
// that the replay test (built without sanitizers, where the overflow is silent) still fails.
inline void ExpectShapeFits(const std::vector<int64_t>& shape, const std::string& what) {
  int64_t product = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && __builtin_mul_overflow(product, d, &product))) {
      Die(what + ": shape overflows int64");
    }
  }
}

}  // namespace bioner::fuzz

#endif  // BIONER_FUZZ_CHECKS_H_
