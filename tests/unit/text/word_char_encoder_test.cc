#include "core/text/word_char_encoder.h"

#include <gtest/gtest.h>

namespace bioner::text {
namespace {

using W = WordCharEncoder;

W Make(std::vector<std::string> words, W::Options o = {}) {
  auto e = W::Create(std::move(words), {"a", "b", "c", "d", "e", "I", "L", "-", "2", "n", "u"}, o);
  EXPECT_TRUE(e.ok()) << e.status();
  return std::move(e).value();
}

// Every word is its word token followed by one token per character, offsets in code points.
TEST(WordCharEncoder, WordTokenThenItsCharacters) {
  const W e = Make({"IL", "-", "2", "induced"});
  auto enc = e.Encode("IL-2-induced é");
  ASSERT_TRUE(enc.ok()) << enc.status();
  const int32_t words = e.num_word_ids();  // first char id is words + 1
  EXPECT_EQ(words, 8);
  ASSERT_EQ(enc->words.size(), 6u);  // IL - 2 - induced é
  EXPECT_EQ(enc->words[4], (Span{5, 12}));
  EXPECT_EQ(enc->words[5], (Span{13, 14}));
  // IL: word 4, then I (index 5 -> id 9 + 5) and L.
  EXPECT_EQ(enc->ids[0], 4);
  EXPECT_EQ(enc->ids[1], words + 1 + 5);
  EXPECT_EQ(enc->ids[2], words + 1 + 6);
  EXPECT_EQ(enc->tokens[0], "IL");
  EXPECT_EQ(enc->offsets[0], (Span{0, 2}));
  EXPECT_EQ(enc->offsets[2], (Span{1, 2}));
  // "é" is no word of the table and no character of the table: [UNK], then the unknown char.
  EXPECT_EQ(enc->ids[enc->ids.size() - 2], W::kUnk);
  EXPECT_EQ(enc->ids.back(), words);
  EXPECT_EQ(enc->offsets.back(), (Span{13, 14}));
  // A word's first token is its word token; every token knows its word.
  int32_t last_word = -1;
  for (size_t i = 0; i < enc->ids.size(); ++i) {
    if (enc->word_ids[i] != last_word) {
      EXPECT_TRUE(e.IsWordId(enc->ids[i])) << i;
      last_word = enc->word_ids[i];
    } else {
      EXPECT_FALSE(e.IsWordId(enc->ids[i])) << i;
    }
  }
  EXPECT_EQ(enc->ids.size(), 6u + 2 + 1 + 1 + 1 + 7 + 1);
}

TEST(WordCharEncoder, LowercaseFallbackOnlyWhenAsked) {
  const W on = Make({"induced"});
  EXPECT_EQ(on.WordId("Induced"), 4);
  EXPECT_EQ(on.WordId("induced"), 4);
  EXPECT_EQ(on.WordId("reduced"), W::kUnk);
  W::Options o;
  o.lowercase_fallback = false;
  const W off = Make({"induced"}, o);
  EXPECT_EQ(off.WordId("Induced"), W::kUnk);
}

TEST(WordCharEncoder, LongWordsKeepPrefixAndSuffix) {
  W::Options o;
  o.max_chars_per_word = 4;
  const W e = Make({}, o);
  auto enc = e.Encode("abcdeab");
  ASSERT_TRUE(enc.ok());
  ASSERT_EQ(enc->ids.size(), 5u);  // word + a b + a b
  EXPECT_EQ(enc->offsets[1], (Span{0, 1}));
  EXPECT_EQ(enc->offsets[2], (Span{1, 2}));
  EXPECT_EQ(enc->offsets[3], (Span{5, 6}));
  EXPECT_EQ(enc->offsets[4], (Span{6, 7}));
}

TEST(WordCharEncoder, RefusesBadTablesAndText) {
  EXPECT_FALSE(W::Create({"a", "a"}, {}, {}).ok());
  EXPECT_FALSE(W::Create({""}, {}, {}).ok());
  EXPECT_FALSE(W::Create({}, {"ab"}, {}).ok());
  EXPECT_FALSE(W::Create({}, {"a", "a"}, {}).ok());
  W::Options o;
  o.max_chars_per_word = 1;
  EXPECT_FALSE(W::Create({}, {}, o).ok());
  const W e = Make({});
  auto bad = e.Encode(std::string("a\xff", 2));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  auto empty = e.Encode("  \n ");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->ids.empty());
}

}  // namespace
}  // namespace bioner::text
