// Cutting a long token sequence into model windows, and merging the windows' predictions.
//
// A passage of N subword tokens is cut into windows of at most `max_tokens` content tokens
// (the model's max_seq_len minus [CLS] and [SEP]); consecutive windows overlap by `overlap`
// tokens. Merge rule ("max context", as Hugging Face's question-answering pipeline): each
// token takes its prediction from the window in which it has the most context on its
// shorter side, min(pos - window.begin, window.end - 1 - pos); ties go to the earlier window.
// Stateless; thread-safe.
#ifndef BIONER_CORE_DECODE_WINDOWS_H_
#define BIONER_CORE_DECODE_WINDOWS_H_

#include <vector>

#include "core/util/status.h"

namespace bioner {

struct Window {
  int begin = 0;  // first token, inclusive
  int end = 0;    // last token, exclusive
};

// Windows covering [0, n). n == 0 gives no window. Requires max_tokens >= 1 and
// 0 <= overlap < max_tokens (INVALID_ARGUMENT otherwise).
StatusOr<std::vector<Window>> MakeWindows(int n, int max_tokens, int overlap);

// For each token in [0, n), the index of the window whose prediction it takes.
std::vector<int> AssignTokensToWindows(const std::vector<Window>& windows, int n);

}  // namespace bioner

#endif  // BIONER_CORE_DECODE_WINDOWS_H_
