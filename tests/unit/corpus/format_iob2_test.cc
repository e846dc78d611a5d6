#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

TEST(Iob2Format, JnlpbaTestSet) {
  const std::string f = Corpus("jnlpba/Genia4ERtest/Genia4EReval2.iob2");
  BIONER_SKIP_WITHOUT_SHARED(f);
  CorpusReport report;
  auto docs = Read("iob2", {f}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  // grep -c '###MEDLINE:' -> 404 headers; 98281994 and 98282479 appear twice: 402 kept.
  EXPECT_EQ(docs->size(), 402u);
  EXPECT_EQ(report.counts["duplicate document id: later copy dropped"], 2);
  // B- tags per type outside the two repeated copies (a short Python loop over the file;
  // there is no I- tag without its B-).
  const std::map<std::string, long> expected = {
      {"DNA", 1056}, {"RNA", 118}, {"cell_line", 499}, {"cell_type", 1907}, {"protein", 5051}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_EQ(TextMismatches(*docs), 0);
  const Document& first = docs->front();  // head -8 of the file
  EXPECT_EQ(first.id(), "90092414");
  EXPECT_EQ(first.text().rfind("Number of glucocorticoid receptors in lymphocytes", 0), 0u);
  ASSERT_FALSE(first.entities().empty());
  EXPECT_EQ(first.entities()[0].text, "glucocorticoid receptors");
  EXPECT_EQ(first.entities()[0].type, "protein");
}

TEST(Iob2Format, SyntheticTextAndSpans) {
  const std::string dir = TempDir();
  const std::string f = WriteText(dir, "s.iob2",
                                  "###MEDLINE:1\n\nIL-2\tB-protein\ngene\tI-protein\nis\tO\n\n"
                                  "T\tB-cell_type\ncells\tI-cell_type\n.\tO\n\n"
                                  "###MEDLINE:2\n\nx\tI-DNA\ny\tB-DNA\nz\tI-RNA\n");
  CorpusReport report;
  auto docs = Read("iob2", {f}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 2u);
  const Document& a = (*docs)[0];
  EXPECT_EQ(a.id(), "1");
  EXPECT_EQ(a.text(), "IL-2 gene is\nT cells .");
  ASSERT_EQ(a.entities().size(), 2u);
  EXPECT_EQ(a.entities()[0].text, "IL-2 gene");
  EXPECT_EQ(a.entities()[1].text, "T cells");
  EXPECT_EQ(a.entities()[1].start, 13u);
  const Document& b = (*docs)[1];
  ASSERT_EQ(b.entities().size(), 3u);  // x, y, z: two stray I- tags start entities
  EXPECT_EQ(report.counts["I- tag without a preceding B- of its type (starts an entity)"], 2);

  auto bad = Read("iob2", {WriteText(dir, "b.iob2", "###MEDLINE:1\na\tO\nb c d\n")}, &report);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("b.iob2:3"), std::string::npos) << bad.status();
  auto tag = Read("iob2", {WriteText(dir, "t.iob2", "###MEDLINE:1\na\tX-y\n")}, &report);
  ASSERT_FALSE(tag.ok());
  EXPECT_NE(tag.status().message().find("t.iob2:2"), std::string::npos) << tag.status();
  auto stem = Read("iob2", {WriteText(dir, "plain.iob2", "a\tB-x\n")}, &report);
  ASSERT_TRUE(stem.ok()) << stem.status();
  EXPECT_EQ((*stem)[0].id(), "plain");
}

}  // namespace
}  // namespace bioner
