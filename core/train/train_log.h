// The per-epoch training log: train_log.jsonl, one epoch record (a TrainProgress of event
// kEpoch, core/train/progress.h) per line; a Markdown summary; and learning curves (loss and
// dev scores per epoch) as an SVG drawn by core/train/svg.h.
//
// Values and stateless functions; thread-safe.
#ifndef BIONER_CORE_TRAIN_TRAIN_LOG_H_
#define BIONER_CORE_TRAIN_TRAIN_LOG_H_

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/train/progress.h"
#include "core/util/status.h"

namespace bioner::train {

// One record of the log (a train_log.jsonl line, or one of state.json's "records"). Every key
// an epoch has measured is required; "event", "epochs" and "total_steps" are not, because logs
// and work folders written before the record was TrainProgress lack them (a resume must still
// read them). INVALID_ARGUMENT naming `source` and the key, also for a record that is not an
// epoch's.
StatusOr<TrainProgress> EpochRecordFromJson(const nlohmann::json& j, const std::string& source);

// JSONL text (newline-terminated lines).
std::string TrainLogJsonl(const std::vector<TrainProgress>& records);

// A Markdown table of the records; `best_epoch` is marked.
std::string TrainSummaryMarkdown(const std::string& title,
                                 const std::vector<TrainProgress>& records, int best_epoch);

// Two panels: train and dev loss; dev precision, recall and F1 (per epoch).
std::string LearningCurvesSvg(const std::vector<TrainProgress>& records);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_TRAIN_LOG_H_
