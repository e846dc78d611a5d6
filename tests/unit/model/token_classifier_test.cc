#include "core/model/token_classifier.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <functional>
#include <thread>

#include "core/model/safetensors.h"
#include "tests/integration/subprocess.h"
#include "tests/unit/model/test_util.h"

namespace bioner {
namespace {

using Json = nlohmann::json;
using testing::ModelVectorDir;
using testing::TempDir;

// The unpadded rows of a reference case (right padding; length = sum of attention_mask).
Batch CaseBatch(const Json& c) {
  Batch batch;
  for (size_t b = 0; b < c["input_ids"].size(); ++b) {
    int64_t len = 0;
    for (const auto& m : c["attention_mask"][b]) len += m.get<int>();
    std::vector<int32_t> ids, types;
    for (int64_t t = 0; t < len; ++t) {
      ids.push_back(c["input_ids"][b][t].get<int32_t>());
      types.push_back(c["token_type_ids"][b][t].get<int32_t>());
    }
    batch.input_ids.push_back(ids);
    batch.token_type_ids.push_back(types);
  }
  return batch;
}

// Runs every case of a test-vector folder; returns the largest absolute difference.
double MaxDiffOnCases(const std::string& name, const LoadOptions& options) {
  auto model = TokenClassifier::Load(ModelVectorDir(name), options);
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return INFINITY;
  const Json cases = testing::ReadJson(ModelVectorDir(name) + "/cases.json");
  const char* key = (*model)->encoder_only() ? "last_hidden_state" : "logits";
  EXPECT_TRUE(cases["cases"][0].contains(key)) << name;
  double worst = 0;
  for (const auto& c : cases["cases"]) {
    auto out = (*model)->Forward(CaseBatch(c));
    EXPECT_TRUE(out.ok()) << out.status();
    if (!out.ok()) return INFINITY;
    const Json& want = c[key];
    EXPECT_EQ(out->size(), want.size());
    for (size_t b = 0; b < want.size(); ++b) {
      EXPECT_EQ(out->length(b), static_cast<int64_t>(want[b].size())) << name << " sequence " << b;
      for (size_t t = 0; t < want[b].size(); ++t) {
        EXPECT_EQ(out->width, static_cast<int64_t>(want[b][t].size()));
        for (size_t k = 0; k < want[b][t].size(); ++k) {
          worst = std::max(worst, std::fabs(out->at(b, t, k) - want[b][t][k].get<double>()));
        }
      }
    }
  }
  return worst;
}

class ReferenceCases : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};

TEST_P(ReferenceCases, MatchWithinTolerance) {
  const auto& [name, fused] = GetParam();
  LoadOptions options;
  options.fused_inference = fused;
  const double tol = testing::ReadJson(ModelVectorDir(name) + "/cases.json")["tolerance_abs"].get<double>();
  const double diff = MaxDiffOnCases(name, options);
  EXPECT_LE(diff, tol) << name << (fused ? " (fused)" : " (module forward)");
}

INSTANTIATE_TEST_SUITE_P(Model, ReferenceCases,
                         ::testing::Combine(::testing::Values("tiny-f32", "tiny-f16", "legacy-names", "encoder-only"),
                                            ::testing::Bool()));

TEST(TokenClassifier, LabelsAndConfig) {
  auto m = TokenClassifier::Load(ModelVectorDir("tiny-f16"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)->labels(), (std::vector<std::string>{"O", "B-Gene", "I-Gene", "B-Chemical", "I-Chemical"}));
  EXPECT_EQ((*m)->config().num_hidden_layers, 3);
  EXPECT_EQ((*m)->device(), "cpu");
  auto e = TokenClassifier::Load(ModelVectorDir("encoder-only"));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE((*e)->encoder_only());
}

TEST(TokenClassifier, SaveThenLoadGivesIdenticalOutputs) {
  TempDir dir;
  for (const char* name : {"tiny-f16", "encoder-only"}) {
    auto m = TokenClassifier::Load(ModelVectorDir(name));
    ASSERT_TRUE(m.ok()) << m.status();
    const std::string out = dir.file(name);
    ASSERT_TRUE((*m)->Save(out).ok());
    auto f = SafetensorsFile::Open(out + "/model.safetensors");
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_EQ(f->metadata().at("format"), "pt");
    for (const auto& t : f->tensors()) {
      EXPECT_EQ(t.dtype, DType::kF32) << t.name;
      EXPECT_TRUE(t.name.rfind("bert.", 0) == 0 || t.name.rfind("classifier.", 0) == 0) << t.name;
    }
    EXPECT_NE(f->Find("bert.encoder.layer.0.attention.self.query.weight"), nullptr);
    EXPECT_EQ(testing::Slurp(out + "/vocab.txt"), testing::Slurp(ModelVectorDir(name) + "/vocab.txt"));
    auto back = TokenClassifier::Load(out);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ((*back)->labels(), (*m)->labels());
    const Json cases = testing::ReadJson(ModelVectorDir(name) + "/cases.json");
    for (const auto& c : cases["cases"]) {
      auto a = (*m)->Forward(CaseBatch(c));
      auto b = (*back)->Forward(CaseBatch(c));
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(a->rows, b->rows) << name;
    }
  }
}

// A token classifier's config with labels O, B-X, I-X.
BertConfig Shape(int64_t vocab, int64_t hidden, int64_t layers, int64_t heads, int64_t intermediate,
                 int64_t positions) {
  BertConfig c;
  c.vocab_size = vocab;
  c.hidden_size = hidden;
  c.num_hidden_layers = layers;
  c.num_attention_heads = heads;
  c.intermediate_size = intermediate;
  c.max_position_embeddings = positions;
  c.labels = {"O", "B-X", "I-X"};
  return c;
}

TEST(TokenClassifier, RandomModelIsDeterministicAndLoads) {
  const BertConfig c = Shape(50, 16, 2, 2, 32, 24);
  TempDir dir;
  ASSERT_TRUE(CreateRandomModel(c, dir.file("a"), 7).ok());
  ASSERT_TRUE(CreateRandomModel(c, dir.file("b"), 7).ok());
  ASSERT_TRUE(CreateRandomModel(c, dir.file("c"), 8).ok());
  EXPECT_EQ(testing::Slurp(dir.file("a/model.safetensors")), testing::Slurp(dir.file("b/model.safetensors")));
  EXPECT_NE(testing::Slurp(dir.file("a/model.safetensors")), testing::Slurp(dir.file("c/model.safetensors")));
  auto m = TokenClassifier::Load(dir.file("a"));
  ASSERT_TRUE(m.ok()) << m.status();
  Batch batch;
  batch.input_ids = {{2, 10, 11, 3}, {2, 3}, {}};
  auto out = (*m)->Forward(batch);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->width, 3);
  EXPECT_EQ(out->length(0), 4);
  EXPECT_EQ(out->length(1), 2);
  EXPECT_EQ(out->length(2), 0);
  // Padding must not change a sequence's outputs.
  Batch alone;
  alone.input_ids = {{2, 3}};
  auto single = (*m)->Forward(alone);
  ASSERT_TRUE(single.ok());
  for (size_t i = 0; i < single->rows[0].size(); ++i) EXPECT_NEAR(single->rows[0][i], out->rows[1][i], 1e-5);
}

