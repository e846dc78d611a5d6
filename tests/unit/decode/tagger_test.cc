#include "core/decode/tagger.h"

#include <gtest/gtest.h>

#include <map>

#include "core/text/tokenizer.h"

namespace bioner {
namespace {

const std::string kVocab = std::string(BIONER_TEST_DATA_DIR) + "/testvectors/vocab/biobert-v1.1/vocab.txt";

// A context-free fake: each token id maps to a fixed label; logits put 5.0 on that label.
class DictionaryModel : public WindowModel {
 public:
  DictionaryModel(LabelSet labels, std::map<int32_t, int> label_of_id, int max_len)
      : labels_(std::move(labels)), label_of_id_(std::move(label_of_id)), max_len_(max_len) {}
  const LabelSet& labels() const override { return labels_; }
  int max_seq_len() const override { return max_len_; }
  StatusOr<std::vector<std::vector<float>>> Run(
      const std::vector<std::vector<int32_t>>& inputs) override {
    ++calls;
    batches.emplace_back();
    for (const auto& in : inputs) batches.back().push_back(in.size());
    std::vector<std::vector<float>> out;
    for (const auto& in : inputs) {
      EXPECT_LE(static_cast<int>(in.size()), max_len_);
      std::vector<float> logits(in.size() * labels_.size(), 0.0f);
      for (size_t t = 0; t < in.size(); ++t) {
        auto it = label_of_id_.find(in[t]);
        logits[t * labels_.size() + (it == label_of_id_.end() ? labels_.outside_id() : it->second)] = 5.0f;
      }
      out.push_back(std::move(logits));
    }
    return out;
  }
  int calls = 0;
  std::vector<std::vector<size_t>> batches;  // the input lengths of every Run()

 private:
  LabelSet labels_;
  std::map<int32_t, int> label_of_id_;
  int max_len_;
};

class TaggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto vocab = text::Vocab::Load(kVocab);
    ASSERT_TRUE(vocab.ok()) << vocab.status();
    auto tok = text::BertTokenizer::Create(std::move(vocab).value());
    ASSERT_TRUE(tok.ok());
    tokenizer_ = std::make_shared<text::BertTokenizer>(std::move(tok).value());
    labels_ = LabelSet::ForTypes({"Disease"}, LabelScheme::kBIO);
  }
  int32_t Id(const std::string& token) { return tokenizer_->vocab().Find(token); }

  std::shared_ptr<DictionaryModel> Model(int max_len) {
    // "breast" -> B, "cancer" -> I, "colitis"'s pieces: first piece B, continuation O (the
    // word must still be labelled by its first piece only).
    std::map<int32_t, int> m = {{Id("breast"), labels_.Find('B', "Disease")},
                                {Id("cancer"), labels_.Find('I', "Disease")}};
    auto enc = tokenizer_->Encode("colitis");
    EXPECT_TRUE(enc.ok() && enc->size() > 1) << "colitis should split into pieces";
    m[enc->ids[0]] = labels_.Find('B', "Disease");
    return std::make_shared<DictionaryModel>(labels_, m, max_len);
  }

  std::shared_ptr<text::BertTokenizer> tokenizer_;
  LabelSet labels_;
};

TEST_F(TaggerTest, EntitiesHaveExactCodePointOffsets) {
  auto doc = Document::Create("d1", {{"title", 0, "Naïve breast cancer"},
                                     {"abstract", 20, "Über colitis, and breast cancer."}});
  ASSERT_TRUE(doc.ok());
  std::vector<Document> docs = {*doc};
  auto model = Model(512);
  ASSERT_TRUE(TagDocuments({{tokenizer_, model, "Disease/1"}}, {}, &docs).ok());
  const auto& e = docs[0].entities();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].start, 6u); EXPECT_EQ(e[0].end, 19u); EXPECT_EQ(e[0].text, "breast cancer");
  EXPECT_EQ(e[1].start, 25u); EXPECT_EQ(e[1].end, 32u); EXPECT_EQ(e[1].text, "colitis");
  EXPECT_EQ(e[2].text, "breast cancer");
  EXPECT_EQ(e[2].start, 38u);
  EXPECT_EQ(e[0].model_version, "Disease/1");
  EXPECT_GT(e[0].score, 0.9f);
  EXPECT_LE(e[0].score, 1.0f);
}

