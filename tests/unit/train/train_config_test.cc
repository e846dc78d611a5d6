#include "core/train/train_config.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/train/train_test_util.h"

namespace bioner::train {
namespace {

using train_testing::TempDir;

TEST(TrainConfig, DefaultsAndValues) {
  auto c = ParseTrainConfig(
      "model: m\nentity_type: Disease\ncorpora: [ncbi_disease]\ncorpus_root: /c\nmodel_repository: r\n"
      "epochs: 7\nlearning_rate: 2e-5\ndropout: 0.2\nlowercase: false\n",
      "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->epochs, 7);
  EXPECT_DOUBLE_EQ(c->learning_rate, 2e-5);
  EXPECT_EQ(*c->dropout, 0.2);
  EXPECT_EQ(*c->lowercase, false);
  EXPECT_EQ(c->batch_size, 16);
  EXPECT_EQ(c->scheme, "BIO");
  EXPECT_EQ(c->work_dir, "r/Disease/.work");
  EXPECT_EQ(c->corpora, std::vector<std::string>{"ncbi_disease"});
}

TEST(TrainConfig, RefusesUnknownKey) {
  auto c = ParseTrainConfig("model: m\nentity_type: X\nmodel_repository: r\nlearning_rat: 1\n", "t.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("t.yaml: unknown key 'learning_rat'"), std::string::npos) << c.status();
}

TEST(TrainConfig, RefusesWrongTypesAndRanges) {
  const std::string base = "model: m\nentity_type: X\ntrain_files: [a]\ndev_files: [b]\nmodel_repository: r\n";
  struct Case {
    std::string line, key;
  } cases[] = {{"epochs: many", "'epochs'"},         {"learning_rate: 0", "'learning_rate'"},
               {"warmup_ratio: 1.5", "'warmup_ratio'"}, {"scheme: IOB", "'scheme'"},
               {"dropout: 1", "'dropout'"},           {"max_seq_len: 2", "'max_seq_len'"},
               {"mixed_precision: true", "'mixed_precision'"}, {"device: tpu", "'device'"},
               {"corpora: [x]", "'train_files'"},     {"batch_size: [1]", "'batch_size'"}};
  for (const auto& k : cases) {
    auto c = ParseTrainConfig(base + k.line + "\n", "t.yaml");
    ASSERT_FALSE(c.ok()) << k.line;
    EXPECT_NE(c.status().message().find(k.key), std::string::npos) << k.line << " -> " << c.status();
  }
  auto twice = ParseTrainConfig(base + "epochs: 2\nepochs: 3\n", "t.yaml");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("'epochs' appears twice"), std::string::npos) << twice.status();
  auto missing = ParseTrainConfig("entity_type: X\nmodel_repository: r\n", "t.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'model' is required"), std::string::npos);
  EXPECT_FALSE(ParseTrainConfig("[1, 2]", "t.yaml").ok());
  EXPECT_FALSE(ParseTrainConfig("model: [unclosed", "t.yaml").ok());
}

TEST(TrainConfig, CheckNamesMissingModelFolderAndFiles) {
  TempDir dir;
  auto task = train_testing::MakeTask(dir.path(), 5, 5);
  auto c = ParseTrainConfig(train_testing::TaskConfig(task), "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(CheckTrainConfig(*c, "t.yaml").ok()) << CheckTrainConfig(*c, "t.yaml");

  TrainConfig bad = *c;
  bad.model = dir.file("no_such_model");
  Status s = CheckTrainConfig(bad, "t.yaml");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("key 'model'"), std::string::npos) << s;
  EXPECT_NE(s.message().find("no_such_model"), std::string::npos) << s;

  bad = *c;
  bad.dev_files = {dir.file("nope.jsonl")};
  s = CheckTrainConfig(bad, "t.yaml");
  EXPECT_NE(s.message().find("key 'dev_files'"), std::string::npos) << s;

  bad = *c;
  bad.version = 1;
  std::filesystem::create_directories(task.repo + "/Chemical/1");
  s = CheckTrainConfig(bad, "t.yaml");
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s;
  EXPECT_NE(s.message().find("key 'version'"), std::string::npos) << s;

  bad = *c;
  bad.max_seq_len = 100;  // the tiny model has 64 positions
  s = CheckTrainConfig(bad, "t.yaml");
  EXPECT_NE(s.message().find("max_seq_len"), std::string::npos) << s;
}

TEST(TrainConfig, CheckTakesEveryWeightLayoutAndNamesAFolderWithNone) {
  TempDir dir;
  // A downloaded checkpoint with pytorch_model.bin only (the model-bin reference folder).
  std::filesystem::copy(std::string(BIONER_TEST_DATA_DIR) + "/testvectors/model-bin/tiny-f32-zip",
                        dir.file("bin"));
  train_testing::WriteText(dir.file("t.jsonl"), "");
  const std::string yaml = "model: " + dir.file("bin") + "\nentity_type: Disease\ntrain_files: [" +
                           dir.file("t.jsonl") + "]\ndev_files: [" + dir.file("t.jsonl") +
                           "]\nmodel_repository: " + dir.file("repo") + "\nmax_seq_len: 32\n";
  auto c = ParseTrainConfig(yaml, "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(CheckTrainConfig(*c, "t.yaml").ok()) << CheckTrainConfig(*c, "t.yaml");

  std::filesystem::remove(dir.file("bin/pytorch_model.bin"));
  Status s = CheckTrainConfig(*c, "t.yaml");
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s;
  EXPECT_NE(s.message().find("key 'model'"), std::string::npos) << s;
  EXPECT_NE(s.message().find("pytorch_model.bin"), std::string::npos) << s;
}

TEST(TrainConfig, CheckRefusesUnknownCorpus) {
  TempDir dir;
  train_testing::MakeTinyModel(dir.file("model"));
  auto c = ParseTrainConfig("model: " + dir.file("model") +
                                "\nentity_type: Disease\ncorpora: [no_such_corpus]\ncorpus_root: " + dir.path() +
                                "\nmodel_repository: " + dir.file("repo") + "\nmax_seq_len: 32\n",
                            "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  Status s = CheckTrainConfig(*c, "t.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("corpora"), std::string::npos) << s;
  EXPECT_NE(s.message().find("no_such_corpus"), std::string::npos) << s;
}

TEST(TrainConfig, CheckRefusesLabelSetThatDoesNotFitCheckpoint) {
  TempDir dir;
  BertConfig bc;
  bc.vocab_size = 40, bc.hidden_size = 8, bc.num_hidden_layers = 1, bc.num_attention_heads = 1;
  bc.intermediate_size = 8, bc.max_position_embeddings = 32;
  bc.labels = {"O", "B-Gene", "I-Gene"};
  ASSERT_TRUE(CreateRandomModel(bc, dir.file("gene_model")).ok());
  train_testing::WriteText(dir.file("t.jsonl"), "");
  auto c = ParseTrainConfig("model: " + dir.file("gene_model") + "\nentity_type: Disease\ntrain_files: [" +
                                dir.file("t.jsonl") + "]\ndev_files: [" + dir.file("t.jsonl") +
                                "]\nmodel_repository: r\nmax_seq_len: 32\n",
                            "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  Status s = CheckTrainConfig(*c, "t.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("config.json"), std::string::npos) << s;
  EXPECT_NE(s.message().find("B-Gene"), std::string::npos) << s;
  c->entity_type = "Gene";
  EXPECT_TRUE(CheckTrainConfig(*c, "t.yaml").ok()) << CheckTrainConfig(*c, "t.yaml");
  c->scheme = "BIOES";  // the head is BIO
  EXPECT_FALSE(CheckTrainConfig(*c, "t.yaml").ok());
}

}  // namespace
}  // namespace bioner::train
