#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

constexpr char kMismatch[] = "mention text does not match the text at its offsets";

TEST(PubtatorFormat, CdrTrainingSet) {
  const std::string f = Corpus("cdr/CDR_Data/CDR.Corpus.v010516/CDR_TrainingSet.PubTator.txt");
  BIONER_SKIP_WITHOUT_SHARED(f);
  CorpusReport report;
  auto docs = Read("pubtator", {f}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  // grep -c '|t|' FILE -> 500
  EXPECT_EQ(docs->size(), 500u);
  // awk -F'\t' 'NF>=6 && $2!="CID"{print $5}' FILE | sort | uniq -c
  //   -> 5203 Chemical, 4182 Disease (relation lines skipped, all offsets match)
  const std::map<std::string, long> expected = {{"Chemical", 5203}, {"Disease", 4182}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_TRUE(report.counts.empty());
  EXPECT_EQ(TextMismatches(*docs), 0);
  const Document* d = FindDoc(*docs, "227508");
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->passages().size(), 2u);
  EXPECT_EQ(d->passages()[1].offset, d->passages()[0].text.size() + 1);
  EXPECT_EQ(d->entities()[0].text, "Naloxone");
}

TEST(PubtatorFormat, NcbiDiseaseTrainingSet) {
  const std::string f = Corpus("ncbi_disease/NCBItrainset_corpus.txt");
  BIONER_SKIP_WITHOUT_SHARED(f);
  CorpusReport report;
  auto docs = Read("pubtator", {f}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  // grep -c '|t|' -> 593 documents, PMID 8528200 twice (SOURCES.md): 592 kept.
  EXPECT_EQ(docs->size(), 592u);
  EXPECT_EQ(report.counts["duplicate document id: later copy dropped"], 1);
  // awk -F'\t' 'NF>=6' -> 5145 mention lines; minus the 11 of the second 8528200 copy (lines
  // 4559-4569) and line 3249, whose stated text has two trailing spaces (the line HUNER's
  // NCBItrainset_corpus.patch rewrites): 5133.
  EXPECT_EQ(report.counts[kMismatch], 1);
  ASSERT_EQ(report.examples[kMismatch].size(), 1u);
  EXPECT_NE(report.examples[kMismatch][0].find("NCBItrainset_corpus.txt:3249"), std::string::npos);
  EXPECT_EQ(EntityCount(*docs), 5133);
  EXPECT_EQ(TextMismatches(*docs), 0);
}

TEST(PubtatorFormat, NcbiDiseaseDevelopSetLabels) {
  const std::string f = Corpus("ncbi_disease/NCBIdevelopset_corpus.txt");
  BIONER_SKIP_WITHOUT_SHARED(f);
  CorpusReport report;
  auto docs = Read("pubtator", {f}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 100u);
  // awk -F'\t' 'NF>=6{print $5}' FILE | sort | uniq -c
  const std::map<std::string, long> expected = {
      {"CompositeMention", 35}, {"DiseaseClass", 126}, {"Modifier", 214}, {"SpecificDisease", 412}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_TRUE(report.counts.empty());
}

TEST(PubtatorFormat, SyntheticBadInput) {
  const std::string dir = TempDir();
  CorpusReport report;
  auto past = Read(
      "pubtator", {WriteText(dir, "past.txt", "1|t|Title\n1|a|Abstract.\n1\t6\t40\tAbstract\tX\n")},
      &report);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.status().message().find("past.txt:3"), std::string::npos) << past.status();

  auto fields = Read("pubtator", {WriteText(dir, "f.txt", "1|t|T\n1|a|A\n1\t0\t1\tT\n")}, &report);
  ASSERT_FALSE(fields.ok());
  EXPECT_NE(fields.status().message().find("f.txt:3"), std::string::npos) << fields.status();

  auto other =
      Read("pubtator", {WriteText(dir, "o.txt", "1|t|T\n1|a|A\n2\t0\t1\tT\tX\n")}, &report);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("o.txt:3"), std::string::npos) << other.status();

  auto noabs = Read("pubtator", {WriteText(dir, "n.txt", "1|t|T\n\n")}, &report);
  ASSERT_FALSE(noabs.ok());
  EXPECT_NE(noabs.status().message().find("n.txt:1"), std::string::npos) << noabs.status();

  // A title without an id once dropped its document and lent its abstract to the next one.
  auto noid = Read("pubtator", {WriteText(dir, "i.txt", "|t|T\n|a|A\n\n5|t|Five\n")}, &report);
  ASSERT_FALSE(noid.ok());
  EXPECT_NE(noid.status().message().find("i.txt:1: '|t|' or '|a|' line without a document id"),
            std::string::npos)
      << noid.status();

  auto ok = Read("pubtator",
                 {WriteText(dir, "ok.txt", "7|t|Tü\n7|a|Ab c\n7\t3\t5\tAb\tX\n7\tCID\tD1\tD2\n")},
                 &report);
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ((*ok)[0].entities().size(), 1u);
  EXPECT_EQ((*ok)[0].entities()[0].text, "Ab");  // code points: "Tü" is 2, abstract at 3
}

}  // namespace
}  // namespace bioner
