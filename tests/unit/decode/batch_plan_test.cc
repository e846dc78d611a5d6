// The batch planner shared by the server's Batcher and TagDocuments, as literal plans:
// the oldest window first, joined by the nearest lengths under the token budget and the
// padding cap.
#include "core/decode/batch_plan.h"

#include <gtest/gtest.h>

namespace bioner {
namespace {

// PlanBatch over windows of `lengths` that arrived in that order (arrival number = position):
// the arrival numbers of the plan in joining order, and whether it is full.
std::pair<std::vector<uint64_t>, bool> Plan(const std::vector<size_t>& lengths, int64_t budget,
                                            int64_t max_padding_percent) {
  LengthIndex index;
  for (size_t i = 0; i < lengths.size(); ++i) index.emplace(lengths[i], i);
  const auto oldest = lengths.empty() ? index.end() : index.find({lengths[0], 0});
  const BatchPlan plan = PlanBatch(index, oldest, budget, max_padding_percent);
  std::vector<uint64_t> arrivals;
  for (const auto& it : plan.windows) arrivals.push_back(it->second);
  return {arrivals, plan.full};
}

using PlanResult = std::pair<std::vector<uint64_t>, bool>;

TEST(PlanBatchTest, TitlesJoinTitlesNotTheAbstractsQueuedBetweenThem) {
  // Title and abstract windows of 4 documents, in arrival order. The oldest (a title, 25)
  // takes the equal 25 (no padding), then 24 (1 more), then 26 (2 more: 4 of 104 = 3.8 %);
  // an abstract would pad to 395 x 5. A FIFO prefix would have padded everything to 410.
  EXPECT_EQ(Plan({25, 400, 24, 410, 26, 395, 25, 402}, 8192, 5),
            (PlanResult{{0, 6, 2, 4}, false}));
}

TEST(PlanBatchTest, AbstractsJoinByNearestLengthWithinTheBudget) {
  // 400 takes 402 (2 padding) before 395 (5), then 395 (7 more), then 410 (16 more: 33 of
  // 1640 = 2.0 %); 25 would be 386 padding.
  EXPECT_EQ(Plan({400, 25, 410, 395, 402}, 8192, 5), (PlanResult{{0, 4, 3, 2}, false}));
  // With 1300 tokens, 4 x 410 does not fit, and no 4th window of any length would: full.
  EXPECT_EQ(Plan({400, 25, 410, 395, 402}, 1300, 5), (PlanResult{{0, 4, 3}, true}));
}

TEST(PlanBatchTest, ThePaddingCapBoundsTheBatchNotTheBudget) {
  EXPECT_EQ(Plan({7, 8, 7, 6, 7}, 100, 0), (PlanResult{{0, 2, 4}, false}));  // equal lengths only
  EXPECT_EQ(Plan({10, 9, 11}, 100, 5), (PlanResult{{0, 1}, false}));  // 1 of 20; then 3 of 33 = 9 %
  // No cap: the nearer neighbour first (ties: the earlier arrival), up to the budget.
  EXPECT_EQ(Plan({5, 12, 7, 12, 3}, 24, 100), (PlanResult{{0, 2, 4}, true}));
}

TEST(PlanBatchTest, TheOldestWindowAlwaysGoesEvenOverTheBudget) {
  EXPECT_EQ(Plan({600, 10}, 512, 5), (PlanResult{{0}, true}));
  EXPECT_EQ(Plan({5, 5, 5}, 1, 5), (PlanResult{{0}, true}));  // max_batch_tokens 1: batching off
  EXPECT_EQ(Plan({}, 32, 5), (PlanResult{{}, false}));
}

}  // namespace
}  // namespace bioner
