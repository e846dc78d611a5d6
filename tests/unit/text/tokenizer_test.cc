#include "core/text/tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/util/utf8.h"

namespace bioner::text {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

BertTokenizer Make(const std::string& vocab_text, bool lowercase = false, int32_t max_chars = 100) {
  StatusOr<Vocab> vocab = Vocab::Parse(vocab_text, "test-vocab.txt");
  EXPECT_TRUE(vocab.ok()) << vocab.status();
  TokenizerOptions options;
  options.lowercase = lowercase;
  options.max_input_chars_per_word = max_chars;
  StatusOr<BertTokenizer> t = BertTokenizer::Create(std::move(vocab).value(), options);
  EXPECT_TRUE(t.ok()) << t.status();
  return std::move(t).value();
}

const char kSmallVocab[] =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nun\n##aff\n##able\n-\n,\n.\nil\n##2\nthe\ngene\n"
    "a\n##a\nnaive\n##te\ncafe\n";

// Checks the invariants every Encoding must satisfy for a text of `length` code points.
void ExpectConsistent(const Encoding& e, size_t length) {
  ASSERT_EQ(e.tokens.size(), e.ids.size());
  ASSERT_EQ(e.offsets.size(), e.ids.size());
  ASSERT_EQ(e.word_ids.size(), e.ids.size());
  int32_t last_start = 0, last_word = -1;
  for (size_t i = 0; i < e.size(); ++i) {
    const auto [start, end] = e.offsets[i];
    ASSERT_LE(0, start) << "token " << i;
    ASSERT_LT(start, end) << "token " << i;
    ASSERT_LE(end, static_cast<int32_t>(length)) << "token " << i;
    ASSERT_LE(last_start, start) << "token " << i;
    last_start = start;
    const int32_t w = e.word_ids[i];
    ASSERT_TRUE(w == last_word || w == last_word + 1) << "token " << i;
    last_word = w;
    ASSERT_LT(w, static_cast<int32_t>(e.words.size()));
    ASSERT_LE(e.words[w].first, start);
    ASSERT_GE(e.words[w].second, end);
  }
  ASSERT_EQ(last_word + 1, static_cast<int32_t>(e.words.size()));
}

TEST(TokenizerTest, EmptyAndBlankTextGiveEmptyEncoding) {
  BertTokenizer t = Make(kSmallVocab);
  for (const char* text : {"", "   ", "\t\r\n", "\u200b\u00a0\u3000"}) {
    StatusOr<Encoding> e = t.Encode(text);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_TRUE(e->empty()) << text;
    EXPECT_TRUE(e->words.empty()) << text;
  }
}

TEST(TokenizerTest, InvalidUtf8NamesBytePosition) {
  BertTokenizer t = Make(kSmallVocab);
  StatusOr<Encoding> e = t.Encode("gene\xc3(");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(e.status().message(), HasSubstr("byte 4"));
}

TEST(TokenizerTest, WordPiecesAndWords) {
  BertTokenizer t = Make(kSmallVocab);
  StatusOr<Encoding> e = t.Encode("unaffable gene, the-gene");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->tokens, ElementsAre("un", "##aff", "##able", "gene", ",", "the", "-", "gene"));
  EXPECT_THAT(e->ids, ElementsAre(5, 6, 7, 14, 9, 13, 8, 14));
  EXPECT_THAT(e->offsets, ElementsAre(Span{0, 2}, Span{2, 5}, Span{5, 9}, Span{10, 14},
                                      Span{14, 15}, Span{16, 19}, Span{19, 20}, Span{20, 24}));
  EXPECT_THAT(e->word_ids, ElementsAre(0, 0, 0, 1, 2, 3, 4, 5));
  EXPECT_THAT(e->words, ElementsAre(Span{0, 9}, Span{10, 14}, Span{14, 15}, Span{16, 19},
                                    Span{19, 20}, Span{20, 24}));
}

TEST(TokenizerTest, UncoverableWordIsOneUnkOverTheWord) {
  BertTokenizer t = Make(kSmallVocab);
  // "unaffxyz": "un" and "##aff" match, then nothing does: the whole word is [UNK].
  StatusOr<Encoding> e = t.Encode("the unaffxyz.");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->tokens, ElementsAre("the", "[UNK]", "."));
  EXPECT_THAT(e->offsets, ElementsAre(Span{0, 3}, Span{4, 12}, Span{12, 13}));
}

TEST(TokenizerTest, LongWordLimitIsInCodePoints) {
  BertTokenizer t = Make(kSmallVocab);
  const std::string hundred(100, 'a');
  StatusOr<Encoding> e = t.Encode(hundred);
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->size(), 100u);
  EXPECT_EQ(e->tokens[0], "a");
  EXPECT_EQ(e->tokens[99], "##a");
  e = t.Encode(hundred + "a");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->tokens, ElementsAre("[UNK]"));
  EXPECT_THAT(e->offsets, ElementsAre(Span{0, 101}));

  BertTokenizer short_words = Make(kSmallVocab, false, 3);
  e = short_words.Encode("aaa aaaa");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->tokens, ElementsAre("a", "##a", "##a", "[UNK]"));
}

TEST(TokenizerTest, UncasedOffsetsPointIntoTheOriginalText) {
  BertTokenizer t = Make(kSmallVocab, /*lowercase=*/true);
  // 'İ' lowercases to two characters, 'ï' decomposes to two, U+0085 is removed.
  StatusOr<Encoding> e = t.Encode("\u0130L2 NA\u00CFVETE caf\u00e9\u0085,");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->tokens, ElementsAre("il", "##2", "naive", "##te", "cafe", ","));
  EXPECT_THAT(e->offsets, ElementsAre(Span{0, 2}, Span{2, 3}, Span{4, 9}, Span{9, 11}, Span{12, 16},
                                      Span{17, 18}));
}

