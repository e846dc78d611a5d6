#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

TEST(BratFormat, CellFinder) {
  const std::string dir = Corpus("cellfinder/cellfinder1_brat");
  BIONER_SKIP_WITHOUT_SHARED(dir);
  CorpusReport report;
  auto docs = Read("brat", {dir}, &report);  // the folder also holds LICENSE: not listed
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 10u);  // ls *.txt | wc -l; ids = PMIDs of cellfinder_* splits
  EXPECT_NE(FindDoc(*docs, "16316465"), nullptr);
  EXPECT_EQ(docs->front().corpus(), "test");  // FormatInput.corpus, set by FindFormat's reader
  // cat *.ann | awk -F'\t' '/^T/{split($2,a," "); print a[1]}' | sort | uniq -c
  const std::map<std::string, long> expected = {{"Anatomy", 952},      {"CellComponent", 203},
                                                {"CellLine", 440},     {"CellType", 2072},
                                                {"GeneProtein", 1750}, {"Species", 481}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_TRUE(report.counts.empty());
  EXPECT_EQ(TextMismatches(*docs), 0);
}

TEST(BratFormat, JnlpbaConvertedTraining) {
  const std::string dir = Corpus("jnlpba/standoff_train_converted");
  BIONER_SKIP_WITHOUT_SHARED(dir);
  CorpusReport report;
  auto docs = Read("brat", {dir}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  // 2000 .txt/.ann pairs; ids are MEDLINE UIDs (all 1999 genia.* split ids among them) plus
  // the duplicated-id document "97218353-2".
  EXPECT_EQ(docs->size(), 2000u);
  EXPECT_NE(FindDoc(*docs, "97218353-2"), nullptr);
  // Same awk as above over standoff_train_converted/*.ann; the T lines whose span has a ';'
  // are "t(15;17)"-style text, not fragments.
  const std::map<std::string, long> expected = {
      {"DNA", 9533}, {"RNA", 951}, {"cell_line", 3830}, {"cell_type", 6718}, {"protein", 30269}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_TRUE(report.counts.empty());
  EXPECT_EQ(TextMismatches(*docs), 0);
}

TEST(BratFormat, A1FilesAndAnnotationWithoutText) {
  const std::string dir = TempDir();
  WriteText(dir, "PMID-1.txt", "IL-2 binds.");
  WriteText(dir, "PMID-1.a1", "T1\tGene_or_gene_product 0 4\tIL-2\n");
  CorpusReport report;
  auto docs = Read("brat", {dir}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ((*docs)[0].entities().size(), 1u);
  EXPECT_EQ((*docs)[0].id(), "PMID-1");

  const std::string orphan = TempDir();
  WriteText(orphan, "x.ann", "T1\tX 0 1\ta\n");
  auto bad = Read("brat", {orphan}, &report);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("x.ann"), std::string::npos) << bad.status();

  const std::string frag = TempDir();
  WriteText(frag, "f.txt", "abc");
  WriteText(frag, "f.ann", "T1\tX 0 1;2\ta\n");
  auto badfrag = Read("brat", {frag}, &report);
  ASSERT_FALSE(badfrag.ok());
  EXPECT_NE(badfrag.status().message().find("f.ann:1"), std::string::npos) << badfrag.status();
}

}  // namespace
}  // namespace bioner
