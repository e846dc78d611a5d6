#include "core/doc/jsonl.h"

#include <gtest/gtest.h>

#include <sstream>

namespace bioner {
namespace {

TEST(Jsonl, RoundTrip) {
  const std::string line =
      R"({"id":"12345","corpus":"ncbi_disease","passages":[{"type":"title","offset":0,"text":"Café ataxia"},)"
      R"({"type":"abstract","offset":12,"text":"No ataxia."}],"entities":[{"start":5,"end":11,"type":"Disease","text":"ataxia"}]})";
  auto doc = ParseDocumentJson(line, 1);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->id(), "12345");
  EXPECT_EQ(doc->corpus(), "ncbi_disease");
  EXPECT_EQ(doc->text(), "Café ataxia No ataxia.");
  auto again = ParseDocumentJson(DocumentToJson(*doc));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(DocumentToJson(*again), DocumentToJson(*doc));
  EXPECT_EQ(again->entities(), doc->entities());
}

TEST(Jsonl, PlainTextConvenienceAndNumericId) {
  auto doc = ParseDocumentJson(R"({"id": 42, "text": "BRCA1"})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->id(), "42");
  ASSERT_EQ(doc->passages().size(), 1u);
  EXPECT_EQ(doc->passages()[0].type, "text");
}

TEST(Jsonl, ErrorsNameLineDocumentAndProblem) {
  auto bad_utf8 = ParseDocumentJson("{\"id\":\"d7\",\"text\":\"ab\xFF\"}", 3);
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.status().message(), "line 3 (document 'd7'): invalid UTF-8 at byte 21");

  auto mismatch = ParseDocumentJson(
      R"({"id":"d8","text":"abc","entities":[{"start":0,"end":2,"type":"Gene","text":"xx"}]})", 4);
  EXPECT_NE(mismatch.status().message().find("line 4"), std::string::npos);
  EXPECT_NE(mismatch.status().message().find("does not match"), std::string::npos);

  EXPECT_FALSE(ParseDocumentJson("not json", 1).ok());
  EXPECT_FALSE(ParseDocumentJson(R"({"text":"no id"})", 1).ok());
  EXPECT_FALSE(ParseDocumentJson(R"({"id":"x","passages":[{"offset":-1,"text":"a"}]})", 1).ok());
  EXPECT_FALSE(ParseDocumentJson(R"({"id":"x","passages":[{"offset":1.5,"text":"a"}]})", 1).ok());
}

// docs/RELIABILITY.md "Aborts on huge offsets": refused with the file, line and field named,
// before any gap is materialised.
TEST(Jsonl, HugeOffsetIsRefusedNamingFileLineAndField) {
  std::istringstream in(
      "{\"id\":\"a\",\"text\":\"x\"}\n"
      "{\"id\":\"big\",\"passages\":[{\"type\":\"text\",\"offset\":1000000000000,\"text\":\"x\"}]}"
      "\n");
  int n = 0;
  Status s = ReadJsonl(in, "in.jsonl", [&](Document) {
    ++n;
    return Status::Ok();
  });
  EXPECT_EQ(n, 1);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "in.jsonl: line 2 (document 'big'): passages[0]: \"offset\" 1000000000000 is past "
            "the longest document bioner reads (33554432 code points; docs/FORMATS.md)");
  // A number past 2^64 is parsed as a float and refused as not an integer.
  auto past_u64 = ParseDocumentJson(
      R"({"id":"x","passages":[{"offset":100000000000000000000000,"text":"a"}]})", 1);
  EXPECT_NE(past_u64.status().message().find("\"offset\" must be a non-negative integer"),
            std::string::npos)
      << past_u64.status();
}

TEST(Jsonl, StreamStopsAtFirstErrorWithSource) {
  std::istringstream in("{\"id\":\"a\",\"text\":\"x\"}\n\n{\"id\":\"b\"}\n");
  int n = 0;
  Status s = ReadJsonl(in, "in.jsonl", [&](Document) { ++n; return Status::Ok(); });
  EXPECT_EQ(n, 1);
  EXPECT_NE(s.message().find("in.jsonl: line 3"), std::string::npos) << s;
}

}  // namespace
}  // namespace bioner