// VmRSS of this process in bytes; -1 if /proc cannot be read.
int64_t ResidentBytes() {
  auto m = testing::ReadProcessMemory(::getpid());
  return m.ok() ? m->rss_bytes : -1;
}

// The server holds five models; the fused path once kept its own copy of every weight beside
// the module's, and the loader left a float32 temporary of each tensor in glibc's heap: 1.9x
// the weights. Loading must cost about the weights once.
TEST(TokenClassifier, LoadedModelHoldsItsWeightsOnce) {
  // 30000 x 256 floats: a 31 MB embedding, as with BioBERT's vocabulary.
  const BertConfig c = Shape(30000, 256, 2, 4, 1024, 128);
  TempDir dir;
  ASSERT_TRUE(CreateRandomModel(c, dir.file("m"), 3).ok());
  const int64_t h = c.hidden_size;  // float32 bytes of the embedding and the layers' matrices
  const int64_t weights = 4 * (c.vocab_size * h + c.num_hidden_layers * (4 * h * h + 2 * h * c.intermediate_size));
  std::vector<std::unique_ptr<TokenClassifier>> kept;  // alive, so no load reuses freed memory
  for (bool fused : {false, true}) {
    LoadOptions options;
    options.fused_inference = fused;
    const int64_t before = ResidentBytes();
    ASSERT_GT(before, 0);
    auto m = TokenClassifier::Load(dir.file("m"), options);
    ASSERT_TRUE(m.ok()) << m.status();
    const int64_t grown = ResidentBytes() - before;
    EXPECT_LT(grown, weights * 13 / 10) << (fused ? "fused" : "module") << ": loading " << weights / 1000000
                                         << " MB of weights grew VmRSS by " << grown / 1000000 << " MB";
    kept.push_back(std::move(m).value());
  }
}

