// The weight layouts of a model folder (core/model/model_folder.h): a sharded checkpoint in
// either format loads to exactly the logits of the single file it was split from; a broken
// index is refused naming the index, the tensor and the shard.
#include "core/model/model_folder.h"

#include <gtest/gtest.h>

#include "core/model/token_classifier.h"
#include "tests/unit/model/test_util.h"

namespace bioner {
namespace {

using Json = nlohmann::json;
using testing::ModelVectorDir;
using testing::Slurp;
using testing::Spit;
using testing::TempDir;

std::string BinDir(const std::string& name) {
  return std::string(BIONER_TEST_DATA_DIR) + "/testvectors/model-bin/" + name;
}

// config.json and vocab.txt of the test-vector model `name` in `dir`.
void CopyConfigAndVocab(const std::string& name, const std::string& dir) {
  for (const char* f : {"config.json", "vocab.txt"})
    Spit(dir + "/" + f, Slurp(ModelVectorDir(name) + "/" + f));
}

// Writes the tensors of model/<name>/model.safetensors as `shards` safetensors files (tensor i
// into shard i % shards) and their index into `dir`; returns the index's weight_map.
Json WriteShards(const std::string& name, const std::string& dir, int shards) {
  auto file = SafetensorsFile::Open(ModelVectorDir(name) + "/model.safetensors");
  EXPECT_TRUE(file.ok()) << file.status();
  std::vector<std::vector<TensorToWrite>> parts(shards);
  Json weight_map = Json::object();
  for (size_t i = 0; i < file->tensors().size(); ++i) {
    const TensorView& t = file->tensors()[i];
    const std::string shard = "model-0000" + std::to_string(i % shards + 1) + "-of-0000" +
                              std::to_string(shards) + ".safetensors";
    parts[i % shards].push_back({t.name, t.dtype, t.shape, std::string_view(t.data, t.nbytes)});
    weight_map[t.name] = shard;
  }
  for (int s = 0; s < shards; ++s) {
    const std::string shard =
        "model-0000" + std::to_string(s + 1) + "-of-0000" + std::to_string(shards) + ".safetensors";
    EXPECT_TRUE(WriteSafetensors(dir + "/" + shard, parts[s], {{"format", "pt"}}).ok());
  }
  Spit(dir + "/model.safetensors.index.json",
       Json{{"metadata", {{"total_size", 1}}}, {"weight_map", weight_map}}.dump());
  return weight_map;
}

// Logits of the folder on a fixed batch.
std::vector<std::vector<float>> Logits(const std::string& dir) {
  auto m = TokenClassifier::Load(dir);
  EXPECT_TRUE(m.ok()) << m.status();
  if (!m.ok()) return {};
  Batch batch;
  batch.input_ids = {{2, 17, 33, 8, 90, 3}, {2, 44, 61, 3}};
  auto out = (*m)->Forward(batch);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? out->rows : std::vector<std::vector<float>>{};
}

TEST(ModelFolder, ShardedSafetensorsLoadAsTheSingleFile) {
  TempDir dir;
  CopyConfigAndVocab("tiny-f16", dir.path());
  WriteShards("tiny-f16", dir.path(), 3);
  auto w = ModelWeights::Open(dir.path());
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->path(), dir.file("model.safetensors.index.json"));
  EXPECT_EQ(w->files().size(), 4u);  // the index and three shards
  const auto want = Logits(ModelVectorDir("tiny-f16"));
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(Logits(dir.path()), want);
}

TEST(ModelFolder, ShardedPytorchBinLoadsAsTheSingleFile) {
  // One PyTorch-written shard (pytorch_model-00001-of-00001.bin) and its index.
  TempDir dir;
  CopyConfigAndVocab("tiny-f32", dir.path());
  const std::string shard = "pytorch_model-00001-of-00001.bin";
  Spit(dir.file(shard), Slurp(BinDir("tiny-f32-legacy") + "/pytorch_model.bin"));
  auto bin = PytorchBinFile::Open(dir.file(shard));
  ASSERT_TRUE(bin.ok()) << bin.status();
  Json weight_map = Json::object();
  for (const TensorView& t : bin->tensors()) weight_map[t.name] = shard;
  Spit(dir.file("pytorch_model.bin.index.json"), Json{{"weight_map", weight_map}}.dump());
  EXPECT_EQ(Logits(dir.path()), Logits(ModelVectorDir("tiny-f32")));
}

TEST(ModelFolder, PrefersTransformersOrder) {
  TempDir dir;
  CopyConfigAndVocab("tiny-f32", dir.path());
  EXPECT_EQ(ModelWeights::Open(dir.path()).status().code(), StatusCode::kNotFound);
  Spit(dir.file("pytorch_model.bin"), Slurp(BinDir("tiny-f32-zip") + "/pytorch_model.bin"));
  EXPECT_EQ(ModelWeights::Open(dir.path())->path(), dir.file("pytorch_model.bin"));
  WriteShards("tiny-f32", dir.path(), 2);
  EXPECT_EQ(ModelWeights::Open(dir.path())->path(), dir.file("model.safetensors.index.json"));
  Spit(dir.file("model.safetensors"), Slurp(ModelVectorDir("tiny-f32") + "/model.safetensors"));
  EXPECT_EQ(ModelWeights::Open(dir.path())->path(), dir.file("model.safetensors"));
}

// Found while fuzzing (docs/RELIABILITY.md "Fuzzing"): the model was allocated from
// config.json's sizes before the weights were matched against them.
TEST(ModelFolder, AConfigThatDoesNotFitTheWeightsIsRefusedBeforeAnyAllocation) {
  TempDir dir;
  CopyConfigAndVocab("tiny-f32", dir.path());
  Spit(dir.file("model.safetensors"), Slurp(ModelVectorDir("tiny-f32") + "/model.safetensors"));
  ASSERT_TRUE(TokenClassifier::Load(dir.path(), {}).ok());
  Json config = Json::parse(Slurp(dir.file("config.json")));
  config["vocab_size"] = 1000000000000LL;  // 4 TB of embeddings at hidden 32... if allocated
  Spit(dir.file("config.json"), config.dump());
  auto loaded = TokenClassifier::Load(dir.path(), {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument) << loaded.status();
  EXPECT_NE(loaded.status().message().find("do not fit the weights"), std::string::npos)
      << loaded.status();
}

TEST(ModelFolder, RefusesABrokenIndexNamingIt) {
  TempDir dir;
  CopyConfigAndVocab("tiny-f32", dir.path());
  const Json weight_map = WriteShards("tiny-f32", dir.path(), 2);
  const std::string index = dir.file("model.safetensors.index.json");
  auto expect = [&](const Json& map, StatusCode code, const std::vector<std::string>& parts) {
    Spit(index, Json{{"weight_map", map}}.dump());
    const Status s = TokenClassifier::Load(dir.path()).status();
    EXPECT_EQ(s.code(), code) << s;
    for (const auto& p : parts)
      EXPECT_NE(s.message().find(p), std::string::npos) << p << " in " << s;
  };
  const std::string first = weight_map.begin().key();
  const std::string shard1 = weight_map.begin().value(),
                    shard2 = "model-00002-of-00002.safetensors";
  Json m = weight_map;
  m[first] = shard2;  // the tensor is in shard 1
  expect(m, StatusCode::kInvalidArgument, {index, first, shard1, shard2});
  m = weight_map;
  m.erase(first);
  expect(m, StatusCode::kInvalidArgument, {first, "not in the weight_map"});
  m = weight_map;
  m["bert.made.up"] = shard1;
  expect(m, StatusCode::kInvalidArgument, {index, "bert.made.up", "not in its shard"});
  m = weight_map;
  m[first] = "../" + shard1;
  expect(m, StatusCode::kInvalidArgument, {index, "not a file name in the folder"});
  m = weight_map;
  m["bert.in.a.lost.shard"] = "model-00009-of-00009.safetensors";
  expect(m, StatusCode::kNotFound, {"model-00009-of-00009.safetensors"});
  expect(Json::object(), StatusCode::kInvalidArgument, {index, "weight_map"});
  Spit(index, "{");
  EXPECT_NE(TokenClassifier::Load(dir.path()).status().message().find("not valid JSON"),
            std::string::npos);
}

}  // namespace
}  // namespace bioner
