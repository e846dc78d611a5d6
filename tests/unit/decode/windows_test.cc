#include "core/decode/windows.h"

#include <gtest/gtest.h>

namespace bioner {
namespace {

TEST(Windows, CoverWithOverlap) {
  auto w = MakeWindows(10, 4, 1);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->size(), 3u);
  EXPECT_EQ((*w)[0].begin, 0); EXPECT_EQ((*w)[0].end, 4);
  EXPECT_EQ((*w)[1].begin, 3); EXPECT_EQ((*w)[1].end, 7);
  EXPECT_EQ((*w)[2].begin, 6); EXPECT_EQ((*w)[2].end, 10);
  EXPECT_EQ(MakeWindows(3, 4, 1)->size(), 1u);
  EXPECT_TRUE(MakeWindows(0, 4, 1)->empty());
  EXPECT_FALSE(MakeWindows(10, 4, 4).ok());
  EXPECT_FALSE(MakeWindows(10, 0, 0).ok());
}

TEST(Windows, MaxContextAssignment) {
  // Windows [0,6) and [3,9): token 3 has context min(3,2)=2 in the first, min(0,5)=0 in the
  // second; token 4: min(4,1)=1 vs min(1,4)=1 -> tie, earlier; token 5: 0 vs 2 -> second.
  std::vector<Window> w = {{0, 6}, {3, 9}};
  EXPECT_EQ(AssignTokensToWindows(w, 9), (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 1}));
}

TEST(Windows, EveryTokenOwnedByAWindowThatContainsIt) {
  for (int n = 1; n < 60; ++n) {
    for (int size = 1; size < 12; ++size) {
      for (int overlap = 0; overlap < size; ++overlap) {
        auto w = MakeWindows(n, size, overlap);
        ASSERT_TRUE(w.ok());
        std::vector<int> owner = AssignTokensToWindows(*w, n);
        for (int t = 0; t < n; ++t) {
          ASSERT_GE(owner[t], 0);
          EXPECT_LE((*w)[owner[t]].begin, t);
          EXPECT_GT((*w)[owner[t]].end, t);
        }
      }
    }
  }
}

}  // namespace
}  // namespace bioner
