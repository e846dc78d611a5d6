// Hand-computed cases for counts and per-document matching; every expected number is worked
// out in the comment beside it.
#include "core/eval/match.h"

#include <gtest/gtest.h>

#include "core/eval/counts.h"

namespace bioner {
namespace {

Entity E(size_t start, size_t end, const std::string& type) {
  Entity e;
  e.start = start;
  e.end = end;
  e.type = type;
  return e;
}

Counts C(int64_t tp, int64_t fp, int64_t fn) { return Counts{tp, fp, fn}; }

TEST(Counts, RatiosAndZeroWhenUndefined) {
  Counts c = C(2, 2, 1);
  EXPECT_DOUBLE_EQ(c.Precision(), 0.5);       // 2 / 4
  EXPECT_DOUBLE_EQ(c.Recall(), 2.0 / 3.0);    // 2 / 3
  EXPECT_DOUBLE_EQ(c.F1(), 4.0 / 7.0);        // 2*2 / (4 + 2 + 1)
  EXPECT_EQ(C(0, 0, 0).Precision(), 0.0);
  EXPECT_EQ(C(0, 0, 0).Recall(), 0.0);
  EXPECT_EQ(C(0, 0, 0).F1(), 0.0);
  EXPECT_EQ(C(0, 3, 0).Recall(), 0.0);        // no gold: recall 0/0 -> 0
  EXPECT_EQ(C(0, 0, 3).Precision(), 0.0);     // no predictions: precision 0/0 -> 0
  Counts sum = C(1, 2, 3);
  sum += C(10, 20, 30);
  EXPECT_EQ(sum, C(11, 22, 33));
}

TEST(Counts, MacroIsMeanOfPerCorpusScores) {
  // corpus 1: P=1, R=1/2, F1=2/3; corpus 2: P=1/2, R=1, F1=2/3.
  MacroAverage m = MacroAverage::Of({C(1, 0, 1), C(1, 1, 0)});
  EXPECT_DOUBLE_EQ(m.precision, 0.75);
  EXPECT_DOUBLE_EQ(m.recall, 0.75);
  EXPECT_DOUBLE_EQ(m.f1, 2.0 / 3.0);  // mean of the F1s; the F1 of mean P and R would be 0.75
  EXPECT_EQ(m.corpora, 2);
  // A corpus without predictions contributes zeros: F1s 1 and 0 -> 0.5.
  EXPECT_DOUBLE_EQ(MacroAverage::Of({C(3, 0, 0), C(0, 0, 4)}).f1, 0.5);
  EXPECT_EQ(MacroAverage::Of({}).corpora, 0);
  EXPECT_EQ(MacroAverage::Of({}).f1, 0.0);
}

TEST(MatchStrict, ExactSpanAndTypeOnly) {
  TypeCounts out;
  MatchStrict({E(0, 5, "Disease"), E(10, 15, "Disease"), E(20, 25, "Gene")},
              {E(0, 5, "Disease"), E(10, 14, "Disease"), E(20, 25, "Disease"),
               E(20, 25, "Gene")},
              &out);
  // Disease: [0,5) matches; [10,14) and [20,25)Disease are fp; [10,15) is fn.
  EXPECT_EQ(out["Disease"], C(1, 2, 1));
  EXPECT_EQ(out["Gene"], C(1, 0, 0));
  EXPECT_EQ(out.size(), 2u);
}

TEST(MatchStrict, DuplicatesCountOnceAndCountsAccumulate) {
  TypeCounts out;
  MatchStrict({E(3, 7, "Gene"), E(3, 7, "Gene")}, {E(3, 7, "Gene"), E(3, 7, "Gene")}, &out);
  EXPECT_EQ(out["Gene"], C(1, 0, 0));
  MatchStrict({}, {E(1, 2, "Gene"), E(1, 2, "Gene")}, &out);  // second document
  EXPECT_EQ(out["Gene"], C(1, 1, 0));
}

TEST(LenientInside, OneExtraCharacterAtOneEndOnly) {
  const Entity g = E(10, 20, "X");
  EXPECT_TRUE(LenientInside(E(10, 20, "X"), g));
  EXPECT_TRUE(LenientInside(E(9, 20, "X"), g));    // one extra at the start
  EXPECT_TRUE(LenientInside(E(10, 21, "X"), g));   // one extra at the end
  EXPECT_TRUE(LenientInside(E(12, 18, "X"), g));   // strictly inside
  EXPECT_TRUE(LenientInside(E(9, 15, "X"), g));
  EXPECT_FALSE(LenientInside(E(9, 21, "X"), g));   // extra at both ends
  EXPECT_FALSE(LenientInside(E(8, 20, "X"), g));   // two extra
  EXPECT_FALSE(LenientInside(E(10, 22, "X"), g));
  EXPECT_FALSE(LenientInside(E(21, 22, "X"), g));  // outside
  // Offset 0: no unsigned wrap-around.
  EXPECT_TRUE(LenientInside(E(0, 2, "X"), E(1, 3, "X")));
  EXPECT_TRUE(LenientInside(E(0, 4, "X"), E(0, 3, "X")));
  EXPECT_FALSE(LenientInside(E(0, 4, "X"), E(1, 3, "X")));
}

TEST(MatchLenient, BoundaryCasesOfHunFlairsRule) {
  const std::vector<Entity> gold = {E(10, 20, "Disease")};
  struct Case {
    Entity pred;
    Counts expected;
  };
  const Case cases[] = {
      {E(10, 20, "Disease"), C(1, 0, 0)},
      {E(9, 20, "Disease"), C(1, 0, 0)},   // pass 1: p inside g+1; pass 2: g inside p
      {E(10, 21, "Disease"), C(1, 0, 0)},
      {E(11, 20, "Disease"), C(1, 0, 0)},  // pass 2: g inside p with one extra at the start
      {E(12, 20, "Disease"), C(1, 0, 1)},  // pass 1: p inside g; pass 2: g sticks out by 2
      {E(12, 18, "Disease"), C(1, 0, 1)},  // sub-span: counts for precision only
      {E(9, 21, "Disease"), C(0, 1, 0)},   // super-span by one at both ends: p not inside g,
                                           // but g inside p: tp 0, fp 1, fn 0 (P=R=F1=0)
      {E(8, 20, "Disease"), C(0, 1, 0)},   // super-span: g is found, p is a fp
      {E(5, 9, "Disease"), C(0, 1, 1)},    // disjoint
      {E(10, 20, "Gene"), C(0, 0, 0)},     // other type (counted under Gene below)
  };
  for (const Case& c : cases) {
    TypeCounts out;
    MatchLenient(gold, {c.pred}, &out);
    SCOPED_TRACE("pred [" + std::to_string(c.pred.start) + ", " + std::to_string(c.pred.end) +
                 ") " + c.pred.type);
    EXPECT_EQ(out["Disease"], c.pred.type == "Disease" ? c.expected : C(0, 0, 1));
    if (c.pred.type == "Gene") {
      EXPECT_EQ(out["Gene"], C(0, 1, 0));
    }
  }
}

TEST(MatchLenient, OneToOneInListOrder) {
  TypeCounts out;
  // Both predictions lie inside the one gold entity; the first takes it, the second is a fp.
  // Pass 2: the gold entity finds [10,20) first.
  MatchLenient({E(10, 20, "X")}, {E(10, 20, "X"), E(11, 20, "X")}, &out);
  EXPECT_EQ(out["X"], C(1, 1, 0));

  // Two gold entities, one prediction: pass 1: p=[5,9) lies inside [4,9) (first in order)
  // -> tp. Pass 2: [4,9) lies inside p with one extra at the start and takes it; [5,10)
  // would also lie inside p (one extra at the end) but p is used up -> fn.
  out.clear();
  MatchLenient({E(4, 9, "X"), E(5, 10, "X")}, {E(5, 9, "X")}, &out);
  EXPECT_EQ(out["X"], C(1, 0, 1));
}

TEST(MatchLenient, DuplicatesCountOnce) {
  TypeCounts out;
  MatchLenient({E(0, 3, "X")}, {E(0, 3, "X"), E(0, 3, "X")}, &out);
  EXPECT_EQ(out["X"], C(1, 0, 0));  // without de-duplication the copy would be a fp
}

TEST(DistinctSpans, SortsAndDeduplicates) {
  auto d = DistinctSpans({E(5, 6, "B"), E(1, 2, "A"), E(5, 6, "A"), E(1, 2, "A")});
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], E(1, 2, "A"));
  EXPECT_EQ(d[1], E(5, 6, "A"));
  EXPECT_EQ(d[2], E(5, 6, "B"));
}

}  // namespace
}  // namespace bioner
