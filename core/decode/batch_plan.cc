#include "core/decode/batch_plan.h"

#include <algorithm>
#include <iterator>

namespace bioner {

BatchPlan PlanBatch(const LengthIndex& index, LengthIndex::const_iterator oldest, int64_t budget,
                    int64_t max_padding_percent) {
  BatchPlan plan;
  if (oldest == index.end()) return plan;
  plan.windows.push_back(oldest);
  int64_t count = 1;
  int64_t longest = static_cast<int64_t>(oldest->first);
  int64_t real = longest;
  // The nearest unpicked neighbours: `below` is the next one down (index order), `above` the
  // next one up. Windows of equal length come after `oldest` (it arrived first): above.
  LengthIndex::const_iterator below = oldest, above = std::next(oldest);
  // Padding added by `it` joining, or -1 if the batch may not take it.
  auto extra_padding = [&](LengthIndex::const_iterator it) -> int64_t {
    const int64_t len = static_cast<int64_t>(it->first);
    const int64_t padded = (count + 1) * std::max(longest, len);
    const int64_t pad = padded - real - len;
    if (padded > budget || 100 * pad > max_padding_percent * padded) return -1;
    return pad - (count * longest - real);  // minus the padding there is already
  };
  for (;;) {
    const int64_t down = below != index.begin() ? extra_padding(std::prev(below)) : -1;
    const int64_t up = above != index.end() ? extra_padding(above) : -1;
    if (down < 0 && up < 0) break;
    const bool take_up =
        up >= 0 && (down < 0 || up < down || (up == down && above->second < std::prev(below)->second));
    const LengthIndex::const_iterator it = take_up ? above++ : --below;
    plan.windows.push_back(it);
    ++count;
    longest = std::max(longest, static_cast<int64_t>(it->first));
    real += static_cast<int64_t>(it->first);
  }
  plan.full = (count + 1) * longest > budget;
  return plan;
}

}  // namespace bioner
