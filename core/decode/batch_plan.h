// The one batch planner: which queued model inputs (windows) run together in the next batch.
// The server's Batcher plans every batch of its queue with it, and TagDocuments (bioner-tool
// tag, the trainer's evaluation) plans the batches of a whole document set with it.
//
// A batch costs its padded size, windows x longest, so windows of near lengths go together:
// taking a FIFO prefix instead padded ~25-token title windows to the ~400 tokens of the
// abstract windows queued beside them (59 % padding, docs/BENCHMARKS.md "Server").
#ifndef BIONER_CORE_DECODE_BATCH_PLAN_H_
#define BIONER_CORE_DECODE_BATCH_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace bioner {

// The queued windows as (length, arrival number); the arrival number is unique.
using LengthIndex = std::set<std::pair<size_t, uint64_t>>;

struct BatchPlan {
  std::vector<LengthIndex::const_iterator> windows;  // `oldest` first, then in joining order
  bool full = false;  // no further window of any length would fit the token budget
};

// The next batch: `oldest` (an element of `index`), even if it alone is over the budget,
// then repeatedly the nearer-in-length of the two nearest unpicked windows (one shorter or
// equal, one longer or equal in `index` order; the one adding less padding, ties: the
// earlier arrival) while `windows x longest <= budget` and
// `100 x (padded - real) <= max_padding_percent x padded` still hold after adding it.
// Stops when neither neighbour may join. O(k) steps for a batch of k windows.
BatchPlan PlanBatch(const LengthIndex& index, LengthIndex::const_iterator oldest, int64_t budget,
                    int64_t max_padding_percent);

}  // namespace bioner

#endif  // BIONER_CORE_DECODE_BATCH_PLAN_H_
