// MLM pretraining end to end on a tiny model: it learns, it writes a folder that loads as an
// encoder and fine-tunes, continued pretraining picks up its MLM head, bad configs fail early.
#include "core/train/pretrain.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/model/model_folder.h"
#include "core/model/safetensors.h"
#include "core/train/train_config.h"
#include "core/train/trainer.h"
#include "tests/unit/train/train_test_util.h"

namespace bioner::train {
namespace {

using namespace train_testing;

// Templated sentences: a masked word is predictable from its neighbours.
std::string TemplateText(int docs) {
  const std::vector<std::string> sentences = {
      "patients with aspirin were treated .", "the study found high risk in the group .",
      "we found cells with insulin and heparin .", "after the dose the level was low ."};
  std::string out;
  for (int d = 0; d < docs; ++d) {
    std::string text;
    for (int s = 0; s < 6; ++s) text += sentences[(d + s) % sentences.size()] + " ";
    out += nlohmann::json({{"pmid", std::to_string(1000 + d)}, {"title", "study"}, {"text", text}}).dump() + "\n";
  }
  return out;
}

PretrainConfig TinyConfig(const TempDir& dir) {
  WriteText(dir.file("vocab.txt"), TinyVocab());
  WriteText(dir.file("text.jsonl"), TemplateText(400));
  PretrainConfig c;
  c.inputs = {dir.file("text.jsonl")};
  c.vocab = dir.file("vocab.txt");
  c.out = dir.file("encoder");
  c.hidden_size = 32;
  c.num_layers = 2;
  c.num_heads = 2;
  c.intermediate_size = 64;
  c.max_position_embeddings = 64;
  c.max_seq_len = 32;
  c.batch_size = 16;
  c.steps = 300;
  c.learning_rate = 3e-3;
  c.num_threads = 1;
  c.log_interval = 50;
  c.eval_interval = 100;
  c.eval_every_nth_document = 10;
  return c;
}

TEST(Pretrain, LearnsAndWritesAnEncoderThatFineTunes) {
  TempDir dir;
  PretrainConfig c = TinyConfig(dir);
  ExcludedIds excluded;
  excluded.Add("1003");  // one document is dev data somewhere: it must not be read
  auto out = Pretrain(c, excluded, nullptr);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->steps_done, 300);
  EXPECT_EQ(out->text_stats.documents_excluded, 1);
  EXPECT_EQ(out->text_stats.documents_kept, 399);
  // Uniform guessing over the 41 tokens would be ln 41 = 3.7 nats and 2.4% accuracy.
  EXPECT_LT(out->eval_loss, 1.5);
  EXPECT_GT(out->eval_accuracy, 0.5);
  for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors", "pretrain_log.jsonl",
                        "pretrain_report.json"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.file(std::string("encoder/") + f))) << f;
  }
  auto st = SafetensorsFile::Open(dir.file("encoder/model.safetensors"));
  ASSERT_TRUE(st.ok());
  EXPECT_NE(st->Find("cls.predictions.bias"), nullptr);
  EXPECT_NE(st->Find("cls.predictions.transform.dense.weight"), nullptr);
  EXPECT_NE(st->Find("bert.embeddings.word_embeddings.weight"), nullptr);
  const nlohmann::json report = nlohmann::json::parse(Slurp(dir.file("encoder/pretrain_report.json")));
  EXPECT_EQ(report["documents_removed_by_id"], 1);
  EXPECT_EQ(Slurp(dir.file("encoder/tokenizer_config.json")).find("\"do_lower_case\": false") != std::string::npos, true);

  // The folder is an encoder-only checkpoint: `train` gives it a fresh head and learns.
  Task t = MakeTask(dir.file("task"));
  t.model = dir.file("encoder");
  auto config = ParseTrainConfig(TaskConfig(t, "", 4), "task.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(CheckTrainConfig(*config, "task.yaml").ok());
  auto trained = Train(*config, {});
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  EXPECT_GE(trained->dev_f1, 0.9);
}

