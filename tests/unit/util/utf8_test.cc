#include "core/util/utf8.h"

#include <gtest/gtest.h>

namespace bioner::utf8 {
namespace {

TEST(Utf8, ValidatesWellFormedText) {
  EXPECT_TRUE(Validate("plain ascii").ok());
  EXPECT_TRUE(Validate("IL-2Rα 中文 \xF0\x9F\x98\x80").ok());
}

TEST(Utf8, RejectsMalformedSequencesWithBytePosition) {
  struct Case { std::string text; size_t pos; };
  const Case cases[] = {
      {"ab\xFF", 2},              // invalid lead byte
      {"a\xC3", 1},               // truncated
      {"\xC0\xAF", 0},            // overlong
      {"xx\xED\xA0\x80", 2},      // surrogate
      {"\xF4\x90\x80\x80", 0},    // > U+10FFFF
      {"ok\xE2\x82", 2},          // truncated 3-byte
  };
  for (const Case& c : cases) {
    Status s = Validate(c.text, "doc 7");
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), "doc 7: invalid UTF-8 at byte " + std::to_string(c.pos));
  }
}

TEST(Utf8, DecodeEncodeRoundTrip) {
  const std::string text = "aé中\xF0\x9F\x98\x80";
  std::vector<char32_t> cps = Decode(text);
  ASSERT_EQ(cps.size(), 4u);
  EXPECT_EQ(cps[1], U'é');
  EXPECT_EQ(cps[2], U'中');
  EXPECT_EQ(cps[3], char32_t{0x1F600});
  EXPECT_EQ(Encode(cps), text);
  EXPECT_EQ(Length(text), 4u);
}

TEST(Utf8, CodePointOffsetsAndSubstr) {
  const std::string text = "αβc";
  std::vector<size_t> at = CodePointByteOffsets(text);
  EXPECT_EQ(at, (std::vector<size_t>{0, 2, 4, 5}));
  EXPECT_EQ(*Substr(text, 1, 3), "βc");
  EXPECT_EQ(Substr(text, 2, 4).status().code(), StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace bioner::utf8
