// The BiLSTM-CRF architecture end to end in-process: a tiny tagger over a tiny embedding table
// learns the synthetic task through the same Train() as BERT, publishes a version that finds
// its table by hash, and loads for tagging through the architecture-blind loader.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include <nlohmann/json.hpp>

#include "core/decode/classifier_model.h"
#include "core/eval/evaluate.h"
#include "core/model/embedding_table.h"
#include "core/model/word_tagger.h"
#include "core/model/safetensors.h"
#include "core/train/train_config.h"
#include "core/train/trainer.h"
#include "tests/unit/train/train_test_util.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using train_testing::Slurp;
using train_testing::TempDir;

// A table holding every word of the synthetic task except "cisplatin" (an out-of-table entity
// word that only the character features can recognise).
std::string MakeTable(const std::string& dir) { return train_testing::MakeTinyEmbeddingTable(dir, "cisplatin"); }

std::string BiLstmConfig(const train_testing::Task& t, const std::string& table) {
  return "architecture: bilstm_crf\nembeddings: " + table + "\nentity_type: Chemical\ntrain_files: [" + t.train +
         "]\ndev_files: [" + t.dev + "]\ntest_files: [" + t.test + "]\nmodel_repository: " + t.repo +
         "\nepochs: 6\nbatch_size: 8\nlearning_rate: 0.01\nwarmup_ratio: 0.05\nweight_decay: 0\nmax_seq_len: 256\n"
         "dropout: 0.1\nlstm_hidden: 16\nchar_dim: 8\nchar_filters: 8\ncasing_dim: 4\nseed: 3\nnum_threads: 1\n";
}

std::vector<Document> Tag(const TaggingModel& m, const std::vector<Document>& gold) {
  std::vector<Document> pred = gold;
  for (auto& d : pred) d.ClearEntities();
  Status s = TagDocuments({m}, {}, &pred);
  EXPECT_TRUE(s.ok()) << s;
  return pred;
}