TEST(TokenClassifier, ForwardFromAnotherThread) {
  auto m = TokenClassifier::Load(ModelVectorDir("tiny-f32"));
  ASSERT_TRUE(m.ok());
  Batch batch;
  batch.input_ids = {{2, 81, 78, 61, 75, 62, 3}};
  auto here = (*m)->Forward(batch);
  StatusOr<Tensor3> there = Internal("not run");
  std::thread t([&] { there = (*m)->Forward(batch); });
  t.join();
  ASSERT_TRUE(here.ok() && there.ok());
  EXPECT_EQ(here->rows, there->rows);
}

void ExpectError(const Status& s, StatusCode code, const std::vector<std::string>& parts) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), code) << s;
  for (const auto& p : parts) EXPECT_NE(s.message().find(p), std::string::npos) << s.message() << " lacks " << p;
}

TEST(TokenClassifier, ForwardRefusesBadInput) {
  auto m = TokenClassifier::Load(ModelVectorDir("tiny-f32"));
  ASSERT_TRUE(m.ok());
  Batch batch;
  batch.input_ids = {{2, 3}, {2, 97, 3}};
  ExpectError((*m)->Forward(batch).status(), StatusCode::kInvalidArgument, {"sequence 1", "position 1", "token id 97"});
  batch.input_ids = {{2, -1}};
  ExpectError((*m)->Forward(batch).status(), StatusCode::kInvalidArgument, {"token id -1"});
  batch.input_ids = {std::vector<int32_t>(41, 5)};
  ExpectError((*m)->Forward(batch).status(), StatusCode::kInvalidArgument, {"41 tokens", "max_position_embeddings 40"});
  batch.input_ids = {std::vector<int32_t>(40, 5)};
  EXPECT_TRUE((*m)->Forward(batch).ok());
  batch.input_ids = {{2, 3}};
  batch.token_type_ids = {{0}};
  ExpectError((*m)->Forward(batch).status(), StatusCode::kInvalidArgument, {"1 token_type_ids for 2 input_ids"});
  batch.token_type_ids = {{0, 2}};
  ExpectError((*m)->Forward(batch).status(), StatusCode::kInvalidArgument, {"token type 2"});
  batch.token_type_ids = {{0, 1}, {0}};
  ExpectError((*m)->Forward(batch).status(), StatusCode::kInvalidArgument, {"token_type_ids has 2 sequences"});
}

TEST(TokenClassifier, DeviceOption) {
  LoadOptions o;
  o.device = "tpu:3";
  ExpectError(TokenClassifier::Load(ModelVectorDir("tiny-f32"), o).status(), StatusCode::kInvalidArgument, {"tpu:3"});
  o.device = "cuda:0";
  auto m = TokenClassifier::Load(ModelVectorDir("tiny-f32"), o);
  if (!m.ok()) {
    ExpectError(m.status(), StatusCode::kFailedPrecondition, {"cuda:0", "CUDA"});
  } else {
    EXPECT_EQ((*m)->device(), "cuda:0");
  }
  o = LoadOptions();
  o.num_threads = -1;
  ExpectError(TokenClassifier::Load(ModelVectorDir("tiny-f32"), o).status(), StatusCode::kInvalidArgument, {"num_threads"});
}

