#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

TEST(LinnaeusFormat, FilteredTags) {
  const std::string root = Corpus("linnaeus/manual-corpus-species-1.0");
  BIONER_SKIP_WITHOUT_SHARED(root);
  CorpusReport report;
  auto docs = Read("linnaeus", {root + "/txt", root + "/filtered_tags.tsv"}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 100u);  // ls txt | wc -l; the 98 linneaus.* split ids among them
  EXPECT_NE(FindDoc(*docs, "pmcA102792"), nullptr);
  // wc -l filtered_tags.tsv -> 2852 with the '#entity id' header; all ids "species:ncbi:N".
  // Offsets are code points: 79 of the texts are not ASCII, and byte offsets would miss
  // 2275 of the 2851 (checked in Python).
  const std::map<std::string, long> expected = {{"species", 2851}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_TRUE(report.counts.empty());
  EXPECT_EQ(TextMismatches(*docs), 0);

  auto both = Read("linnaeus", {root}, &report);  // tags.tsv and filtered_tags.tsv
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find("exactly one"), std::string::npos);
}

TEST(LinnaeusFormat, SyntheticBadInput) {
  const std::string dir = TempDir();
  const std::string txt = WriteText(dir, "txt/d1.txt", "E. coli grows");
  CorpusReport report;
  auto ok = Read("linnaeus",
                 {txt, WriteText(dir, "a.tsv",
                                 "#entity id\tdocument\tstart\tend\ttext\n"
                                 "species:ncbi:562\td1\t0\t7\tE. coli\t\n")},
                 &report);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)[0].entities().size(), 1u);

  auto unknown =
      Read("linnaeus", {txt, WriteText(dir, "b.tsv", "species:1\td9\t0\t1\tE\n")}, &report);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("b.tsv:1"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("d9"), std::string::npos);

  auto past =
      Read("linnaeus", {txt, WriteText(dir, "c.tsv", "\nspecies:1\td1\t8\t99\tx\n")}, &report);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.status().message().find("c.tsv:2"), std::string::npos) << past.status();

  auto shortline = Read("linnaeus", {txt, WriteText(dir, "d.tsv", "species:1\td1\t0\n")}, &report);
  ASSERT_FALSE(shortline.ok());
  EXPECT_NE(shortline.status().message().find("d.tsv:1"), std::string::npos);
}

}  // namespace
}  // namespace bioner
