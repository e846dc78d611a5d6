#include "core/model/bert_config.h"

#include <gtest/gtest.h>

#include "tests/unit/model/test_util.h"

namespace bioner {
namespace {

using Json = nlohmann::json;

Json Base() {
  return Json::parse(testing::Slurp(testing::ModelVectorDir("tiny-f32") + "/config.json"));
}

Status ParseWith(const Json& j) { return ParseBertConfig(j.dump(), "m/config.json").status(); }

void ExpectError(const Status& s, const std::vector<std::string>& parts) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  for (const auto& p : parts) EXPECT_NE(s.message().find(p), std::string::npos) << s.message() << " lacks " << p;
}

TEST(BertConfig, ParsesReferenceConfigs) {
  auto c = ReadBertConfig(testing::ModelVectorDir("tiny-f16") + "/config.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vocab_size, 97);
  EXPECT_EQ(c->hidden_size, 48);
  EXPECT_EQ(c->num_hidden_layers, 3);
  EXPECT_EQ(c->num_attention_heads, 6);
  EXPECT_EQ(c->head_size(), 8);
  EXPECT_EQ(c->intermediate_size, 96);
  EXPECT_EQ(c->max_position_embeddings, 40);
  EXPECT_DOUBLE_EQ(c->layer_norm_eps, 1e-12);
  EXPECT_EQ(c->labels, (std::vector<std::string>{"O", "B-Gene", "I-Gene", "B-Chemical", "I-Chemical"}));
  auto enc = ReadBertConfig(testing::ModelVectorDir("encoder-only") + "/config.json");
  ASSERT_TRUE(enc.ok()) << enc.status();
  EXPECT_FALSE(enc->has_classifier());
}

TEST(BertConfig, LabelsOrderedById) {
  Json j = Base();
  j["id2label"] = {{"2", "c"}, {"0", "a"}, {"1", "b"}, {"10", "z"}};
  j.erase("label2id");
  ExpectError(ParseWith(j), {"id2label", "id 3 is missing"});
  j["id2label"] = {{"2", "c"}, {"0", "a"}, {"1", "b"}};
  auto c = ParseBertConfig(j.dump(), "x");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->labels, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(BertConfig, WriteThenReadRoundTrip) {
  auto c = ReadBertConfig(testing::ModelVectorDir("tiny-f16") + "/config.json");
  ASSERT_TRUE(c.ok());
  c->layer_norm_eps = 1e-5;
  testing::TempDir dir;
  ASSERT_TRUE(WriteBertConfig(*c, dir.file("config.json")).ok());
  auto back = ReadBertConfig(dir.file("config.json"));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->labels, c->labels);
  EXPECT_EQ(back->hidden_size, c->hidden_size);
  EXPECT_DOUBLE_EQ(back->layer_norm_eps, 1e-5);
  const Json j = testing::ReadJson(dir.file("config.json"));
  EXPECT_EQ(j["label2id"]["I-Chemical"], 4);
  EXPECT_EQ(j["id2label"]["4"], "I-Chemical");
  EXPECT_EQ(j["model_type"], "bert");
}

TEST(BertConfig, MissingFields) {
  for (const char* key : {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                          "intermediate_size", "max_position_embeddings"}) {
    Json j = Base();
    j.erase(key);
    ExpectError(ParseWith(j), {"m/config.json", std::string("'") + key + "'", "missing"});
  }
  EXPECT_EQ(ReadBertConfig("/nonexistent/config.json").status().code(), StatusCode::kNotFound);
}

TEST(BertConfig, ContradictoryOrInvalidFields) {
  Json j = Base();
  j["num_attention_heads"] = 5;
  ExpectError(ParseWith(j), {"m/config.json", "'hidden_size' 32", "not divisible", "'num_attention_heads' 5"});
  j = Base();
  j["label2id"]["B-Disease"] = 2;
  ExpectError(ParseWith(j), {"m/config.json", "label2id", "'B-Disease'"});
  j = Base();
  j["label2id"].erase("O");
  ExpectError(ParseWith(j), {"label2id", "has 2 labels"});
  j = Base();
  j.erase("id2label");
  ExpectError(ParseWith(j), {"'id2label' is missing"});
  j = Base();
  j["hidden_size"] = 0;
  ExpectError(ParseWith(j), {"'hidden_size' must be positive"});
  j = Base();
  j["intermediate_size"] = -3;
  ExpectError(ParseWith(j), {"'intermediate_size' must be positive"});
  j = Base();
  j["hidden_act"] = "relu";
  ExpectError(ParseWith(j), {"'hidden_act'", "relu", "not supported"});
  j = Base();
  j["vocab_size"] = "97";
  ExpectError(ParseWith(j), {"'vocab_size' must be an integer"});
  j = Base();
  j["id2label"]["1"] = "O";
  j.erase("label2id");
  ExpectError(ParseWith(j), {"label 'O' appears twice"});
  j = Base();
  j["position_embedding_type"] = "relative_key";
  ExpectError(ParseWith(j), {"position_embedding_type"});
  ExpectError(ParseBertConfig("{not json", "m/config.json").status(), {"m/config.json", "not valid JSON"});
}

}  // namespace
}  // namespace bioner
