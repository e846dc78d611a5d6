#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

constexpr char kMismatch[] = "mention text does not match the text at its offsets";

TEST(Bc2gmFormat, TrainAndTest) {
  const std::string train = Corpus("bc2gm/train");
  BIONER_SKIP_WITHOUT_SHARED(train);
  CorpusReport report;
  // The folders hold train.in/test.in, GENE.eval, ALTGENE.eval (skipped), README, test.idmap.
  auto docs = Read("bc2gm", {train, Corpus("bc2gm/test")}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 20000u);  // wc -l train.in test.in: 15000 + 5000 = the split ids
  EXPECT_NE(FindDoc(*docs, "P00001606T0076"), nullptr);
  EXPECT_NE(FindDoc(*docs, "BC2GM000008491"), nullptr);
  EXPECT_EQ(report.counts["ALTGENE file skipped (alternative boundaries, for evaluation)"], 2);
  // wc -l GENE.eval: 18265 + 6331. One is off by one in the corpus itself: train line 1790
  // "P02196565T0000|162 187|translation upstream factor" counts the '/' before it.
  EXPECT_EQ(report.counts[kMismatch], 1);
  ASSERT_EQ(report.examples[kMismatch].size(), 1u);
  EXPECT_NE(report.examples[kMismatch][0].find("GENE.eval:1790"), std::string::npos);
  EXPECT_EQ(EntityCount(*docs), 18265 + 6331 - 1);
  EXPECT_EQ(LabelCounts(*docs).size(), 1u);
  EXPECT_EQ(TextMismatches(*docs), 0);
  const Document* d = FindDoc(*docs, "P00001606T0076");
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->entities().size(), 2u);
  EXPECT_EQ(d->entities()[0].text, "alkaline phosphatases");  // "14 33" in non-space chars
  EXPECT_EQ(d->entities()[0].start, 16u);
}

TEST(Bc2gmFormat, SyntheticBadInput) {
  const std::string dir = TempDir();
  const std::string in = WriteText(dir, "a/x.in", "S1 ab cd ef\nS2 g\n");
  CorpusReport report;
  auto ok = Read("bc2gm", {in, WriteText(dir, "a/GENE.eval", "S1|2 3|cd\nS1|0 3|ab cd\n")}, &report,
                 {{"label", "Gene"}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ((*ok)[0].entities().size(), 2u);
  EXPECT_EQ((*ok)[0].entities()[0].text, "ab cd");
  EXPECT_EQ((*ok)[0].entities()[1].text, "cd");
  EXPECT_EQ((*ok)[0].entities()[1].type, "Gene");

  auto past = Read("bc2gm", {in, WriteText(dir, "b/GENE.eval", "S2|0 0|g\nS1|5 6|f?\n")}, &report);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.status().message().find("GENE.eval:2"), std::string::npos) << past.status();

  auto unknown = Read("bc2gm", {in, WriteText(dir, "c/GENE.eval", "S9|0 0|g\n")}, &report);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("S9"), std::string::npos) << unknown.status();

  auto malformed = Read("bc2gm", {in, WriteText(dir, "d/GENE.eval", "S1 0 0 a\n")}, &report);
  ASSERT_FALSE(malformed.ok());
  EXPECT_NE(malformed.status().message().find("GENE.eval:1"), std::string::npos);

  auto nosep = Read("bc2gm", {WriteText(dir, "e/y.in", "lonely\n")}, &report);
  ASSERT_FALSE(nosep.ok());
  EXPECT_NE(nosep.status().message().find("y.in:1"), std::string::npos);
}

}  // namespace
}  // namespace bioner
