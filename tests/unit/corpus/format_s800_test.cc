#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

TEST(S800Format, Corpus) {
  const std::string root = Corpus("s800");
  BIONER_SKIP_WITHOUT_SHARED(root);
  CorpusReport report;
  auto docs = Read("s800", {root + "/abstracts", root + "/S800.tsv"}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 800u);  // ls abstracts | wc -l; ids speciesNNN = the s800.* split
  EXPECT_NE(FindDoc(*docs, "species001"), nullptr);
  // wc -l S800.tsv -> 3708; in Python every row matches text[start:end+1] (end inclusive),
  // none matches text[start:end]. The 7 rows with start == end (awk '$3==$4') are the
  // one-letter FMDV serotypes "O"/"A" of species211, so nothing is zero-length.
  const std::map<std::string, long> expected = {{"Species", 3708}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_TRUE(report.counts.empty());
  EXPECT_EQ(TextMismatches(*docs), 0);
  const Document* d = FindDoc(*docs, "species211");
  ASSERT_NE(d, nullptr);
  long one_letter = 0;
  for (const Entity& e : d->entities()) one_letter += e.end - e.start == 1;
  EXPECT_EQ(one_letter, 7);
}

TEST(S800Format, SyntheticInput) {
  const std::string dir = TempDir();
  const std::string txt = WriteText(dir, "abstracts/species001.txt", "Plasmodium falciparum");
  CorpusReport report;
  auto ok = Read("s800",
                 {txt, WriteText(dir, "a.tsv",
                                 "5833\tspecies001:1\t0\t20\tPlasmodium falciparum\n"
                                 "5833\tspecies001:1\t5\t4\t\n")},
                 &report, {{"label", "Taxon"}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ((*ok)[0].entities().size(), 1u);
  EXPECT_EQ((*ok)[0].entities()[0].type, "Taxon");
  EXPECT_EQ(report.counts["zero-length mention dropped"], 1);  // end = start - 1

  auto past = Read("s800", {txt, WriteText(dir, "b.tsv", "1\tspecies001:1\t0\t21\tx\n")}, &report);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.status().message().find("b.tsv:1"), std::string::npos) << past.status();

  auto reversed =
      Read("s800", {txt, WriteText(dir, "c.tsv", "1\tspecies001:1\t5\t2\tx\n")}, &report);
  ASSERT_FALSE(reversed.ok());
  EXPECT_NE(reversed.status().message().find("c.tsv:1"), std::string::npos);
}

}  // namespace
}  // namespace bioner