TEST(TokenizerTest, CasedKeepsCaseAndAccents) {
  BertTokenizer t = Make(kSmallVocab, /*lowercase=*/false);
  StatusOr<Encoding> e = t.Encode("Gene caf\u00e9");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->tokens, ElementsAre("[UNK]", "[UNK]"));
}

TEST(TokenizerTest, RejectsBadOptions) {
  StatusOr<Vocab> vocab = Vocab::Parse(kSmallVocab, "v.txt");
  ASSERT_TRUE(vocab.ok());
  TokenizerOptions options;
  options.max_input_chars_per_word = 0;
  StatusOr<BertTokenizer> t = BertTokenizer::Create(*vocab, options);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("max_input_chars_per_word"));
}

// About 10 MB of text with punctuation, accents, CJK and removed characters, cased and
// uncased: completes, and every token's offsets are consistent.
TEST(TokenizerTest, TenMegabytes) {
  const std::string unit =
      "The N-terminal domain (\u0394N) of p53 binds MDM2; na\u00efve T-cells \u4e2d\u6587 "
      "express IL-2R\u03b1\u200b at 37\u00b0C.\n";
  std::string text;
  while (text.size() < (10u << 20)) text += unit;
  const size_t length = utf8::Length(text);
  for (bool lowercase : {false, true}) {
    BertTokenizer t = Make(kSmallVocab, lowercase);
    StatusOr<Encoding> e = t.Encode(text);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_GT(e->size(), length / 10);
    ExpectConsistent(*e, length);
  }
}

// A 10 MB "word" with no space must not go quadratic: it is one [UNK].
TEST(TokenizerTest, TenMegabyteWord) {
  BertTokenizer t = Make(kSmallVocab, /*lowercase=*/true);
  const std::string text(10u << 20, 'a');
  StatusOr<Encoding> e = t.Encode(text);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->tokens, ElementsAre("[UNK]"));
  EXPECT_THAT(e->offsets, ElementsAre(Span{0, static_cast<int32_t>(text.size())}));
}

TEST(TokenizerTest, SharedAcrossThreads) {
  BertTokenizer t = Make(kSmallVocab, /*lowercase=*/true);
  const std::string text = "Unaffable NA\u00cfVE gene, the-gene \u4e2d caf\u00e9. ";
  StatusOr<Encoding> want = t.Encode(text);
  ASSERT_TRUE(want.ok());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int i = 0; i < 200; ++i) {
        StatusOr<Encoding> got = t.Encode(text);
        if (!got.ok() || got->tokens != want->tokens || got->offsets != want->offsets) {
          ++mismatches[k];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_THAT(mismatches, ElementsAre(0, 0, 0, 0));
}

class ModelDirTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/bioner-tokenizer-" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(dir_);
    Write("vocab.txt", "[PAD]\n[UNK]\nGene\ngene\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& contents) {
    std::ofstream(dir_ + "/" + name) << contents;
  }
  std::string dir_;
};

TEST_F(ModelDirTest, LowercasesWhenConfigIsAbsent) {
  StatusOr<BertTokenizer> t = BertTokenizer::FromModelDir(dir_);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->options().lowercase);
  StatusOr<Encoding> e = t->Encode("GENE");
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(e->tokens, ElementsAre("gene"));
}

TEST_F(ModelDirTest, ReadsDoLowerCaseAndOverride) {
  Write("tokenizer_config.json", R"({"do_lower_case": false, "model_max_length": 512})");
  StatusOr<BertTokenizer> t = BertTokenizer::FromModelDir(dir_);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_FALSE(t->options().lowercase);
  StatusOr<Encoding> e = t->Encode("Gene");
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(e->tokens, ElementsAre("Gene"));

  t = BertTokenizer::FromModelDir(dir_, /*lowercase=*/true);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->options().lowercase);

  Write("tokenizer_config.json", R"({"do_lower_case": true})");
  t = BertTokenizer::FromModelDir(dir_, /*lowercase=*/false);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_FALSE(t->options().lowercase);
}

TEST_F(ModelDirTest, BadConfigNamesFileAndKey) {
  Write("tokenizer_config.json", "{not json");
  StatusOr<BertTokenizer> t = BertTokenizer::FromModelDir(dir_);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("tokenizer_config.json"));

  Write("tokenizer_config.json", R"({"do_lower_case": "yes"})");
  t = BertTokenizer::FromModelDir(dir_);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(t.status().message(), HasSubstr("do_lower_case"));

  Write("tokenizer_config.json", R"({"do_lower_case": true, "strip_accents": false})");
  t = BertTokenizer::FromModelDir(dir_);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kUnimplemented);
  EXPECT_THAT(t.status().message(), HasSubstr("strip_accents"));
}

TEST_F(ModelDirTest, MissingVocabNamesFile) {
  std::filesystem::remove(dir_ + "/vocab.txt");
  StatusOr<BertTokenizer> t = BertTokenizer::FromModelDir(dir_);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("vocab.txt"));
}

TEST(ModelDirSharedTest, RealFolders) {
  const std::string vocab_dir = std::string(BIONER_TEST_DATA_DIR) + "/testvectors/vocab/";
  StatusOr<BertTokenizer> cased = BertTokenizer::FromModelDir(vocab_dir + "bert-base-cased");
  ASSERT_TRUE(cased.ok()) << cased.status();
  EXPECT_FALSE(cased->options().lowercase);
  StatusOr<BertTokenizer> uncased = BertTokenizer::FromModelDir(vocab_dir + "bert-base-uncased");
  ASSERT_TRUE(uncased.ok()) << uncased.status();
  EXPECT_TRUE(uncased->options().lowercase);
}

}  // namespace
}  // namespace bioner::text
