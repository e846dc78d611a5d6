#include "core/train/tune.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <utility>

#include "core/train/train_config.h"
#include "core/util/file.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;

// Keys a search must not vary, and why: each would make the trials' dev F1 incomparable, let
// test data steer the search, or undo what keeps trials out of the user's repository.
const std::map<std::string, std::string>& RefusedKeys() {
  static const auto* keys = [] {
    const std::string publish =
        "is set by tune itself: every trial publishes into OUT/trial-K/repo without promotion, so that nothing "
        "reaches your repository (train the winner with `bioner-trainer train --config OUT/best.yaml`)";
    const std::string data = "changes the data: dev F1 measured on different dev sets cannot be compared";
    return new std::map<std::string, std::string>{
        {"model_repository", publish},
        {"work_dir", publish},
        {"version", publish},
        {"promote", publish},
        {"entity_type", "changes the task: dev F1 of different entity types cannot be compared"},
        {"corpora", data},
        {"corpus_root", data},
        {"train_files", data},
        {"dev_files", data},
        {"test_files", "is test data, which plays no part in a search (trials are ranked by dev F1 only)"},
    };
  }();
  return *keys;
}

// An unbiased draw from [0, n) (std::uniform_int_distribution differs between standard
// libraries; this does not).
size_t Below(std::mt19937_64& rng, size_t n) {
  const uint64_t bound = static_cast<uint64_t>(n);
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % bound;
  uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return static_cast<size_t>(x % bound);
}

std::vector<std::string> ValuesOf(const SearchSpace& space, const Combination& c) {
  std::vector<std::string> values;
  for (size_t i = 0; i < space.keys.size(); ++i) values.push_back(space.keys[i].values[c[i]]);
  return values;
}

// A trial's config: the base with the trial's values and its own repository and work folder.
struct TrialSetup {
  std::string dir;   // OUT/trial-K
  std::string yaml;  // written to OUT/trial-K/config.yaml
  TrainConfig config;
};

StatusOr<TrialSetup> MakeTrialSetup(const std::string& base_text, const std::string& base_source,
                                    const SearchSpace& space, const std::vector<std::string>& values,
                                    const std::string& out_dir, int trial) {
  TrialSetup s;
  s.dir = (fs::path(out_dir) / ("trial-" + std::to_string(trial))).string();
  std::vector<config::ConfigValue> set;
  for (size_t i = 0; i < values.size(); ++i) set.push_back({space.keys[i].key, values[i]});
  // version 0: a trial rerun after publishing (killed before it was recorded) takes the next one.
  set.push_back({"model_repository", (fs::path(s.dir) / "repo").string()});
  set.push_back({"work_dir", (fs::path(s.dir) / "work").string()});
  set.push_back({"promote", "false"});
  set.push_back({"version", "0"});
  const std::string source =
      base_source + " with the values of trial " + std::to_string(trial) + " (" + TrialValuesText(space.keys, values) + ")";
  ASSIGN_OR_RETURN(s.yaml, config::SetConfigKeys(base_text, base_source, set));
  ASSIGN_OR_RETURN(s.config, ParseTrainConfig(s.yaml, source));
  RETURN_IF_ERROR(CheckTrainConfig(s.config, source));
  return s;
}

std::string Fixed4(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

void Log(const TuneOptions& o, const std::string& line) {
  if (o.log) *o.log << line << std::endl;
}

TrialResult RunTrial(const TuneOptions& o, const TrialSetup& setup, int trial, std::vector<std::string> values) {
  TrialResult r;
  r.trial = trial;
  r.values = std::move(values);
  const auto t0 = std::chrono::steady_clock::now();
  const Status s = [&]() -> Status {
    std::error_code ec;
    fs::create_directories(setup.dir, ec);
    if (ec) return Unavailable(setup.dir + ": cannot create the trial folder: " + ec.message());
    RETURN_IF_ERROR(WriteFileAtomic((fs::path(setup.dir) / "config.yaml").string(), setup.yaml));
    TrainOptions to;
    to.log = o.train_log;
    ASSIGN_OR_RETURN(const TrainOutcome out, o.train ? o.train(setup.config, to) : Train(setup.config, to));
    ASSIGN_OR_RETURN(const VersionScores scores, ReadVersionScores(out.version_dir));
    r.dev_f1 = out.dev_f1;
    r.dev_precision = scores.dev_precision;
    r.dev_recall = scores.dev_recall;
    r.selected_epoch = out.selected_epoch;
    r.epochs_run = out.resumed_from_epoch + out.epochs_run;
    r.version_dir = out.version_dir;
    return Status::Ok();
  }();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.ok = s.ok();
  if (!s.ok()) r.error = s.ToString();
  return r;
}

// Replaces trials.tsv, tune.json and best.yaml (each atomically).
Status WriteResults(const TuneOptions& o, const std::string& base_text, TuneRecord* record) {
  const int best = BestTrial(record->trials);
  record->best_test_f1.reset();
  record->best_config.clear();
  if (best >= 0) {
    const TrialResult& b = record->trials[static_cast<size_t>(best)];
    // Read back only for the report; a trial folder deleted by hand just leaves it out.
    if (auto scores = ReadVersionScores(b.version_dir); scores.ok()) record->best_test_f1 = scores->test_f1;
    std::vector<config::ConfigValue> set;
    for (size_t i = 0; i < record->space.size(); ++i) set.push_back({record->space[i].key, b.values[i]});
    ASSIGN_OR_RETURN(const std::string yaml, config::SetConfigKeys(base_text, o.base_path, set));
    record->best_config = (fs::path(o.out_dir) / "best.yaml").string();
    RETURN_IF_ERROR(WriteFileAtomic(record->best_config,
                                    "# bioner-trainer tune: " + o.base_path + " with the values of trial " +
                                        std::to_string(b.trial) + " (" + TrialValuesText(record->space, b.values) +
                                        "), the best dev F1 (" + Fixed4(b.dev_f1) + ") of the trials in " + o.out_dir + "\n" + yaml));
  }
  RETURN_IF_ERROR(WriteFileAtomic((fs::path(o.out_dir) / "trials.tsv").string(), TrialsTsv(*record)));
  return WriteFileAtomic((fs::path(o.out_dir) / "tune.json").string(), TuneRecordJson(*record));
}

}  // namespace

