// metrics.json of a trained checkpoint: dev and test precision/recall/F1 (strict and lenient)
// and loss, micro over the entity type and per corpus, plus the corpora, the config and the
// source commit. ReadDevF1 (core/repository/repository.h) reads "dev.micro.f1" back for the quality gate.
//
// Values and stateless functions; thread-safe.
#ifndef BIONER_CORE_TRAIN_METRICS_H_
#define BIONER_CORE_TRAIN_METRICS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/evaluate.h"

namespace bioner::train {

// Summed token cross-entropy and the number of labelled tokens it is summed over.
struct LossSum {
  double sum = 0;
  long tokens = 0;
  double Mean() const { return tokens ? sum / static_cast<double>(tokens) : 0.0; }
  LossSum& operator+=(const LossSum& o) {
    sum += o.sum;
    tokens += o.tokens;
    return *this;
  }
};

struct SplitMetrics {
  EvalResult eval;
  LossSum loss;                                  // over the whole split
  std::map<std::string, LossSum> corpus_loss;    // per corpus
};

struct CheckpointMetrics {
  std::string entity_type;
  int64_t version = 0;
  std::string commit;           // git rev-parse HEAD at build time, or "unknown"
  std::vector<std::string> corpora;
  std::string config_json;      // TrainConfigToJson
  int selected_epoch = 0;
  int epochs = 0;
  std::optional<SplitMetrics> dev, test;
};

// The JSON text of metrics.json (pretty-printed).
std::string CheckpointMetricsJson(const CheckpointMetrics& m);

// The commit this binary was built from ("unknown" outside a git checkout).
const char* SourceCommit();

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_METRICS_H_
