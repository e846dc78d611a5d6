// Additive entity-level counts and the scores derived from them.
//
// Counts are the only thing that is ever summed (over documents, types, corpora); precision,
// recall and F1 are computed from summed counts (micro) or averaged over corpora (macro),
// never summed themselves. Every ratio whose denominator is 0 is reported as 0, as flair's
// Metric does: an empty prediction set has precision 0, an empty gold set recall 0.
//
// Values; thread-safe as values are.
#ifndef BIONER_CORE_EVAL_COUNTS_H_
#define BIONER_CORE_EVAL_COUNTS_H_

#include <cstdint>
#include <vector>

namespace bioner {

struct Counts {
  int64_t tp = 0;  // matched predictions
  int64_t fp = 0;  // predictions without a match
  int64_t fn = 0;  // gold entities without a match

  Counts& operator+=(const Counts& o) {
    tp += o.tp;
    fp += o.fp;
    fn += o.fn;
    return *this;
  }
  friend bool operator==(const Counts& a, const Counts& b) {
    return a.tp == b.tp && a.fp == b.fp && a.fn == b.fn;
  }
  friend bool operator!=(const Counts& a, const Counts& b) { return !(a == b); }

  // tp / (tp + fp), or 0.
  double Precision() const;
  // tp / (tp + fn), or 0.
  double Recall() const;
  // 2 tp / (2 tp + fp + fn), or 0: the harmonic mean of Precision() and Recall() computed
  // with one division, so F1 is 0 exactly when tp is 0.
  double F1() const;
};

// The unweighted mean of per-corpus precision, recall and F1 (each averaged on its own, so
// the F1 here is the mean of the per-corpus F1s, not the F1 of the mean P and R; this is how
// HunFlair reports a type's "average" over corpora). All zero when `per_corpus` is empty.
struct MacroAverage {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  int corpora = 0;  // how many corpora were averaged

  static MacroAverage Of(const std::vector<Counts>& per_corpus);
};

}  // namespace bioner

#endif  // BIONER_CORE_EVAL_COUNTS_H_
