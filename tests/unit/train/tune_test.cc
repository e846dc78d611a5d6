// `bioner-trainer tune` in-process: the plans (grid order and cut, random draws), the refusals
// of bad spaces (each naming its key), and real searches over a tiny BiLSTM-CRF task: the
// results files, the best trial chosen by dev F1, failed trials recorded, and the resume rule.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/train/train_config.h"
#include "core/train/tune.h"
#include "tests/unit/train/train_test_util.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using train_testing::Slurp;
using train_testing::TempDir;
using train_testing::WriteText;

SearchSpace Space(std::vector<config::KeyValues> keys) { return SearchSpace{std::move(keys)}; }

TEST(TunePlan, GridIsTheProductInOrderLastKeyFastestAndCutByTrials) {
  const SearchSpace s = Space({{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}});
  EXPECT_EQ(s.GridSize(), 6u);
  const std::vector<Combination> all = GridCombinations(s, 100);
  const std::vector<Combination> want = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}};
  EXPECT_EQ(all, want);
  const std::vector<Combination> cut = GridCombinations(s, 4);
  EXPECT_EQ(cut, std::vector<Combination>(want.begin(), want.begin() + 4));
}

TEST(TunePlan, RandomIsDistinctDeterministicPrefixStableAndAtMostTheGrid) {
  const SearchSpace s = Space({{"a", {"1", "2", "3"}}, {"b", {"x", "y"}}, {"c", {"p", "q", "r", "s"}}});
  const auto five = RandomCombinations(s, 5, 7);
  EXPECT_EQ(five.size(), 5u);
  EXPECT_EQ(std::set<Combination>(five.begin(), five.end()).size(), 5u);
  EXPECT_EQ(RandomCombinations(s, 5, 7), five);
  const auto nine = RandomCombinations(s, 9, 7);
  EXPECT_EQ(std::vector<Combination>(nine.begin(), nine.begin() + 5), five);  // a larger N extends
  EXPECT_NE(RandomCombinations(s, 5, 8), five);
  const auto all = RandomCombinations(s, 1000, 7);  // N beyond the grid: the whole grid
  ASSERT_EQ(all.size(), 24u);
  const auto grid = GridCombinations(s, 1000);
  EXPECT_EQ(std::set<Combination>(all.begin(), all.end()), std::set<Combination>(grid.begin(), grid.end()));
}

const char kBase[] =
    "architecture: bilstm_crf\nembeddings: e\nentity_type: Chemical\ntrain_files: [t.jsonl]\n"
    "dev_files: [d.jsonl]\nmodel_repository: r\n";

// Parses `space` against kBase; expects an INVALID_ARGUMENT whose message holds each of `parts`.
void ExpectRefused(const std::string& space, const std::vector<std::string>& parts) {
  auto s = ParseSearchSpace(space, "space.yaml", kBase, "base.yaml");
  ASSERT_FALSE(s.ok()) << space;
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << s.status();
  for (const auto& p : parts) EXPECT_NE(s.status().message().find(p), std::string::npos) << s.status();
}

