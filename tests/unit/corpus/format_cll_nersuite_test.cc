#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

TEST(CllNersuiteFormat, Corpus) {
  const std::string tgz = Corpus("cll/CLL_corpus.tar.gz");
  BIONER_SKIP_WITHOUT_SHARED(tgz);
  const std::string dir = Extract(tgz);
  ASSERT_FALSE(dir.empty());
  CorpusReport report;
  auto docs = Read("cll_nersuite", {dir + "/CLL-1.0.2/nersuite"}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 201u);  // ls nersuite | wc -l; stems = the 201 cll.* split ids
  EXPECT_NE(FindDoc(*docs, "PMC-1413994"), nullptr);
  // cut -f1 nersuite/*.nersuite | grep -c '^B-CL' -> 341 (no I-CL without its B-CL).
  const std::map<std::string, long> expected = {{"CL", 341}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_TRUE(report.counts.empty());
  EXPECT_EQ(TextMismatches(*docs), 0);
}

TEST(CllNersuiteFormat, SyntheticTextFromOffsets) {
  const std::string dir = TempDir();
  const std::string f = WriteText(dir, "PMID-1.nersuite",
                                  "O\t0\t1\tA\tA\tDT\tB-NP\n"
                                  "B-CL\t3\t6\tMCF\tMCF\tNN\tB-NP\n"
                                  "I-CL\t6\t7\t-\t-\tHYPH\tI-NP\n"
                                  "I-CL\t7\t8\t7\t7\tCD\tI-NP\n"
                                  "\n"
                                  "O\t10\t13\tend\tend\tNN\tO\n");
  CorpusReport report;
  auto docs = Read("cll_nersuite", {f}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  const Document& d = (*docs)[0];
  EXPECT_EQ(d.id(), "PMID-1");
  EXPECT_EQ(d.text(), "A  MCF-7\n end");
  ASSERT_EQ(d.entities().size(), 1u);
  EXPECT_EQ(d.entities()[0].text, "MCF-7");

  auto overlap =
      Read("cll_nersuite", {WriteText(dir, "o.nersuite", "O\t0\t3\tabc\nO\t2\t4\tcd\n")}, &report);
  ASSERT_FALSE(overlap.ok());
  EXPECT_NE(overlap.status().message().find("o.nersuite:2"), std::string::npos);

  auto length = Read("cll_nersuite", {WriteText(dir, "l.nersuite", "O\t0\t5\tabc\n")}, &report);
  ASSERT_FALSE(length.ok());
  EXPECT_NE(length.status().message().find("l.nersuite:1"), std::string::npos);

  auto fields = Read("cll_nersuite", {WriteText(dir, "f.nersuite", "O\t0\t3\n")}, &report);
  ASSERT_FALSE(fields.ok());
  EXPECT_NE(fields.status().message().find("f.nersuite:1"), std::string::npos);
}

}  // namespace
}  // namespace bioner