// Copies tiny-f32 into a temp folder and rewrites its weights with `edit` applied.
void WriteEditedCopy(const TempDir& dir, const std::function<void(std::vector<TensorToWrite>&)>& edit) {
  testing::CopyModelFolder(ModelVectorDir("tiny-f32"), dir.path());
  auto f = SafetensorsFile::Open(ModelVectorDir("tiny-f32") + "/model.safetensors");
  ASSERT_TRUE(f.ok());
  std::vector<TensorToWrite> tensors;
  for (const auto& t : f->tensors()) tensors.push_back({t.name, t.dtype, t.shape, {t.data, t.nbytes}});
  edit(tensors);
  ASSERT_TRUE(WriteSafetensors(dir.file("model.safetensors"), tensors, {{"format", "pt"}}).ok());
}

TEST(TokenClassifierLoad, MissingTensor) {
  TempDir dir;
  WriteEditedCopy(dir, [](auto& ts) {
    ts.erase(std::remove_if(ts.begin(), ts.end(),
                            [](const auto& t) { return t.name == "bert.encoder.layer.1.output.dense.bias"; }),
             ts.end());
  });
  ExpectError(TokenClassifier::Load(dir.path()).status(), StatusCode::kInvalidArgument,
              {dir.file("model.safetensors"), "missing tensor 'bert.encoder.layer.1.output.dense.bias'", "[32]"});
}

TEST(TokenClassifierLoad, WrongShape) {
  TempDir dir;
  WriteEditedCopy(dir, [](auto& ts) {
    for (auto& t : ts)
      if (t.name == "classifier.weight") {  // 3 x 32 floats reinterpreted as 4 x 24
        t.shape = {4, 24};
      }
  });
  ExpectError(TokenClassifier::Load(dir.path()).status(), StatusCode::kInvalidArgument,
              {"model.safetensors", "'classifier.weight'", "[4, 24]", "[3, 32]"});
}

TEST(TokenClassifierLoad, UnexpectedTensorAndBadDtype) {
  TempDir dir;
  static const float extra[32] = {};
  WriteEditedCopy(dir, [](auto& ts) {
    ts.push_back({"bert.encoder.layer.2.output.dense.bias", DType::kF32, {32}, {reinterpret_cast<const char*>(extra), 128}});
  });
  ExpectError(TokenClassifier::Load(dir.path()).status(), StatusCode::kInvalidArgument,
              {"unexpected tensor 'bert.encoder.layer.2.output.dense.bias'"});
  TempDir dir2;
  WriteEditedCopy(dir2, [](auto& ts) {
    for (auto& t : ts)
      if (t.name == "classifier.bias") t.dtype = DType::kI32;
  });
  ExpectError(TokenClassifier::Load(dir2.path()).status(), StatusCode::kInvalidArgument,
              {"'classifier.bias'", "dtype I32"});
}

TEST(TokenClassifierLoad, CorruptFolderFiles) {
  TempDir dir;
  testing::CopyModelFolder(ModelVectorDir("tiny-f32"), dir.path());
  const std::string weights = testing::Slurp(dir.file("model.safetensors"));
  testing::Spit(dir.file("model.safetensors"), weights.substr(0, weights.size() / 2));
  ExpectError(TokenClassifier::Load(dir.path()).status(), StatusCode::kDataLoss, {dir.file("model.safetensors"), "truncated"});

  testing::CopyModelFolder(ModelVectorDir("tiny-f32"), dir.path());
  Json config = testing::ReadJson(dir.file("config.json"));
  config["num_attention_heads"] = 3;
  testing::Spit(dir.file("config.json"), config.dump());
  ExpectError(TokenClassifier::Load(dir.path()).status(), StatusCode::kInvalidArgument,
              {dir.file("config.json"), "not divisible"});
  config.erase("num_attention_heads");
  testing::Spit(dir.file("config.json"), config.dump());
  ExpectError(TokenClassifier::Load(dir.path()).status(), StatusCode::kInvalidArgument,
              {dir.file("config.json"), "'num_attention_heads'"});
  // A config that disagrees with the weights: the shape error names both shapes.
  testing::CopyModelFolder(ModelVectorDir("tiny-f32"), dir.path());
  config = testing::ReadJson(dir.file("config.json"));
  config["intermediate_size"] = 48;
  testing::Spit(dir.file("config.json"), config.dump());
  ExpectError(TokenClassifier::Load(dir.path()).status(), StatusCode::kInvalidArgument,
              {"intermediate.dense.weight", "[64, 32]", "[48, 32]"});
  EXPECT_EQ(TokenClassifier::Load(dir.file("nope")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace bioner