uint64_t SearchSpace::GridSize() const {
  uint64_t n = 1;
  for (const auto& kv : keys) {
    const uint64_t k = kv.values.size();
    if (k != 0 && n > std::numeric_limits<uint64_t>::max() / k) return std::numeric_limits<uint64_t>::max();
    n *= k;
  }
  return n;
}

StatusOr<SearchSpace> ParseSearchSpace(std::string_view space_yaml, const std::string& space_source,
                                       std::string_view base_yaml, const std::string& base_source) {
  SearchSpace space;
  ASSIGN_OR_RETURN(space.keys, config::ParseKeyValueLists(space_yaml, space_source));
  if (space.keys.empty()) return InvalidArgument(space_source + ": names no keys (e.g. learning_rate: [0.001, 0.002])");
  for (const config::KeyValues& kv : space.keys) {
    const std::string where = space_source + ": key '" + kv.key + "'";
    if (auto it = RefusedKeys().find(kv.key); it != RefusedKeys().end()) {
      return InvalidArgument(where + " cannot be searched: it " + it->second);
    }
    // Each value through the one reader of the keys, on the base config: an unknown key, a wrong
    // type or an out-of-range value is refused here, before any training.
    std::map<std::string, std::string> config_of;  // parsed config -> the value that gave it
    for (const std::string& v : kv.values) {
      ASSIGN_OR_RETURN(const std::string yaml, config::SetConfigKeys(base_yaml, base_source, {{kv.key, v}}));
      auto config = ParseTrainConfig(yaml, base_source + " with " + kv.key + "=" + v);
      if (!config.ok()) {
        return InvalidArgument(where + ": value '" + v + "' is refused: " + config.status().message());
      }
      const auto [it, fresh] = config_of.emplace(TrainConfigToJson(*config), v);
      if (!fresh) {
        return InvalidArgument(where + ": values '" + it->second + "' and '" + v + "' are the same setting");
      }
    }
  }
  return space;
}

std::vector<Combination> GridCombinations(const SearchSpace& space, uint64_t max_trials) {
  std::vector<Combination> out;
  const uint64_t n = std::min(max_trials, space.GridSize());
  Combination c(space.keys.size(), 0);
  for (uint64_t t = 0; t < n; ++t) {
    out.push_back(c);
    // Increment the mixed-radix counter, the last key fastest.
    for (size_t i = c.size(); i-- > 0;) {
      if (++c[i] < space.keys[i].values.size()) break;
      c[i] = 0;
    }
  }
  return out;
}

std::vector<Combination> RandomCombinations(const SearchSpace& space, uint64_t n, uint64_t seed) {
  n = std::min(n, space.GridSize());
  std::mt19937_64 rng(seed);
  std::set<Combination> seen;
  std::vector<Combination> out;
  while (out.size() < n) {
    Combination c(space.keys.size());
    for (size_t i = 0; i < c.size(); ++i) c[i] = Below(rng, space.keys[i].values.size());
    if (seen.insert(c).second) out.push_back(std::move(c));
  }
  return out;
}

std::string DescribePlan(const TuneReport& r) {
  std::string line = r.record.strategy + " search: " + std::to_string(r.planned) + " of " +
                     std::to_string(r.grid_size) + " combinations";
  if (r.record.strategy == "random") return line + " drawn with seed " + std::to_string(r.record.seed);
  return line + (r.grid_cut ? " (the grid cut by --trials: the first " + std::to_string(r.planned) + " in grid order)"
                            : " (the whole grid)");
}

