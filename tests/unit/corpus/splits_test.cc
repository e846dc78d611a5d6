#include "core/corpus/splits.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/support/shared_data.h"

namespace bioner {
namespace {

const std::string kSplits = test_support::SharedPath("corpora/huner_splits");

TEST(Splits, ParseStripsCarriageReturnsAndBlankLines) {
  EXPECT_EQ(ParseSplitIds("\r\na\r\nb\r\n"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ParseSplitIds("a\nb"), (std::vector<std::string>{"a", "b"}));  // no final newline
  EXPECT_EQ(ParseSplitIds("a\n\n \nb \n"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(ParseSplitIds("").empty());
}

TEST(Splits, RealSplitFiles) {
  BIONER_SKIP_WITHOUT_SHARED(kSplits);
  // ncbi.* : 789 ids in all (SOURCES.md); bioinfer.train starts with a CRLF blank line.
  auto ncbi = ReadSplitFamily(kSplits, "ncbi");
  ASSERT_TRUE(ncbi.ok()) << ncbi.status();
  size_t total = 0;
  for (const auto& [split, ids] : ncbi->ids) {
    total += ids.size();
    for (const std::string& id : ids) {
      EXPECT_EQ(id.find('\r'), std::string::npos);
      EXPECT_FALSE(id.empty());
    }
  }
  EXPECT_EQ(total, 789u);
  auto bioinfer = ReadSplitFile(kSplits + "/bioinfer.train");
  ASSERT_TRUE(bioinfer.ok());
  EXPECT_EQ(bioinfer->front(), "0");
}

TEST(Splits, MissingSplitFileNamesTheFamily) {
  auto r = ReadSplitFamily(kSplits, "no_such_corpus");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("no_such_corpus.train"), std::string::npos);
}

TEST(Splits, AssignReportsEveryProblem) {
  SplitFamily f{"fam", {{"train", {"a", "b", "ghost", "a"}}, {"dev", {"c"}}, {"test", {"b"}}}};
  CorpusReport report;
  SplitAssignment s = AssignSplits({"a", "b", "c", "orphan"}, f, &report);
  EXPECT_EQ(s.docs["train"], (std::vector<size_t>{0, 1}));
  EXPECT_EQ(s.docs["dev"], (std::vector<size_t>{2}));
  EXPECT_EQ(s.docs["test"], (std::vector<size_t>{1}));
  EXPECT_EQ(s.missing["train"], 1);
  EXPECT_EQ(report.counts["split id missing from corpus (train)"], 1);
  EXPECT_EQ(report.examples["split id missing from corpus (train)"],
            (std::vector<std::string>{"fam:ghost"}));
  EXPECT_EQ(report.counts["split id listed twice (train)"], 1);
  EXPECT_EQ(report.counts["document in more than one split"], 1);
  EXPECT_EQ(report.counts["document in no split"], 1);
  EXPECT_EQ(report.examples["document in no split"], (std::vector<std::string>{"fam:orphan"}));
}

TEST(Splits, KeyRules) {
  const std::vector<std::string> ids = {"IEPA.d1", "x-train", "x-test"};
  EXPECT_EQ(SplitKeys(ids, SplitIdRule::kAsIs), ids);
  EXPECT_EQ(SplitKeys(ids, SplitIdRule::kDotToUnderscore)[0], "IEPA_d1");
  EXPECT_EQ(SplitKeys(ids, SplitIdRule::kSequence), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(SplitKeys(ids, SplitIdRule::kMirnaTrainTest),
            (std::vector<std::string>{"IEPA.d1", "x", "x"}));
  // miRNA: one split id names both the train and the test copy.
  SplitFamily f{"miRNA", {{"train", {"x"}}, {"dev", {}}, {"test", {}}}};
  CorpusReport report;
  auto s = AssignSplits(SplitKeys({"x-train", "x-test"}, SplitIdRule::kMirnaTrainTest), f, &report);
  EXPECT_EQ(s.docs["train"], (std::vector<size_t>{0, 1}));
  EXPECT_TRUE(report.counts.empty());
}

}  // namespace
}  // namespace bioner
