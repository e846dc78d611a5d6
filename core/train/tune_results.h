// The record of a hyperparameter search (`bioner-trainer tune`, core/train/tune.h) and its
// views: OUT/tune.json (what a rerun resumes from), OUT/trials.tsv (one row per trial) and the
// Markdown table printed at the end, ranked by dev F1.
//
// Test F1 is deliberately absent from the per-trial record: selection is by dev F1 only, and the
// test score of the best trial alone is reported (read back from its metrics.json).
//
// Values and stateless functions; thread-safe.
#ifndef BIONER_CORE_TRAIN_TUNE_RESULTS_H_
#define BIONER_CORE_TRAIN_TUNE_RESULTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/yaml_edit.h"
#include "core/util/status.h"

namespace bioner::train {

struct TrialResult {
  int trial = 0;                    // 1-based, in the order of the plan
  std::vector<std::string> values;  // one per key of the space, as written there
  bool ok = false;
  std::string error;                // why a failed trial failed
  double dev_f1 = 0, dev_precision = 0, dev_recall = 0;  // strict micro of the selected epoch
  int selected_epoch = 0;
  int epochs_run = 0;               // epochs in the trial's model (a resumed trial counts all)
  double seconds = 0;               // wall time of the run that finished the trial
  std::string version_dir;          // the trial's published model (OUT/trial-K/repo/...)
};

// Everything tune.json holds. A rerun resumes only a record of the same search: the same base
// config (as parsed), space, strategy and seed.
struct TuneRecord {
  std::string base_config_json;     // TrainConfigToJson of the base config
  std::vector<config::KeyValues> space;
  std::string strategy;             // "grid" or "random"
  uint64_t seed = 0;
  std::vector<TrialResult> trials;  // by trial number
  // Written for the reader, never read back (recomputed from the trials):
  std::optional<double> best_test_f1;
  std::string best_config;          // path of best.yaml
};

std::string TuneRecordJson(const TuneRecord& record);
StatusOr<TuneRecord> ParseTuneRecord(const std::string& text, const std::string& source);

// OK if `recorded` (read from `source`) is a record of the same search as `now`; otherwise
// FAILED_PRECONDITION naming what differs (the first differing config key, the space, ...).
Status CheckSameSearch(const TuneRecord& recorded, const TuneRecord& now, const std::string& source);

// The index of the successful trial with the highest dev F1 (ties: the lower trial number);
// -1 when no trial succeeded.
int BestTrial(const std::vector<TrialResult>& trials);

// Tab-separated, a header and one row per trial in trial order: trial, each key of the space,
// dev_f1, dev_precision, dev_recall, selected_epoch, epochs_run, seconds, status, error.
std::string TrialsTsv(const TuneRecord& record);

// A Markdown table of every trial, the best dev F1 first (failed trials last).
std::string TrialsMarkdown(const TuneRecord& record);

// "key=value key=value" of one trial.
std::string TrialValuesText(const std::vector<config::KeyValues>& space, const std::vector<std::string>& values);

// Dev precision and recall (strict micro) and test F1 (nullopt without test data) of a
// published version, from its metrics.json.
struct VersionScores {
  double dev_precision = 0, dev_recall = 0;
  std::optional<double> test_f1;
};
StatusOr<VersionScores> ReadVersionScores(const std::string& version_dir);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_TUNE_RESULTS_H_