StatusOr<TuneReport> Tune(const TuneOptions& o) {
  ASSIGN_OR_RETURN(const std::string base_text, ReadFile(o.base_path));
  ASSIGN_OR_RETURN(const TrainConfig base, ParseTrainConfig(base_text, o.base_path));
  ASSIGN_OR_RETURN(const std::string space_text, ReadFile(o.space_path));
  ASSIGN_OR_RETURN(const SearchSpace space, ParseSearchSpace(space_text, o.space_path, base_text, o.base_path));

  TuneReport report;
  report.grid_size = space.GridSize();
  const bool grid = o.strategy == TuneStrategy::kGrid;
  const uint64_t wanted = o.trials > 0 ? o.trials : report.grid_size;
  if (std::min(wanted, report.grid_size) > kMaxTuneTrials) {
    return InvalidArgument(o.space_path + ": the grid has " + std::to_string(report.grid_size) +
                           " combinations; bound the search with --trials N (at most " +
                           std::to_string(kMaxTuneTrials) + ")");
  }
  const std::vector<Combination> plan = grid ? GridCombinations(space, wanted) : RandomCombinations(space, wanted, o.seed);
  report.planned = plan.size();
  report.grid_cut = grid && report.planned < report.grid_size;

  // Every trial's config is built and checked before the first one trains.
  std::vector<TrialSetup> setups;
  for (size_t k = 0; k < plan.size(); ++k) {
    ASSIGN_OR_RETURN(TrialSetup s, MakeTrialSetup(base_text, o.base_path, space, ValuesOf(space, plan[k]), o.out_dir,
                                                  static_cast<int>(k + 1)));
    setups.push_back(std::move(s));
  }

  TuneRecord& record = report.record;
  record.base_config_json = TrainConfigToJson(base);
  record.space = space.keys;
  record.strategy = grid ? "grid" : "random";
  record.seed = grid ? 0 : o.seed;  // the seed of a grid changes nothing
  const std::string json_path = (fs::path(o.out_dir) / "tune.json").string();
  std::error_code ec;
  if (fs::exists(json_path, ec)) {
    ASSIGN_OR_RETURN(const std::string text, ReadFile(json_path));
    ASSIGN_OR_RETURN(TuneRecord recorded, ParseTuneRecord(text, json_path));
    RETURN_IF_ERROR(CheckSameSearch(recorded, record, json_path));
    record.trials = std::move(recorded.trials);
  }
  fs::create_directories(o.out_dir, ec);
  if (ec) return Unavailable(o.out_dir + ": cannot create the output folder: " + ec.message());

  Log(o, DescribePlan(report));
  const std::string of_n = "/" + std::to_string(plan.size()) + ": ";
  for (size_t k = 0; k < plan.size(); ++k) {
    const int trial = static_cast<int>(k + 1);
    std::vector<std::string> values = ValuesOf(space, plan[k]);
    const std::string head = "trial " + std::to_string(trial) + of_n;
    const auto done = std::find_if(record.trials.begin(), record.trials.end(),
                                   [&](const TrialResult& t) { return t.trial == trial; });
    if (done != record.trials.end()) {
      if (done->values != values) {
        return FailedPrecondition(json_path + ": trial " + std::to_string(trial) + " was recorded with other values (" +
                                  TrialValuesText(space.keys, done->values) + "); use another --out");
      }
      if (done->ok || !o.retry_failed) {
        Log(o, head + TrialValuesText(space.keys, values) + ": recorded by an earlier run (" +
                   (done->ok ? "dev F1 " + Fixed4(done->dev_f1) : "failed") + "), skipped");
        ++report.skipped;
        continue;
      }
      record.trials.erase(done);
    }
    Log(o, head + TrialValuesText(space.keys, values));
    TrialResult r = RunTrial(o, setups[k], trial, std::move(values));
    char line[160];
    std::snprintf(line, sizeof line, "dev F1 %.4f (P %.4f, R %.4f; epoch %d of %d; %.1f s)", r.dev_f1,
                  r.dev_precision, r.dev_recall, r.selected_epoch, r.epochs_run, r.seconds);
    Log(o, head + (r.ok ? std::string(line) : "failed: " + r.error + " (the search goes on)"));
    const auto at = std::lower_bound(record.trials.begin(), record.trials.end(), trial,
                                     [](const TrialResult& t, int n) { return t.trial < n; });
    record.trials.insert(at, std::move(r));
    RETURN_IF_ERROR(WriteResults(o, base_text, &record));
  }
  RETURN_IF_ERROR(WriteResults(o, base_text, &record));  // also when every trial was recorded before
  report.best = BestTrial(record.trials);
  return report;
}

}  // namespace bioner::train
