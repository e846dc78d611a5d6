#include "core/decode/windows.h"

#include <algorithm>

namespace bioner {

StatusOr<std::vector<Window>> MakeWindows(int n, int max_tokens, int overlap) {
  if (max_tokens < 1) return InvalidArgument("window size must be at least 1 token");
  if (overlap < 0 || overlap >= max_tokens) {
    return InvalidArgument("window overlap " + std::to_string(overlap) +
                           " must be in [0, window size " + std::to_string(max_tokens) + ")");
  }
  std::vector<Window> windows;
  if (n <= 0) return windows;
  const int step = max_tokens - overlap;
  for (int begin = 0;; begin += step) {
    const int end = std::min(n, begin + max_tokens);
    windows.push_back({begin, end});
    if (end == n) break;
  }
  return windows;
}

std::vector<int> AssignTokensToWindows(const std::vector<Window>& windows, int n) {
  std::vector<int> owner(std::max(n, 0), -1);
  std::vector<int> best(std::max(n, 0), -1);
  for (int w = 0; w < static_cast<int>(windows.size()); ++w) {
    for (int pos = windows[w].begin; pos < windows[w].end && pos < n; ++pos) {
      const int context = std::min(pos - windows[w].begin, windows[w].end - 1 - pos);
      if (context > best[pos]) {
        best[pos] = context;
        owner[pos] = w;
      }
    }
  }
  return owner;
}

}  // namespace bioner
