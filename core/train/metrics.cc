#include "core/train/metrics.h"

#include <nlohmann/json.hpp>

#ifndef BIONER_GIT_COMMIT
#define BIONER_GIT_COMMIT "unknown"
#endif

namespace bioner::train {
namespace {

using json = nlohmann::json;

json CountsJson(const Counts& strict, const Counts& lenient, const LossSum& loss) {
  return {{"precision", strict.Precision()}, {"recall", strict.Recall()},  {"f1", strict.F1()},
          {"tp", strict.tp},                 {"fp", strict.fp},            {"fn", strict.fn},
          {"lenient_precision", lenient.Precision()}, {"lenient_recall", lenient.Recall()},
          {"lenient_f1", lenient.F1()},      {"loss", loss.Mean()},        {"loss_tokens", loss.tokens}};
}

json SplitJson(const SplitMetrics& s) {
  json j;
  j["micro"] = CountsJson(s.eval.strict.micro, s.eval.lenient.micro, s.loss);
  j["documents"] = s.eval.gold_documents;
  json per = json::object();
  for (const auto& [corpus, counts] : s.eval.strict.per_corpus) {
    const auto lenient = s.eval.lenient.per_corpus.find(corpus);
    const auto loss = s.corpus_loss.find(corpus);
    per[corpus] = CountsJson(counts, lenient == s.eval.lenient.per_corpus.end() ? Counts{} : lenient->second,
                             loss == s.corpus_loss.end() ? LossSum{} : loss->second);
  }
  j["per_corpus"] = per;
  j["macro_over_corpora"] = {{"precision", s.eval.strict.macro_over_corpora.precision},
                             {"recall", s.eval.strict.macro_over_corpora.recall},
                             {"f1", s.eval.strict.macro_over_corpora.f1},
                             {"corpora", s.eval.strict.macro_over_corpora.corpora}};
  return j;
}

}  // namespace

std::string CheckpointMetricsJson(const CheckpointMetrics& m) {
  json j = {{"entity_type", m.entity_type}, {"version", m.version},         {"commit", m.commit},
            {"corpora", m.corpora},         {"selected_epoch", m.selected_epoch}, {"epochs", m.epochs}};
  j["config"] = m.config_json.empty() ? json() : json::parse(m.config_json, nullptr, false);
  j["dev"] = m.dev ? SplitJson(*m.dev) : json();
  j["test"] = m.test ? SplitJson(*m.test) : json();
  return j.dump(2) + "\n";
}

const char* SourceCommit() { return BIONER_GIT_COMMIT; }

}  // namespace bioner::train
