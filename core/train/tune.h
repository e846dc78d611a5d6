// Hyperparameter search over a training config: `bioner-trainer tune` (docs/TRAINING.md,
// "Hyperparameter search: tune").
//
//   TuneOptions o;
//   o.base_path = "configs/train-bilstm.yaml";        // an ordinary `train` config
//   o.space_path = "configs/tune-bilstm-space.yaml";  // key: [candidate, values, ...]
//   o.out_dir = "runs/tune-1";
//   ASSIGN_OR_RETURN(TuneReport report, Tune(o));
//
// Each trial is the base config with one value per key of the space, trained in-process by the
// same Train() as `train`, into its own repository OUT/trial-K/repo (never the user's) without
// promotion. Trials are ranked by dev F1 only; test F1 plays no part in any choice. Every key
// and value of the space is checked by ParseTrainConfig (the one reader of the keys) against the
// base config, and every trial's config is built and checked, before any training starts.
//
// After each trial OUT/trials.tsv, OUT/tune.json and OUT/best.yaml (the base config with the best
// trial's values) are replaced atomically. Running the same search again with the same OUT skips
// the trials recorded in tune.json; a trial killed mid-way resumes from its own work folder
// OUT/trial-K/work through Train()'s resume. A record of another search is refused.
//
// Thread safety: one Tune() per process at a time (Train() sets torch's global state); one
// process per OUT folder.
#ifndef BIONER_CORE_TRAIN_TUNE_H_
#define BIONER_CORE_TRAIN_TUNE_H_

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/yaml_edit.h"
#include "core/train/trainer.h"
#include "core/train/tune_results.h"
#include "core/util/status.h"

namespace bioner::train {

// The keys a search varies and their candidate values, in the order of the space file.
struct SearchSpace {
  std::vector<config::KeyValues> keys;
  // The number of combinations (saturates at UINT64_MAX).
  uint64_t GridSize() const;
};

// Reads a space file (a mapping of config keys to lists of values) against the base config:
// besides the structural errors of config::ParseKeyValueLists, a key that would defeat the search (the
// data, the entity type, where and whether models are published) is refused saying why, and
// every value must be accepted by ParseTrainConfig on the base config. Errors name the key.
StatusOr<SearchSpace> ParseSearchSpace(std::string_view space_yaml, const std::string& space_source,
                                       std::string_view base_yaml, const std::string& base_source);

// One trial's choice: an index into the values of each key.
using Combination = std::vector<size_t>;

// The first `max_trials` combinations of the cartesian product, the last key varying fastest.
std::vector<Combination> GridCombinations(const SearchSpace& space, uint64_t max_trials);

// `n` distinct combinations drawn with `seed` (all of them, in random order, when n is at least
// the grid size). Deterministic for a seed on every platform (mt19937_64 and bioner's own
// bounded draw), and the k-th combination does not depend on n: a larger n extends a smaller.
std::vector<Combination> RandomCombinations(const SearchSpace& space, uint64_t n, uint64_t seed);

enum class TuneStrategy { kGrid, kRandom };

// At most this many trials are planned: a grid larger than this needs --trials.
inline constexpr uint64_t kMaxTuneTrials = 10000;

struct TuneOptions {
  std::string base_path;            // the base `train` config
  std::string space_path;           // the space file
  std::string out_dir;              // OUT
  uint64_t trials = 0;              // 0: every combination
  TuneStrategy strategy = TuneStrategy::kGrid;
  uint64_t seed = 0;                // of kRandom
  bool retry_failed = false;        // train again the trials recorded as failed
  std::ostream* log = nullptr;      // "trial K/N: ..." lines; null: silent
  std::ostream* train_log = nullptr;  // Train()'s own progress lines; null: silent
  // The trainer; empty: Train(). A test seam (e.g. a trainer that fails on some values).
  std::function<StatusOr<TrainOutcome>(const TrainConfig&, const TrainOptions&)> train;
};

struct TuneReport {
  TuneRecord record;                // what tune.json holds: every trial recorded in OUT
  uint64_t grid_size = 0;
  uint64_t planned = 0;             // trials of this run's plan
  bool grid_cut = false;            // kGrid and --trials left combinations out
  int skipped = 0;                  // planned trials already recorded by an earlier run
  int best = -1;                    // index into record.trials (BestTrial); -1: none succeeded
};

StatusOr<TuneReport> Tune(const TuneOptions& options);

// One line on the plan: "grid search: 4 of 12 combinations (the grid cut by --trials)", or
// "random search: 4 of 12 combinations drawn with seed 0".
std::string DescribePlan(const TuneReport& report);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_TUNE_H_