TEST(BiLstmCrfTrain, LearnsTheSyntheticTaskPublishesAndLoadsByTableHash) {
  TempDir dir;
  const auto task = train_testing::MakeTask(dir.path(), 200, 40);
  const std::string table = dir.path() + "/table";
  const std::string sha = MakeTable(table);
  auto config = ParseTrainConfig(BiLstmConfig(task, table), "t.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(CheckTrainConfig(*config, "t.yaml").ok());
  auto out = Train(*config, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_GE(out->dev_f1, 0.95);
  EXPECT_GE(out->test_f1, 0.95);

  // The version folder: the architecture named, the frozen table left out of the weights and
  // installed once in the repository's store under its hash.
  const std::string v = task.repo + "/Chemical/1";
  const json cfg = json::parse(Slurp(v + "/config.json"));
  EXPECT_EQ(cfg["architectures"][0], "BiLstmCrfForTokenClassification");
  EXPECT_EQ(cfg["embedding"]["sha256"], sha);
  EXPECT_EQ(cfg["id2label"]["1"], "B-Chemical");
  EXPECT_TRUE(fs::is_regular_file(v + "/chars.txt"));
  auto weights = SafetensorsFile::Open(v + "/model.safetensors");
  ASSERT_TRUE(weights.ok()) << weights.status();
  EXPECT_EQ(weights->Find("word_embeddings.weight"), nullptr);
  EXPECT_NE(weights->Find("crf.transitions"), nullptr);
  EXPECT_TRUE(fs::is_regular_file(task.repo + "/.embeddings/" + sha + "/embedding.json"));

  // Loaded through the loader the tool and the server use: it reproduces the dev score, and
  // two loads tag identically (offsets and scores).
  auto a = LoadTaggingModel(v, "Chemical/1");
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = LoadTaggingModel(v, "Chemical/1");
  ASSERT_TRUE(b.ok()) << b.status();
  auto gold = ReadDocumentSet(task.dev);
  ASSERT_TRUE(gold.ok());
  const auto pa = Tag(*a, gold->docs), pb = Tag(*b, gold->docs);
  auto eval = Evaluate(gold->docs, pa);
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_NEAR(eval->strict.micro.F1(), out->dev_f1, 0.02);
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    ASSERT_EQ(pa[i].entities().size(), pb[i].entities().size());
    for (size_t k = 0; k < pa[i].entities().size(); ++k) {
      EXPECT_EQ(pa[i].entities()[k].start, pb[i].entities()[k].start);
      EXPECT_EQ(pa[i].entities()[k].end, pb[i].entities()[k].end);
      EXPECT_FLOAT_EQ(pa[i].entities()[k].score, pb[i].entities()[k].score);
      EXPECT_GT(pa[i].entities()[k].score, 0.0f);
      EXPECT_LE(pa[i].entities()[k].score, 1.0f);
    }
  }

  // Models over one frozen table share one tensor of it in the process (the server's five
  // default models would otherwise hold five copies).
  {
    auto x = model_internal::LoadWordTagger(v, {}, torch::kCPU);
    auto y = model_internal::LoadWordTagger(v, {}, torch::kCPU);
    ASSERT_TRUE(x.ok() && y.ok()) << x.status() << y.status();
    EXPECT_EQ(x->model->word_embeddings.data_ptr(), y->model->word_embeddings.data_ptr());
    EXPECT_NE(x->shared_vectors, nullptr);
  }

  // A folder that names another table is refused, naming the hash it looked for.
  json wrong = cfg;
  wrong["embedding"]["sha256"] = std::string(64, '0');
  train_testing::WriteText(v + "/config.json", wrong.dump());
  auto refused = LoadTaggingModel(v, "Chemical/1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kNotFound);
  EXPECT_NE(refused.status().message().find(std::string(64, '0')), std::string::npos) << refused.status();
}

// Short windows cut entities, so windows start inside one (I-X first): the constrained CRF
// would give such a gold path no probability and the loss would be infinite. Each window's
// labels are re-encoded as the window sees them, and training goes on.
TEST(BiLstmCrfTrain, WindowsThatCutEntitiesTrainWithAFiniteLoss) {
  TempDir dir;
  const auto task = train_testing::MakeTask(dir.path(), 60, 20);
  const std::string table = dir.path() + "/table";
  MakeTable(table);
  std::string yaml = BiLstmConfig(task, table);
  yaml.replace(yaml.find("max_seq_len: 256"), 16, "max_seq_len: 12 ");
  yaml.replace(yaml.find("epochs: 6"), 9, "epochs: 2");
  auto config = ParseTrainConfig(yaml, "t.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  auto out = Train(*config, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_GT(out->dev_f1, 0.0);
}

// char_encoder: lstm trains, is named in config.json and loads back with the same scores.
TEST(BiLstmCrfTrain, CharacterLstmTrainsSavesAndLoads) {
  TempDir dir;
  const auto task = train_testing::MakeTask(dir.path(), 200, 40);
  const std::string table = dir.path() + "/table";
  MakeTable(table);
  const std::string yaml = BiLstmConfig(task, table) + "char_encoder: lstm\n";
  auto config = ParseTrainConfig(yaml, "t.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  auto out = Train(*config, {});
  ASSERT_TRUE(out.ok()) << out.status();
  const std::string v = task.repo + "/Chemical/1";
  EXPECT_EQ(json::parse(Slurp(v + "/config.json"))["bilstm_crf"]["char_encoder"], "lstm");
  auto weights = SafetensorsFile::Open(v + "/model.safetensors");
  ASSERT_TRUE(weights.ok()) << weights.status();
  EXPECT_NE(weights->Find("char_lstm.weight_hh_l0_reverse"), nullptr);
  auto m = LoadTaggingModel(v, "Chemical/1");
  ASSERT_TRUE(m.ok()) << m.status();
  auto gold = ReadDocumentSet(task.dev);
  ASSERT_TRUE(gold.ok());
  auto eval = Evaluate(gold->docs, Tag(*m, gold->docs));
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_NEAR(eval->strict.micro.F1(), out->dev_f1, 0.02);
  EXPECT_GE(out->dev_f1, 0.9);
}

TEST(BiLstmCrfTrain, ConfigKeysAreCheckedPerArchitecture) {
  auto no_table = ParseTrainConfig("architecture: bilstm_crf\nentity_type: Chemical\nmodel_repository: r\n"
                                   "corpus_root: c\n", "t.yaml");
  ASSERT_FALSE(no_table.ok());
  EXPECT_NE(no_table.status().message().find("embeddings"), std::string::npos) << no_table.status();
  auto with_model = ParseTrainConfig("architecture: bilstm_crf\nembeddings: e\nmodel: m\nentity_type: Chemical\n"
                                     "model_repository: r\ncorpus_root: c\n", "t.yaml");
  ASSERT_FALSE(with_model.ok());
  EXPECT_NE(with_model.status().message().find("'model'"), std::string::npos) << with_model.status();
  for (const char* bad : {"char_encoder: gru\n", "char_encoder: lstm\nchar_filters: 25\n"}) {
    auto refused = ParseTrainConfig(std::string("architecture: bilstm_crf\nembeddings: e\nentity_type: Chemical\n"
                                                "model_repository: r\ncorpus_root: c\n") + bad, "t.yaml");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.status().message().find("char_"), std::string::npos) << refused.status();
  }
  auto other = ParseTrainConfig("architecture: crf\nentity_type: Chemical\nmodel_repository: r\ncorpus_root: c\n",
                                "t.yaml");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("architecture"), std::string::npos) << other.status();
}

}  // namespace
}  // namespace bioner::train
