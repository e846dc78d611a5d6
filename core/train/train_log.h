// The per-epoch training log: one JSON object per line in train_log.jsonl, a Markdown summary
// and learning curves (loss and dev scores per epoch) as an SVG drawn by core/train/svg.h.
//
// Values and stateless functions; thread-safe.
#ifndef BIONER_CORE_TRAIN_TRAIN_LOG_H_
#define BIONER_CORE_TRAIN_TRAIN_LOG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace bioner::train {

struct EpochRecord {
  int epoch = 0;            // 1-based
  int64_t step = 0;         // optimizer steps so far
  double learning_rate = 0; // at the end of the epoch
  double train_loss = 0;    // mean token cross-entropy over the epoch's labelled tokens
  double dev_loss = 0;
  double dev_precision = 0, dev_recall = 0, dev_f1 = 0;  // strict, micro
  double seconds = 0;       // wall time of the epoch's training part
  double tokens_per_second = 0;
};

// One line of JSON (no newline).
std::string EpochRecordToJson(const EpochRecord& r);
// INVALID_ARGUMENT naming `source` if a key is missing or has the wrong type.
StatusOr<EpochRecord> ParseEpochRecord(std::string_view line, const std::string& source);

// JSONL text (newline-terminated lines).
std::string TrainLogJsonl(const std::vector<EpochRecord>& records);

// A Markdown table of the records; `best_epoch` is marked.
std::string TrainSummaryMarkdown(const std::string& title, const std::vector<EpochRecord>& records, int best_epoch);

// Two panels: train and dev loss; dev precision, recall and F1 (per epoch).
std::string LearningCurvesSvg(const std::vector<EpochRecord>& records);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_TRAIN_LOG_H_