TEST_F(TaggerTest, WindowingGivesTheSameEntitiesAsOneWindow) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "Patients with breast cancer had colitis. ";
  auto doc = Document::Create("long", {{"abstract", 0, text}});
  ASSERT_TRUE(doc.ok());
  std::vector<Document> one = {*doc}, many = {*doc};
  ASSERT_TRUE(TagDocuments({{tokenizer_, Model(512), "v"}}, {}, &one).ok());
  auto small = Model(12);  // 10 content tokens per window
  ASSERT_TRUE(TagDocuments({{tokenizer_, small, "v"}}, {64, -1}, &many).ok());
  EXPECT_EQ(one[0].entities().size(), 80u);
  EXPECT_EQ(one[0].entities(), many[0].entities());
  EXPECT_GT(small->calls, 1);  // the 64-token budget forced several batches
}

TEST_F(TaggerTest, BatchesArePlannedByLengthFromTheLongestWindow) {
  // Windows of 4, 5, 5 and 10 tokens ([CLS] and [SEP] included), in four documents.
  std::vector<Document> docs;
  for (const char* text : {"breast cancer", "a breast cancer", "the breast cancer",
                           "breast cancer and colitis in patients"}) {
    auto doc = Document::Create(text, {{"abstract", 0, text}});
    ASSERT_TRUE(doc.ok());
    docs.push_back(*doc);
  }
  std::vector<size_t> lengths;
  for (const Document& d : docs) {
    auto enc = tokenizer_->Encode(d.passages()[0].text);
    ASSERT_TRUE(enc.ok());
    lengths.push_back(enc->size() + 2);
  }
  ASSERT_EQ(lengths, (std::vector<size_t>{4, 5, 5, 10}));
  auto model = Model(512);
  TagOptions options;
  options.max_batch_tokens = 20;  // 10 takes a 5 (2 x 10) and no more; then the other 5 and 4
  std::vector<Document> tagged = docs;
  ASSERT_TRUE(TagDocuments({{tokenizer_, model, "v"}}, options, &tagged).ok());
  EXPECT_EQ(model->batches, (std::vector<std::vector<size_t>>{{10, 5}, {5, 4}}));
  // The padding cap as the server applies it: no padding at all, so equal lengths only.
  model->batches.clear();
  options.max_padding_percent = 0;
  std::vector<Document> capped = docs;
  ASSERT_TRUE(TagDocuments({{tokenizer_, model, "v"}}, options, &capped).ok());
  EXPECT_EQ(model->batches, (std::vector<std::vector<size_t>>{{10}, {5, 5}, {4}}));
  for (size_t d = 0; d < docs.size(); ++d) EXPECT_EQ(tagged[d].entities(), capped[d].entities());
}

TEST_F(TaggerTest, EmptyDocumentsAndPassagesGiveNoEntities) {
  auto doc = Document::Create("e", {{"title", 0, ""}, {"abstract", 1, "   "}});
  ASSERT_TRUE(doc.ok());
  std::vector<Document> docs = {*doc};
  ASSERT_TRUE(TagDocuments({{tokenizer_, Model(512), "v"}}, {}, &docs).ok());
  EXPECT_TRUE(docs[0].entities().empty());
}

TEST_F(TaggerTest, WrongLogitShapesAreAnInternalError) {
  auto doc = Document::Create("d", {{"t", 0, "breast cancer"}});
  auto prepared = PrepareDocument(*doc, *tokenizer_, {512, -1});
  ASSERT_TRUE(prepared.ok());
  std::vector<std::vector<float>> logits(prepared->inputs.size(), std::vector<float>(2, 0.0f));
  auto e = AssembleEntities(*doc, *prepared, labels_, logits, "v");
  EXPECT_EQ(e.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(PrepareDocument(*doc, *tokenizer_, {2, -1}).ok());
}

}  // namespace
}  // namespace bioner
