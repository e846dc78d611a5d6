#include "core/train/examples.h"

#include <gtest/gtest.h>

#include "core/text/tokenizer.h"
#include "tests/unit/train/train_test_util.h"

namespace bioner::train {
namespace {

text::BertTokenizer Tokenizer() {
  auto vocab = text::Vocab::Parse(train_testing::TinyVocab(), "tiny");
  EXPECT_TRUE(vocab.ok()) << vocab.status();
  auto tok = text::BertTokenizer::Create(std::move(vocab).value(), {});
  EXPECT_TRUE(tok.ok()) << tok.status();
  return std::move(tok).value();
}

Document Doc(const std::string& text, std::vector<std::pair<size_t, size_t>> spans, const std::string& type = "Chemical") {
  std::vector<Entity> entities;
  for (auto [s, e] : spans) entities.push_back({s, e, type, "", 1.0f, ""});
  auto d = Document::Create("d", {{"text", 0, text}}, entities);
  EXPECT_TRUE(d.ok()) << d.status();
  return std::move(d).value();
}

// Label names per position ("-" for ignored).
std::vector<std::string> Names(const Example& e, const LabelSet& labels) {
  std::vector<std::string> out;
  for (int32_t l : e.labels) out.push_back(l == kIgnoreLabel ? "-" : labels.names()[l]);
  return out;
}

TEST(BuildExamples, FirstSubwordCarriesTheWordLabel) {
  const auto tok = Tokenizer();
  const LabelSet labels = LabelSet::ForTypes({"Chemical"}, LabelScheme::kBIO);
  // the kinase ##s of aspirin heparin .
  ExampleStats stats;
  auto ex = BuildExamples({Doc("the kinases of aspirin heparin .", {{4, 11}, {15, 30}})}, tok, labels, "Chemical", 32,
                          &stats);
  ASSERT_TRUE(ex.ok()) << ex.status();
  ASSERT_EQ(ex->size(), 1u);
  const Example& e = (*ex)[0];
  EXPECT_EQ(e.input_ids.front(), tok.vocab().cls_id());
  EXPECT_EQ(e.input_ids.back(), tok.vocab().sep_id());
  EXPECT_EQ(Names(e, labels),
            (std::vector<std::string>{"-", "O", "B-Chemical", "-", "O", "B-Chemical", "I-Chemical", "O", "-"}));
  EXPECT_EQ(stats.entities, 2);
  EXPECT_EQ(stats.widened, 0);
  EXPECT_EQ(stats.labelled_tokens, 6);
}

TEST(BuildExamples, Bioes) {
  const auto tok = Tokenizer();
  const LabelSet labels = LabelSet::ForTypes({"Chemical"}, LabelScheme::kBIOES);
  auto ex = BuildExamples({Doc("aspirin of heparin insulin kinase", {{0, 7}, {11, 33}})}, tok, labels, "Chemical", 32,
                          nullptr);
  ASSERT_TRUE(ex.ok()) << ex.status();
  EXPECT_EQ(Names((*ex)[0], labels), (std::vector<std::string>{"-", "S-Chemical", "O", "B-Chemical", "I-Chemical",
                                                               "E-Chemical", "-"}));
}

TEST(BuildExamples, WindowsOfLongPassages) {
  const auto tok = Tokenizer();
  const LabelSet labels = LabelSet::ForTypes({"Chemical"}, LabelScheme::kBIO);
  // 6 tokens: of the kinase ##s aspirin . ; windows of 3 content tokens overlapping by 0.
  auto ex = BuildExamples({Doc("of the kinases aspirin .", {{7, 14}, {15, 22}})}, tok, labels, "Chemical", 5, nullptr);
  ASSERT_TRUE(ex.ok()) << ex.status();
  ASSERT_EQ(ex->size(), 2u);
  EXPECT_EQ(Names((*ex)[0], labels), (std::vector<std::string>{"-", "O", "O", "B-Chemical", "-"}));
  // "##s" opens the second window: a continuation piece, ignored.
  EXPECT_EQ(Names((*ex)[1], labels), (std::vector<std::string>{"-", "-", "B-Chemical", "O", "-"}));
  for (const auto& e : *ex) EXPECT_LE(e.input_ids.size(), 5u);
}

TEST(BuildExamples, CountsWhatCannotBeRepresented) {
  const auto tok = Tokenizer();
  const LabelSet labels = LabelSet::ForTypes({"Chemical"}, LabelScheme::kBIO);
  ExampleStats stats;
  // "aspiri" ends inside a word (widened); [0, 14) overlaps it (dropped); other types ignored.
  auto ex = BuildExamples({Doc("aspirin heparin", {{0, 6}, {0, 15}}), Doc("insulin", {{0, 7}}, "Gene")}, tok, labels,
                          "Chemical", 32, &stats);
  ASSERT_TRUE(ex.ok()) << ex.status();
  EXPECT_EQ(stats.entities, 2);
  EXPECT_EQ(stats.dropped_overlapping, 1);
  EXPECT_EQ(stats.widened, 0);  // the outermost [0, 15) is kept and is word-aligned
  EXPECT_EQ(Names((*ex)[0], labels), (std::vector<std::string>{"-", "B-Chemical", "I-Chemical", "-"}));
  EXPECT_EQ(Names((*ex)[1], labels), (std::vector<std::string>{"-", "O", "-"}));

  ExampleStats s2;
  ASSERT_TRUE(BuildExamples({Doc("aspirin heparin", {{0, 6}})}, tok, labels, "Chemical", 32, &s2).ok());
  EXPECT_EQ(s2.widened, 1);
}

TEST(BuildExamples, RefusesLabelSetWithoutTheType) {
  const auto tok = Tokenizer();
  auto ex = BuildExamples({}, tok, LabelSet::ForTypes({"Gene"}, LabelScheme::kBIO), "Chemical", 32, nullptr);
  EXPECT_EQ(ex.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace bioner::train
