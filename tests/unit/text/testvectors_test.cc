// Reproduces every line of the reference tokenizer outputs in
// ../shared/testvectors/tokenizer/ (Hugging Face BertTokenizerFast semantics).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/text/tokenizer.h"
#include "core/util/utf8.h"

namespace bioner::text {
namespace {

struct VectorFile {
  const char* jsonl;
  const char* vocab;
  bool lowercase;
};

std::string Show(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }
std::string Show(const std::vector<int32_t>& v) { return nlohmann::json(v).dump(); }
std::string Show(const std::vector<Span>& v) { return nlohmann::json(v).dump(); }

class TestVectors : public testing::TestWithParam<VectorFile> {};

TEST_P(TestVectors, EveryLineMatches) {
  const VectorFile& file = GetParam();
  const std::string dir = std::string(BIONER_TEST_DATA_DIR) + "/testvectors/";
  StatusOr<Vocab> vocab = Vocab::Load(dir + file.vocab);
  ASSERT_TRUE(vocab.ok()) << vocab.status();
  TokenizerOptions options;
  options.lowercase = file.lowercase;
  StatusOr<BertTokenizer> tokenizer = BertTokenizer::Create(*vocab, options);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();

  std::ifstream in(dir + file.jsonl);
  ASSERT_TRUE(in) << "cannot open " << dir + file.jsonl;
  std::string line;
  int line_no = 0, checked = 0, with_offsets = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const nlohmann::json want = nlohmann::json::parse(line);
    const std::string text = want.at("text").get<std::string>();
    const std::string where = std::string(file.jsonl) + " line " + std::to_string(line_no) +
                              " text " + nlohmann::json(text).dump();
    ASSERT_EQ(want.at("lowercase").get<bool>(), file.lowercase) << where;
    StatusOr<Encoding> got = tokenizer->Encode(text);
    if (!got.ok()) {
      ADD_FAILURE() << where << ": " << got.status();
      continue;
    }
    ++checked;
    const auto tokens = want.at("tokens").get<std::vector<std::string>>();
    const auto ids = want.at("ids").get<std::vector<int32_t>>();
    EXPECT_EQ(got->tokens, tokens)
        << where << "\n got " << Show(got->tokens) << "\nwant " << Show(tokens);
    EXPECT_EQ(got->ids, ids) << where << "\n got " << Show(got->ids) << "\nwant " << Show(ids);
    if (want.contains("offsets")) {
      ++with_offsets;
      const auto offsets = want.at("offsets").get<std::vector<Span>>();
      EXPECT_EQ(got->offsets, offsets)
          << where << "\n got " << Show(got->offsets) << "\nwant " << Show(offsets);
    }
  }
  EXPECT_GT(checked, 400) << "too few lines read from " << file.jsonl;
  EXPECT_GT(with_offsets, 400);
}

INSTANTIATE_TEST_SUITE_P(
    Files, TestVectors,
    testing::Values(VectorFile{"tokenizer/biobert-cased.jsonl", "vocab/biobert-v1.1/vocab.txt",
                               false},
                    VectorFile{"tokenizer/pubmedbert-uncased.jsonl",
                               "vocab/pubmedbert-base-uncased-abstract-fulltext/vocab.txt", true}),
    [](const testing::TestParamInfo<VectorFile>& info) {
      return std::string(info.param.lowercase ? "PubMedBertUncased" : "BioBertCased");
    });

}  // namespace
}  // namespace bioner::text