TEST(Pretrain, ContinuesFromACheckpointWithItsHead) {
  TempDir dir;
  PretrainConfig c = TinyConfig(dir);
  c.steps = 200;
  auto first = Pretrain(c, {}, nullptr);
  ASSERT_TRUE(first.ok());
  PretrainConfig more = c;
  more.vocab.clear();
  more.model = dir.file("encoder");
  more.out = dir.file("encoder2");
  more.steps = 20;
  more.learning_rate = 1e-4;  // a small step from a trained head keeps the loss low
  more.warmup_ratio = 0;
  std::ostringstream log;
  auto out = Pretrain(more, {}, &log);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_NE(log.str().find("MLM head from the checkpoint"), std::string::npos) << log.str();
  // A fresh head would start near ln 41 = 3.7; the trained one goes on where it stopped.
  EXPECT_LT(out->eval_loss, first->eval_loss + 0.3);
  EXPECT_LT(out->eval_loss, 2.5);
}

// A published checkpoint that ships only pytorch_model.bin (the model-bin reference folder):
// pretraining continues from its weights, not from a fresh initialization.
TEST(Pretrain, ContinuesFromAPytorchModelBinCheckpoint) {
  TempDir dir;
  const std::string bin = std::string(BIONER_TEST_DATA_DIR) + "/testvectors/model-bin/tiny-f32-zip";
  std::filesystem::copy(bin, dir.file("bin"));
  PretrainConfig c = TinyConfig(dir);
  c.vocab.clear();
  c.model = dir.file("bin");
  c.steps = 1;
  c.learning_rate = 1e-12;  // the weights stay the checkpoint's
  c.warmup_ratio = 0;
  std::ostringstream log;
  auto out = Pretrain(c, {}, &log);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_NE(log.str().find("continuing"), std::string::npos) << log.str();
  auto before = ModelWeights::Open(dir.file("bin"));
  auto after = ModelWeights::Open(dir.file("encoder"));
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_TRUE(after.ok()) << after.status();
  const char* name = "bert.embeddings.word_embeddings.weight";
  const TensorView* a = before->Find(name);
  const TensorView* b = after->Find(name);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(a->shape, b->shape);
  ASSERT_EQ(a->dtype, DType::kF32);
  ASSERT_EQ(b->dtype, DType::kF32);
  const float* x = reinterpret_cast<const float*>(a->data);
  const float* y = reinterpret_cast<const float*>(b->data);
  double max_diff = 0;
  for (size_t i = 0; i < a->nbytes / sizeof(float); ++i) max_diff = std::max<double>(max_diff, std::abs(x[i] - y[i]));
  EXPECT_LT(max_diff, 1e-6);  // a fresh initialization differs by ~0.02
}

TEST(Pretrain, SameSeedSameWeights) {
  TempDir dir;
  PretrainConfig c = TinyConfig(dir);
  c.steps = 20;
  ASSERT_TRUE(Pretrain(c, {}, nullptr).ok());
  c.out = dir.file("again");
  ASSERT_TRUE(Pretrain(c, {}, nullptr).ok());
  EXPECT_EQ(Slurp(dir.file("encoder/model.safetensors")), Slurp(dir.file("again/model.safetensors")));
}

TEST(Pretrain, BadConfigsFailBeforeAnyWork) {
  TempDir dir;
  PretrainConfig good = TinyConfig(dir);
  auto expect = [&](PretrainConfig c, StatusCode code, const std::string& text) {
    Status s = CheckPretrainConfig(c);
    EXPECT_EQ(s.code(), code) << s.ToString();
    EXPECT_NE(s.message().find(text), std::string::npos) << s.message();
  };
  PretrainConfig c = good;
  c.inputs = {dir.file("missing.jsonl")};
  expect(c, StatusCode::kNotFound, "missing.jsonl");
  c = good;
  c.model = dir.path();
  expect(c, StatusCode::kInvalidArgument, "exactly one of --vocab");
  c = good;
  c.hidden_size = 30;
  c.num_heads = 4;
  expect(c, StatusCode::kInvalidArgument, "multiple of --heads");
  c = good;
  c.max_seq_len = 100;
  expect(c, StatusCode::kInvalidArgument, "--max-seq-len");
  c = good;
  c.mask_probability = 1.5;
  expect(c, StatusCode::kInvalidArgument, "--mask-probability");
  c = good;
  c.out = dir.path();  // exists
  expect(c, StatusCode::kAlreadyExists, "never overwrites");
  EXPECT_FALSE(std::filesystem::exists(dir.file("encoder")));
}

}  // namespace
}  // namespace bioner::train
