#include "core/text/vocab_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/text/pretokenize.h"
#include "core/text/tokenizer.h"
#include "core/text/vocab.h"

namespace bioner::text {
namespace {

using testing::ElementsAre;
using testing::ElementsAreArray;
using testing::HasSubstr;

const std::vector<std::string> kSpecials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

VocabBuilder MakeBuilder(int vocab_size = 100, int64_t min_frequency = 1,
                         bool lowercase = false, int limit_alphabet = 1000) {
  VocabBuilderOptions options;
  options.vocab_size = vocab_size;
  options.min_frequency = min_frequency;
  options.lowercase = lowercase;
  options.limit_alphabet = limit_alphabet;
  StatusOr<VocabBuilder> b = VocabBuilder::Create(options);
  EXPECT_TRUE(b.ok()) << b.status();
  return std::move(b).value();
}

std::vector<std::string> BuildFrom(VocabBuilder& b, const std::vector<std::string>& texts) {
  for (const std::string& t : texts) {
    Status s = b.AddText(t);
    EXPECT_TRUE(s.ok()) << s;
  }
  StatusOr<std::vector<std::string>> vocab = b.Build();
  EXPECT_TRUE(vocab.ok()) << vocab.status();
  return vocab.ok() ? *vocab : std::vector<std::string>{};
}

std::vector<std::string> WithSpecials(std::vector<std::string> rest) {
  std::vector<std::string> all = kSpecials;
  all.insert(all.end(), rest.begin(), rest.end());
  return all;
}

// The texts of a test-vector file of ../shared/testvectors/tokenizer/.
std::vector<std::string> TestVectorTexts(const std::string& file) {
  const std::string path = std::string(BIONER_TEST_DATA_DIR) + "/testvectors/tokenizer/" + file;
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::vector<std::string> texts;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
  }
  return texts;
}

// Hand-computed: words ab x3, abc, bc. Alphabet a b c, then ##a ##b ##c. Pairs (a,##b) 4,
// (##b,##c) 1, (b,##c) 1. Merge "ab" (4); then (ab,##c) and (b,##c) tie at 1 and "ab" < "b"
// in byte order, so "abc" before "bc". Nothing is left after that.
TEST(VocabBuilderTest, TinyCorpusGivesHandComputedMerges) {
  VocabBuilder b = MakeBuilder();
  EXPECT_THAT(BuildFrom(b, {"ab ab ab abc bc"}),
              ElementsAreArray(WithSpecials({"a", "b", "c", "##a", "##b", "##c", "ab", "abc",
                                             "bc"})));
  EXPECT_EQ(b.words_seen(), 5);
  EXPECT_EQ(b.distinct_words(), 3);
}

TEST(VocabBuilderTest, MinFrequencyStopsAtTheFirstRarePair) {
  VocabBuilder b = MakeBuilder(/*vocab_size=*/100, /*min_frequency=*/2);
  EXPECT_THAT(BuildFrom(b, {"ab ab ab abc bc"}),
              ElementsAreArray(WithSpecials({"a", "b", "c", "##a", "##b", "##c", "ab"})));
}

// "aaaa": pairs (a,##a) 1, (##a,##a) 2. Merging (##a,##a) left to right gives a ##aa ##a (the
// overlapping occurrence is consumed, not double counted); then (##aa,##a) wins the tie over
// (a,##aa) because '#' < 'a', then a + ##aaa.
TEST(VocabBuilderTest, OverlappingPairsAreMergedLeftToRight) {
  VocabBuilder b = MakeBuilder();
  EXPECT_THAT(BuildFrom(b, {"aaaa"}),
              ElementsAreArray(WithSpecials({"a", "##a", "##aa", "##aaa", "aaaa"})));
}

TEST(VocabBuilderTest, SpecialTokensComeFirstAndPunctuationIsItsOwnWord) {
  VocabBuilder b = MakeBuilder();
  const std::vector<std::string> vocab = BuildFrom(b, {"a-b, a-b."});
  ASSERT_GE(vocab.size(), 5u);
  EXPECT_THAT(std::vector<std::string>(vocab.begin(), vocab.begin() + 5),
              ElementsAreArray(kSpecials));
  // Words are a - b , a - b . : single characters, so no merge at all.
  EXPECT_THAT(vocab, ElementsAreArray(WithSpecials({",", "-", ".", "a", "b", "##,", "##-", "##.",
                                                    "##a", "##b"})));
}

TEST(VocabBuilderTest, VocabSizeIsRespected) {
  VocabBuilder b = MakeBuilder(/*vocab_size=*/12);
  const std::vector<std::string> vocab = BuildFrom(b, {"ab ab ab abc bc"});
  EXPECT_THAT(vocab, ElementsAreArray(WithSpecials({"a", "b", "c", "##a", "##b", "##c", "ab"})));

  const std::vector<std::string> texts = TestVectorTexts("biobert-cased.jsonl");
  for (int size : {600, 2000}) {
    VocabBuilder big = MakeBuilder(size, /*min_frequency=*/1, /*lowercase=*/false,
                                   /*limit_alphabet=*/200);
    EXPECT_EQ(BuildFrom(big, texts).size(), static_cast<size_t>(size));
  }
}

TEST(VocabBuilderTest, VocabSizeTooSmallForTheAlphabetIsAnError) {
  VocabBuilder b = MakeBuilder(/*vocab_size=*/8);
  ASSERT_TRUE(b.AddText("ab ab ab abc bc").ok());
  StatusOr<std::vector<std::string>> vocab = b.Build();
  ASSERT_FALSE(vocab.ok());
  EXPECT_EQ(vocab.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(vocab.status().message(), HasSubstr("vocab_size 8"));
  EXPECT_THAT(vocab.status().message(), HasSubstr("11 entries"));
}

TEST(VocabBuilderTest, LimitAlphabetKeepsTheMostFrequentCharacters) {
  VocabBuilder b = MakeBuilder(/*vocab_size=*/100, /*min_frequency=*/1, /*lowercase=*/false,
                               /*limit_alphabet=*/2);
  // a: 4, b: 3, c: 1. "abc" becomes a ##b (c dropped), like Hugging Face's trainer.
  EXPECT_THAT(BuildFrom(b, {"ab ab abc a"}),
              ElementsAreArray(WithSpecials({"a", "b", "##a", "##b", "ab"})));
}

TEST(VocabBuilderTest, LowercaseOptionFoldsCaseAndStripsAccents) {
  const std::vector<std::string> text = {"Gène GENE gene"};
  VocabBuilder cased = MakeBuilder(/*vocab_size=*/100, /*min_frequency=*/100);
  EXPECT_THAT(BuildFrom(cased, text),
              ElementsAreArray(WithSpecials({"E", "G", "N", "e", "g", "n", "\u00e8", "##E", "##G",
                                             "##N", "##e", "##g", "##n", "##\u00e8"})));
  VocabBuilder uncased = MakeBuilder(/*vocab_size=*/100, /*min_frequency=*/1, /*lowercase=*/true);
  // Three times "gene": g ##e ##n ##e, merged into one piece.
  const std::vector<std::string> vocab = BuildFrom(uncased, text);
  EXPECT_THAT(std::vector<std::string>(vocab.begin(), vocab.begin() + 11),
              ElementsAreArray(WithSpecials({"e", "g", "n", "##e", "##g", "##n"})));
  EXPECT_EQ(vocab.back(), "gene");
  EXPECT_EQ(uncased.distinct_words(), 1);
}

TEST(VocabBuilderTest, InvalidUtf8NamesTheBytePositionAndCountsNothing) {
  VocabBuilder b = MakeBuilder();
  Status s = b.AddText("gene \xc3(");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("byte 5"));
  EXPECT_EQ(b.words_seen(), 0);
  EXPECT_EQ(b.distinct_words(), 0);
  StatusOr<std::vector<std::string>> vocab = b.Build();
  ASSERT_FALSE(vocab.ok());
  EXPECT_EQ(vocab.status().code(), StatusCode::kFailedPrecondition);
}

TEST(VocabBuilderTest, BadOptionsNameTheOption) {
  struct Case {
    VocabBuilderOptions options;
    const char* name;
  };
  std::vector<Case> cases(4);
  cases[0].options.vocab_size = 5;
  cases[0].name = "vocab_size";
  cases[1].options.min_frequency = -1;
  cases[1].name = "min_frequency";
  cases[2].options.limit_alphabet = 0;
  cases[2].name = "limit_alphabet";
  cases[3].options.max_input_chars_per_word = 0;
  cases[3].name = "max_input_chars_per_word";
  for (const Case& c : cases) {
    StatusOr<VocabBuilder> b = VocabBuilder::Create(c.options);
    ASSERT_FALSE(b.ok()) << c.name;
    EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(b.status().message(), HasSubstr(c.name));
  }
  EXPECT_TRUE(VocabBuilder::Create({}).ok());
}

TEST(VocabBuilderTest, ResultDependsOnlyOnTheWordsNotOnTheirOrder) {
  std::vector<std::string> texts = TestVectorTexts("biobert-cased.jsonl");
  texts.resize(300);
  VocabBuilder forward = MakeBuilder(/*vocab_size=*/1500, /*min_frequency=*/1);
  const std::vector<std::string> a = BuildFrom(forward, texts);
  StatusOr<std::vector<std::string>> again = forward.Build();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(a, *again);

  std::vector<std::string> reversed(texts.rbegin(), texts.rend());
  VocabBuilder backward = MakeBuilder(/*vocab_size=*/1500, /*min_frequency=*/1);
  EXPECT_EQ(a, BuildFrom(backward, reversed));

  std::string joined;
  for (const std::string& t : texts) joined += t + "\n";
  VocabBuilder one_call = MakeBuilder(/*vocab_size=*/1500, /*min_frequency=*/1);
  EXPECT_EQ(a, BuildFrom(one_call, {joined}));
  EXPECT_EQ(forward.words_seen(), one_call.words_seen());
}

TEST(VocabTxtTest, OneTokenPerTerminatedLine) {
  EXPECT_EQ(VocabTxt({"[PAD]", "a", "##b"}), "[PAD]\na\n##b\n");
  EXPECT_EQ(VocabTxt({}), "");
}

// The builder's words are the tokenizer's words: with a complete alphabet (every character
// and its ## form), every word of the training text is covered, so no [UNK] comes out, for
// the cased and the uncased pre-tokenization and the test vectors' tricky Unicode. Words
// longer than max_input_chars_per_word are [UNK] by definition; texts with one are skipped.
class VocabCoversTrainingText : public testing::TestWithParam<std::pair<const char*, bool>> {};

TEST_P(VocabCoversTrainingText, NoUnknownTokens) {
  const auto [file, lowercase] = GetParam();
  const std::vector<std::string> texts = TestVectorTexts(file);
  VocabBuilder b = MakeBuilder(/*vocab_size=*/4000, /*min_frequency=*/2, lowercase,
                               /*limit_alphabet=*/100000);
  const std::vector<std::string> tokens = BuildFrom(b, texts);
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(std::set<std::string>(tokens.begin(), tokens.end()).size(), tokens.size());

  // Through a vocab.txt on disk and Vocab::Load, as the CLI's output will be read.
  const std::string path = (std::filesystem::path(testing::TempDir()) /
                            ("vocab_builder_" + std::to_string(lowercase) + ".txt"))
                               .string();
  {
    std::ofstream out(path, std::ios::binary);
    out << VocabTxt(tokens);
  }
  StatusOr<Vocab> vocab = Vocab::Load(path);
  ASSERT_TRUE(vocab.ok()) << vocab.status();
  EXPECT_EQ(vocab->size(), static_cast<int32_t>(tokens.size()));
  EXPECT_EQ(vocab->unk_id(), 1);
  EXPECT_EQ(vocab->pad_id(), 0);
  EXPECT_EQ(vocab->mask_id(), 4);
  TokenizerOptions options;
  options.lowercase = lowercase;
  StatusOr<BertTokenizer> tokenizer = BertTokenizer::Create(std::move(vocab).value(), options);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();

  int checked = 0;
  size_t pieces = 0, words = 0;
  for (const std::string& text : texts) {
    size_t longest = 0;
    ASSERT_TRUE(PreTokenize(text, lowercase, [&](const AlignedChars&, size_t begin, size_t end) {
                  longest = std::max(longest, end - begin);
                }).ok());
    if (longest > static_cast<size_t>(options.max_input_chars_per_word)) continue;
    StatusOr<Encoding> e = tokenizer->Encode(text);
    ASSERT_TRUE(e.ok()) << e.status();
    for (size_t i = 0; i < e->size(); ++i) {
      ASSERT_NE(e->ids[i], tokenizer->vocab().unk_id()) << "token " << i << " of " << text;
    }
    pieces += e->size();
    words += e->words.size();
    ++checked;
  }
  EXPECT_GT(checked, 300);  // of 428 texts
  // The merges are used: far fewer pieces than characters (these texts average > 4 per word).
  EXPECT_LT(pieces, 2 * words);
}

INSTANTIATE_TEST_SUITE_P(TestVectors, VocabCoversTrainingText,
                         testing::Values(std::make_pair("biobert-cased.jsonl", false),
                                         std::make_pair("pubmedbert-uncased.jsonl", true)));

}  // namespace
}  // namespace bioner::text
