#include "core/doc/document.h"

#include <gtest/gtest.h>

namespace bioner {
namespace {

std::vector<Passage> TwoPassages() {
  return {{"title", 0, "Naïve T cells"}, {"abstract", 14, "IL-2 induces colitis."}};
}

TEST(Document, BuildsTextWithSpaceFilledGaps) {
  auto doc = Document::Create("1", {{"title", 0, "Ab"}, {"abstract", 5, "cd"}});
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->text(), "Ab   cd");
  EXPECT_EQ(doc->length(), 7u);
}

TEST(Document, EntityOffsetsAreCodePoints) {
  auto doc = Document::Create("1", TwoPassages());
  ASSERT_TRUE(doc.ok());
  // "Naïve" has a 2-byte ï: code point offsets, not bytes.
  ASSERT_TRUE(doc->AddEntity({0, 5, "Species", ""}).ok());
  EXPECT_EQ(doc->entities()[0].text, "Naïve");
  ASSERT_TRUE(doc->AddEntity({27, 34, "Disease", "colitis"}).ok());
  EXPECT_EQ(doc->entities().size(), 2u);
}

TEST(Document, RejectsBrokenInvariants) {
  auto doc = Document::Create("9", TwoPassages());
  ASSERT_TRUE(doc.ok());
  Status s = doc->AddEntity({27, 34, "Disease", "colitis!"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("does not match"), std::string::npos);
  EXPECT_NE(s.message().find("'9'"), std::string::npos);
  EXPECT_EQ(doc->AddEntity({30, 99, "Disease", ""}).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(doc->AddEntity({5, 5, "Disease", ""}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(doc->AddEntity({1, 3, "", ""}).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(doc->entities().empty());  // nothing half-added

  auto overlap = Document::Create("2", {{"a", 0, "abc"}, {"b", 2, "x"}});
  EXPECT_EQ(overlap.status().code(), StatusCode::kInvalidArgument);
  auto bad = Document::Create("3", {{"a", 0, "ab\xFF"}});
  EXPECT_NE(bad.status().message().find("byte 2"), std::string::npos);
}

// docs/RELIABILITY.md "Aborts on huge offsets": an offset of 1e12 used to be appended as
// that many spaces (std::bad_alloc, SIGABRT). Both bounds are checked before any gap is built.
TEST(Document, RefusesOffsetsAndEndsPastTheMaximumLength) {
  auto huge = Document::Create("h", {{"text", 0, "a"}, {"text", 1000000000000, "x"}});
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(huge.status().message(),
            "document 'h': passage 1: offset 1000000000000 is past the longest document "
            "bioner reads (33554432 code points; docs/FORMATS.md)");
  EXPECT_FALSE(Document::Create("m", {{"text", SIZE_MAX, "x"}}).ok());
  EXPECT_FALSE(Document::Create("m", {{"text", kMaxDocumentLength + 1, ""}}).ok());

  auto end = Document::Create("e", {{"text", kMaxDocumentLength, "xy"}});
  ASSERT_FALSE(end.ok());
  EXPECT_NE(end.status().message().find("passage 0 ends at code point 33554434, past"),
            std::string::npos)
      << end.status();

  // Right at the bound is a (long) valid document.
  auto at_bound = Document::Create("b", {{"text", kMaxDocumentLength - 1, "x"}});
  ASSERT_TRUE(at_bound.ok()) << at_bound.status();
  EXPECT_EQ(at_bound->length(), kMaxDocumentLength);
}

TEST(Document, EmptyDocumentIsValid) {
  auto doc = Document::Create("e", {});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->length(), 0u);
}

}  // namespace
}  // namespace bioner
