// End to end in-process: a tiny model learns the synthetic task, the checkpoint is complete
// and loads for tagging, and a worse second run is refused by the quality gate.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/decode/classifier_model.h"
#include "core/eval/evaluate.h"
#include "core/repository/repository.h"
#include "core/train/train_config.h"
#include "core/train/trainer.h"
#include "tests/unit/train/train_test_util.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using train_testing::Slurp;
using train_testing::TempDir;

TEST(TrainLoop, TinyModelLearnsSyntheticTaskAndPublishesACompleteCheckpoint) {
  TempDir dir;
  const auto task = train_testing::MakeTask(dir.path());
  auto config = ParseTrainConfig(train_testing::TaskConfig(task), "t.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(CheckTrainConfig(*config, "t.yaml").ok());
  auto out = Train(*config, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_GE(out->dev_f1, 0.95);
  EXPECT_GE(out->test_f1, 0.95);
  EXPECT_EQ(out->version, 1);
  EXPECT_EQ(out->epochs_run, 6);
  EXPECT_TRUE(out->promotion.promoted) << out->promotion.reason;

  const std::string v = task.repo + "/Chemical/1";
  EXPECT_EQ(out->version_dir, v);
  for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors", "metrics.json",
                        "train_log.jsonl", "train_summary.md", "learning_curves.svg"}) {
    EXPECT_TRUE(fs::is_regular_file(v + "/" + f)) << f;
  }
  EXPECT_EQ(Slurp(task.repo + "/Chemical/current"), "1\n");
  EXPECT_FALSE(fs::exists(config->work_dir));  // the finished run leaves no state behind
  for (const auto& e : fs::directory_iterator(task.repo + "/Chemical")) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }

  const json cfg = json::parse(Slurp(v + "/config.json"));
  EXPECT_EQ(cfg["id2label"]["1"], "B-Chemical");
  const json m = json::parse(Slurp(v + "/metrics.json"));
  EXPECT_DOUBLE_EQ(m["dev"]["micro"]["f1"].get<double>(), out->dev_f1);
  EXPECT_GT(m["dev"]["micro"]["loss"].get<double>(), 0.0);
  EXPECT_TRUE(m["dev"]["per_corpus"].contains("synth_dev"));
  EXPECT_TRUE(m["test"]["per_corpus"].contains("synth_test"));
  EXPECT_GT(m["test"]["per_corpus"]["synth_test"]["loss"].get<double>(), 0.0);
  EXPECT_EQ(m["config"]["entity_type"], "Chemical");
  EXPECT_FALSE(m["commit"].get<std::string>().empty());
  EXPECT_EQ(m["selected_epoch"].get<int>(), out->selected_epoch);
  std::string log = Slurp(v + "/train_log.jsonl");
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 6);

  // The checkpoint is what the server loads: tagging dev with it reproduces the dev score.
  auto tagging = LoadTaggingModel(v, "Chemical/1");
  ASSERT_TRUE(tagging.ok()) << tagging.status();
  auto gold = ReadDocumentSet(task.dev);
  ASSERT_TRUE(gold.ok());
  std::vector<Document> pred = gold->docs;
  for (auto& d : pred) d.ClearEntities();
  ASSERT_TRUE(TagDocuments({*tagging}, {}, &pred).ok());
  auto eval = Evaluate(gold->docs, pred);
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_NEAR(eval->strict.micro.F1(), out->dev_f1, 0.02);

  // A worse run (one epoch at a negligible learning rate) is published but not promoted.
  auto worse = ParseTrainConfig(train_testing::TaskConfig(task), "t.yaml");
  ASSERT_TRUE(worse.ok());
  worse->epochs = 1;
  worse->learning_rate = 1e-7;
  auto out2 = Train(*worse, {});
  ASSERT_TRUE(out2.ok()) << out2.status();
  EXPECT_EQ(out2->version, 2);
  EXPECT_LT(out2->dev_f1, out->dev_f1);
  EXPECT_FALSE(out2->promotion.promoted);
  EXPECT_EQ(Slurp(task.repo + "/Chemical/current"), "1\n");
  EXPECT_TRUE(fs::is_regular_file(task.repo + "/Chemical/2/metrics.json"));
}

}  // namespace
}  // namespace bioner::train
