#include "core/eval/counts.h"

namespace bioner {
namespace {

double Ratio(int64_t num, int64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

double Counts::Precision() const { return Ratio(tp, tp + fp); }
double Counts::Recall() const { return Ratio(tp, tp + fn); }
double Counts::F1() const { return Ratio(2 * tp, 2 * tp + fp + fn); }

MacroAverage MacroAverage::Of(const std::vector<Counts>& per_corpus) {
  MacroAverage m;
  if (per_corpus.empty()) return m;
  for (const Counts& c : per_corpus) {
    m.precision += c.Precision();
    m.recall += c.Recall();
    m.f1 += c.F1();
  }
  const double n = static_cast<double>(per_corpus.size());
  m.precision /= n;
  m.recall /= n;
  m.f1 /= n;
  m.corpora = static_cast<int>(per_corpus.size());
  return m;
}

}  // namespace bioner