TEST(TuneSpace, ReadsKeysInFileOrder) {
  auto s = ParseSearchSpace("lstm_hidden: [100, 200]\nlearning_rate: [0.001, 0.002, 0.004]\ndropout: [0.3]\n",
                            "space.yaml", kBase, "base.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->keys.size(), 3u);
  EXPECT_EQ(s->keys[0].key, "lstm_hidden");
  EXPECT_EQ(s->keys[1].values, (std::vector<std::string>{"0.001", "0.002", "0.004"}));
  EXPECT_EQ(s->GridSize(), 6u);
}

TEST(TuneSpace, BadSpacesAreRefusedNamingTheKey) {
  ExpectRefused("lstm_hiden: [100]\n", {"'lstm_hiden'", "unknown key"});
  ExpectRefused("lstm_hidden: 100\n", {"'lstm_hidden'", "list"});
  ExpectRefused("lstm_hidden: []\n", {"'lstm_hidden'", "empty"});
  ExpectRefused("lstm_hidden: [100, abc]\n", {"'lstm_hidden'", "'abc'", "integer"});
  ExpectRefused("dropout: [0.5, 1.5]\n", {"'dropout'", "'1.5'"});
  ExpectRefused("lstm_hidden: [[100, 200]]\n", {"'lstm_hidden'", "single value"});
  ExpectRefused("lstm_hidden: [100, 100]\n", {"'lstm_hidden'", "twice"});
  ExpectRefused("learning_rate: [0.001, 1e-3]\n", {"'learning_rate'", "same setting"});
  ExpectRefused("- 1\n- 2\n", {"space.yaml", "mapping"});
  ExpectRefused("{}\n", {"space.yaml", "no keys"});
  for (const char* key : {"model_repository", "promote", "work_dir", "version", "test_files", "train_files",
                          "dev_files", "corpora", "corpus_root", "entity_type"}) {
    ExpectRefused(std::string(key) + ": [a, b]\n", {"'" + std::string(key) + "'", "cannot be searched"});
  }
}

// A tiny BiLSTM-CRF task of the synthetic data: every trial trains in about a second.
struct TinyTask {
  TempDir dir;
  train_testing::Task task;
  std::string base, out;

  TinyTask() : task(train_testing::MakeTask(dir.path(), 200, 30)) {
    const std::string table = dir.file("table");
    train_testing::MakeTinyEmbeddingTable(table);
    base = dir.file("base.yaml");
    WriteText(base, "# the base config\narchitecture: bilstm_crf\nembeddings: " + table +
                        "\nentity_type: Chemical\ntrain_files: [" + task.train + "]\ndev_files: [" + task.dev +
                        "]\ntest_files: [" + task.test + "]\nmodel_repository: " + task.repo +
                        "\nepochs: 2\nbatch_size: 8\nlearning_rate: 0.01\nweight_decay: 0\nmax_seq_len: 128\n"
                        "dropout: 0.1\nlstm_hidden: 8\nchar_dim: 4\nchar_filters: 4\ncasing_dim: 2\nseed: 3\n"
                        "num_threads: 1\n");
    out = dir.file("tune");
  }

  TuneOptions Options(const std::string& space_yaml, uint64_t trials) {
    WriteText(dir.file("space.yaml"), space_yaml);
    TuneOptions o;
    o.base_path = base;
    o.space_path = dir.file("space.yaml");
    o.out_dir = out;
    o.trials = trials;
    return o;
  }
};

// Counts the trials trained; fails those whose config has `fail_hidden` as lstm_hidden.
struct CountingTrainer {
  int calls = 0;
  int fail_hidden = -1;
  std::function<StatusOr<TrainOutcome>(const TrainConfig&, const TrainOptions&)> Fn() {
    return [this](const TrainConfig& c, const TrainOptions& o) -> StatusOr<TrainOutcome> {
      ++calls;
      if (c.lstm_hidden == fail_hidden) return Internal("epoch 1: training loss is not finite");
      return Train(c, o);
    };
  }
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

TEST(Tune, GridSearchRanksByDevF1RecordsFailuresAndResumes) {
  TinyTask t;
  // A learning rate too small to learn anything in 2 epochs and one that learns: dev F1 tells them apart.
  const std::string space = "learning_rate: [0.00001, 0.03]\nlstm_hidden: [8, 12]\n";
  TuneOptions o = t.Options(space, 3);  // 4 combinations, cut to 3
  CountingTrainer trainer;
  trainer.fail_hidden = 12;  // trial 2 (0.00001, 12) fails: it is recorded and the search goes on
  o.train = trainer.Fn();
  std::ostringstream log;
  o.log = &log;
  auto r = Tune(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(trainer.calls, 3);
  EXPECT_EQ(r->grid_size, 4u);
  EXPECT_EQ(r->planned, 3u);
  EXPECT_TRUE(r->grid_cut);
  EXPECT_NE(DescribePlan(*r).find("cut"), std::string::npos);
  EXPECT_NE(log.str().find("trial 1/3: learning_rate=0.00001 lstm_hidden=8\n"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("trial 3/3: dev F1 "), std::string::npos) << log.str();

  const auto& trials = r->record.trials;
  ASSERT_EQ(trials.size(), 3u);
  EXPECT_EQ(trials[1].values, (std::vector<std::string>{"0.00001", "12"}));
  EXPECT_FALSE(trials[1].ok);
  EXPECT_NE(trials[1].error.find("not finite"), std::string::npos);
  EXPECT_TRUE(trials[0].ok && trials[2].ok);
  EXPECT_GT(trials[2].dev_f1, trials[0].dev_f1);  // the working learning rate wins on dev
  EXPECT_EQ(r->best, 2);
  EXPECT_EQ(trials[2].epochs_run, 2);
  EXPECT_GE(trials[2].selected_epoch, 1);
  EXPECT_GT(trials[2].dev_precision, 0.0);
  EXPECT_TRUE(r->record.best_test_f1.has_value());

  // trials.tsv: a header and a row per trial, in trial order.
  const auto tsv = Lines(Slurp(t.out + "/trials.tsv"));
  ASSERT_EQ(tsv.size(), 4u);
  EXPECT_EQ(tsv[0].rfind("trial\tlearning_rate\tlstm_hidden\tdev_f1\tdev_precision\tdev_recall\t", 0), 0u) << tsv[0];
  EXPECT_EQ(tsv[2].rfind("2\t0.00001\t12\t", 0), 0u) << tsv[2];
  EXPECT_NE(tsv[2].find("\tfailed\t"), std::string::npos);
  EXPECT_NE(tsv[3].find("\tok\t"), std::string::npos);
  // tune.json: every trial with its dev F1, and the best.
  const json j = json::parse(Slurp(t.out + "/tune.json"));
  ASSERT_EQ(j["trials"].size(), 3u);
  EXPECT_DOUBLE_EQ(j["trials"][2]["dev_f1"].get<double>(), trials[2].dev_f1);
  EXPECT_EQ(j["best"]["trial"], 3);
  // best.yaml: the base config (its repository, promotion) with the best trial's values.
  auto best = ReadTrainConfig(t.out + "/best.yaml");
  ASSERT_TRUE(best.ok()) << best.status();
  EXPECT_DOUBLE_EQ(best->learning_rate, 0.03);
  EXPECT_EQ(best->lstm_hidden, 8);
  EXPECT_EQ(best->model_repository, t.task.repo);
  EXPECT_TRUE(best->promote);
  // The Markdown table ranks by dev F1: the best trial first, the failed one last.
  const auto md = Lines(TrialsMarkdown(r->record));
  ASSERT_EQ(md.size(), 5u);
  EXPECT_EQ(md[2].rfind("| 1 | 3 | 0.03 | 8 |", 0), 0u) << md[2];
  EXPECT_NE(md[4].find("failed"), std::string::npos) << md[4];
  // Trials publish into their own repositories, never into the user's.
  EXPECT_TRUE(fs::is_directory(t.out + "/trial-3/repo/Chemical/1"));
  EXPECT_FALSE(fs::exists(t.task.repo));

  // The same command again: every recorded trial is skipped (the failed one too).
  trainer.calls = 0;
  r = Tune(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(trainer.calls, 0);
  EXPECT_EQ(r->skipped, 3);
  // A larger --trials trains only the new trial; --retry-failed trains the failed one again.
  o.trials = 0;
  o.retry_failed = true;
  trainer.fail_hidden = -1;
  r = Tune(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(trainer.calls, 2);
  EXPECT_EQ(r->skipped, 2);
  ASSERT_EQ(r->record.trials.size(), 4u);
  EXPECT_TRUE(r->record.trials[1].ok);
  EXPECT_EQ(Lines(Slurp(t.out + "/trials.tsv")).size(), 5u);

  // Another space or another base config in the same folder is refused, naming what differs.
  TuneOptions other = t.Options("learning_rate: [0.00001, 0.01]\nlstm_hidden: [8, 12]\n", 1);
  other.train = trainer.Fn();
  auto refused = Tune(other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("another space"), std::string::npos) << refused.status();
  TuneOptions same_space = t.Options(space, 1);
  const std::string base_text = Slurp(t.base);
  WriteText(t.base, base_text + "max_grad_norm: 0.5\n");
  refused = Tune(same_space);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("'max_grad_norm'"), std::string::npos) << refused.status();
  WriteText(t.base, base_text);
  TuneOptions random = t.Options(space, 1);
  random.strategy = TuneStrategy::kRandom;
  refused = Tune(random);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("grid search"), std::string::npos) << refused.status();
  EXPECT_EQ(trainer.calls, 2);
}

TEST(Tune, ABadValueIsRefusedBeforeAnyTraining) {
  TinyTask t;
  TuneOptions o = t.Options("lstm_hidden: [8, 0]\n", 0);
  CountingTrainer trainer;
  o.train = trainer.Fn();
  auto r = Tune(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("'lstm_hidden'"), std::string::npos) << r.status();
  EXPECT_EQ(trainer.calls, 0);
  EXPECT_FALSE(fs::exists(t.out));
}

}  // namespace
}  // namespace bioner::train
