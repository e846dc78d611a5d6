#include "core/text/normalize.h"

#include <gtest/gtest.h>

#include "core/text/unicode.h"

namespace bioner::text {
namespace {

AlignedChars FromText(const std::u32string& s) {
  AlignedChars a;
  for (size_t i = 0; i < s.size(); ++i) a.push_back(s[i], static_cast<int32_t>(i));
  return a;
}

TEST(UnicodeTest, RemovedControls) {
  EXPECT_TRUE(IsRemovedControl(0));
  EXPECT_TRUE(IsRemovedControl(0xFFFD));
  EXPECT_TRUE(IsRemovedControl(0x07));    // Cc
  EXPECT_TRUE(IsRemovedControl(0x85));    // NEL: Cc, though White_Space
  EXPECT_TRUE(IsRemovedControl(0x0B));    // VT: Cc, though White_Space
  EXPECT_TRUE(IsRemovedControl(0x200B));  // Cf
  EXPECT_TRUE(IsRemovedControl(0xFEFF));  // Cf (BOM)
  EXPECT_TRUE(IsRemovedControl(0xE000));  // Co
  EXPECT_TRUE(IsRemovedControl(0x0378));  // Cn
  EXPECT_FALSE(IsRemovedControl('\t'));
  EXPECT_FALSE(IsRemovedControl('\n'));
  EXPECT_FALSE(IsRemovedControl('\r'));
  EXPECT_FALSE(IsRemovedControl('a'));
  EXPECT_FALSE(IsRemovedControl(0x2028));  // Zl
}

TEST(UnicodeTest, Whitespace) {
  for (char32_t c : {U' ', U'\t', U'\n', U'\r', U'\u00A0', U'\u2009', U'\u2028', U'\u2029',
                     U'\u202F', U'\u205F', U'\u3000'}) {
    EXPECT_TRUE(IsWhitespace(c)) << std::hex << static_cast<uint32_t>(c);
  }
  EXPECT_FALSE(IsWhitespace('a'));
  EXPECT_FALSE(IsWhitespace(0x200B));  // zero width space is Cf, not White_Space
}

TEST(UnicodeTest, Punctuation) {
  for (char32_t c : {U'$', U'+', U'^', U'`', U'~', U'-', U'(', U'\u2014', U'\u2019', U'\u00BF'}) {
    EXPECT_TRUE(IsPunctuation(c)) << std::hex << static_cast<uint32_t>(c);
  }
  for (char32_t c : {U'a', U'Z', U'0', U' ', U'\u03B1', U'\u00B1', U'\U0001F9EC'}) {
    EXPECT_FALSE(IsPunctuation(c)) << std::hex << static_cast<uint32_t>(c);
  }
}

TEST(UnicodeTest, CjkAndMarks) {
  EXPECT_TRUE(IsCjkIdeograph(0x4E2D));
  EXPECT_TRUE(IsCjkIdeograph(0x20000));
  EXPECT_TRUE(IsCjkIdeograph(0xF900));
  EXPECT_FALSE(IsCjkIdeograph(0xAC00));  // Hangul
  EXPECT_FALSE(IsCjkIdeograph(0x30AB));  // Katakana
  EXPECT_TRUE(IsNonspacingMark(0x0301));
  EXPECT_FALSE(IsNonspacingMark(0x0903));  // Mc
  EXPECT_FALSE(IsNonspacingMark('a'));
}

TEST(NormalizeTest, LowercaseKeepsOriginOfExpandedCharacter) {
  AlignedChars out;
  Lowercase(FromText(U"\u0130x"), &out);  // 'İ' -> 'i' + U+0307
  EXPECT_EQ(out.chars, U"i\u0307x");
  EXPECT_EQ(out.origin, (std::vector<int32_t>{0, 0, 1}));
}

TEST(NormalizeTest, LowercaseFinalSigmaLikePython) {
  AlignedChars out;
  Lowercase(FromText(U"\u039F\u0394\u039F\u03A3."), &out);  // "ΟΔΟΣ." -> "οδος."
  EXPECT_EQ(out.chars, U"\u03BF\u03B4\u03BF\u03C2.");
  Lowercase(FromText(U"\u03A3\u0391"), &out);  // "ΣΑ" -> "σα"
  EXPECT_EQ(out.chars, U"\u03C3\u03B1");
}

TEST(NormalizeTest, LowercaseSupplementaryAndAscii) {
  AlignedChars out;
  Lowercase(FromText(U"AB\U00010400c"), &out);  // Deseret capital long I -> small
  EXPECT_EQ(out.chars, U"ab\U00010428c");
  EXPECT_EQ(out.origin, (std::vector<int32_t>{0, 1, 2, 3}));
  Lowercase(FromText(U"MiXeD"), &out);
  EXPECT_EQ(out.chars, U"mixed");
}

TEST(NormalizeTest, StripsAccentsKeepingOrigins) {
  AlignedChars out;
  DecomposeAndStripMarks(FromText(U"na\u00EFve e\u0301"), &out);
  EXPECT_EQ(out.chars, U"naive e");
  EXPECT_EQ(out.origin, (std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6}));
}

TEST(NormalizeTest, HangulDecomposesToJamo) {
  AlignedChars out;
  DecomposeAndStripMarks(FromText(U"\uD55C"), &out);  // 한
  EXPECT_EQ(out.chars, U"\u1112\u1161\u11AB");
  EXPECT_EQ(out.origin, (std::vector<int32_t>{0, 0, 0}));
}

TEST(NormalizeTest, CanonicalReorderingMovesOrigins) {
  // U+1D16D (Mc, class 226) before U+1D165 (Mc, class 216): NFD swaps them; neither is Mn.
  AlignedChars out;
  DecomposeAndStripMarks(FromText(U"x\U0001D16D\U0001D165"), &out);
  EXPECT_EQ(out.chars, U"x\U0001D165\U0001D16D");
  EXPECT_EQ(out.origin, (std::vector<int32_t>{0, 2, 1}));
}

}  // namespace
}  // namespace bioner::text
