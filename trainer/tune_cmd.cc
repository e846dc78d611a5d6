// bioner-trainer tune: a bounded grid or random search over a training config's values, every
// trial trained in-process by Train() and ranked by dev F1 (core/train/tune.h, docs/TRAINING.md).
#include <cstdio>
#include <iostream>

#include "core/train/tune.h"
#include "core/util/args.h"
#include "trainer/commands.h"
#include "trainer/exit_code.h"

namespace bioner::trainer {
namespace {

int Fail(const Status& s) { return FailCommand("tune", s); }

void PrintReport(const train::TuneReport& r, const std::string& out_dir) {
  std::cout << "## bioner-trainer tune: " << out_dir << "\n\n"
            << train::DescribePlan(r) << "; " << r.skipped << " recorded by an earlier run.\n"
            << "Ranked by dev F1 (strict micro); test F1 is not used to choose anything.\n\n"
            << train::TrialsMarkdown(r.record) << "\n";
  if (r.best < 0) {
    std::cout << "No trial succeeded.\n";
    return;
  }
  const train::TrialResult& b = r.record.trials[static_cast<size_t>(r.best)];
  char line[128];
  std::snprintf(line, sizeof line, "dev F1 %.4f", b.dev_f1);
  std::cout << "Best: trial " << b.trial << " (" << train::TrialValuesText(r.record.space, b.values) << "), " << line
            << ".";
  if (r.record.best_test_f1) {
    std::snprintf(line, sizeof line, "%.4f", *r.record.best_test_f1);
    std::cout << " Its test F1: " << line << " (reported for the best trial only, never used for selection).";
  }
  std::cout << "\nIts config: " << r.record.best_config << " (train it: bioner-trainer train --config "
            << r.record.best_config << "); its model: " << b.version_dir << "\n";
}

}  // namespace

int RunTune(int argc, char** argv) {
  ArgParser args("bioner-trainer tune",
                 "Trains the base config with each combination of a space of values (grid or random, bounded), "
                 "every trial in its own repository under OUT, and ranks the trials by dev F1 (docs/TRAINING.md). "
                 "Rerunning with the same OUT skips the trials already recorded.");
  args.AddValue("config", "BASE.yaml", "the base `train` config (every key in docs/TRAINING.md)", /*required=*/true);
  args.AddValue("space", "SPACE.yaml", "config keys mapped to lists of candidate values", /*required=*/true);
  args.AddValue("out", "DIR", "trials, trials.tsv, tune.json, best.yaml", /*required=*/true);
  args.AddValue("trials", "N", "at most N trials (default: the whole grid)");
  args.AddValue("strategy", "grid|random", "grid: the product in order; random: N distinct draws", false, "grid");
  args.AddValue("seed", "S", "seed of --strategy random", false, "0");
  args.AddBool("retry-failed", "train again the trials recorded as failed");
  if (Status s = args.Parse(argc, argv); !s.ok()) return Fail(s);
  if (!args.positional().empty()) return Fail(InvalidArgument("unexpected argument '" + args.positional().front() + "'"));

  train::TuneOptions o;
  o.base_path = args.Get("config");
  o.space_path = args.Get("space");
  o.out_dir = args.Get("out");
  if (args.Has("trials")) {
    auto n = args.GetInt("trials");
    if (!n.ok()) return Fail(n.status());
    if (*n < 1) return Fail(InvalidArgument("--trials must be >= 1"));
    o.trials = static_cast<uint64_t>(*n);
  }
  const std::string& strategy = args.Get("strategy");
  if (strategy != "grid" && strategy != "random") {
    return Fail(InvalidArgument("--strategy must be grid or random, got '" + strategy + "'"));
  }
  o.strategy = strategy == "grid" ? train::TuneStrategy::kGrid : train::TuneStrategy::kRandom;
  auto seed = args.GetInt("seed");
  if (!seed.ok()) return Fail(seed.status());
  if (*seed < 0) return Fail(InvalidArgument("--seed must be >= 0"));
  o.seed = static_cast<uint64_t>(*seed);
  o.retry_failed = args.GetBool("retry-failed");
  o.log = &std::cerr;
  o.train_log = &std::cerr;

  auto report = train::Tune(o);
  if (!report.ok()) return Fail(report.status());
  PrintReport(*report, o.out_dir);
  if (report->best < 0) return Fail(Internal("no trial succeeded (their errors are in " + o.out_dir + "/trials.tsv)"));
  return 0;
}

}  // namespace bioner::trainer
