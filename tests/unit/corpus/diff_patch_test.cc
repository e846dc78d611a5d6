#include "core/corpus/diff_patch.h"

#include <gtest/gtest.h>

#include "core/corpus/fetch.h"
#include "core/util/file.h"
#include "tests/support/shared_data.h"

namespace bioner {
namespace {

const std::string kCorpora = test_support::SharedPath("corpora");

constexpr char kDiff[] =
    "--- a.txt\t2018-01-25\n+++ a.txt.patched\t2018-01-25\n"
    "@@ -2,3 +2,3 @@\n two\n-three\n+THREE\n four\n"
    "@@ -6,2 +6,3 @@\n six\n+six and a half\n seven\n";

TEST(DiffPatch, AppliesHunks) {
  auto r = ApplyUnifiedDiff("one\ntwo\nthree\nfour\nfive\nsix\nseven\n", kDiff, "a.txt");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->text, "one\ntwo\nTHREE\nfour\nfive\nsix\nsix and a half\nseven\n");
  EXPECT_EQ(r->hunks, 2);
}

TEST(DiffPatch, FindsMovedHunksAndKeepsMissingFinalNewline) {
  auto r = ApplyUnifiedDiff("zero\none\ntwo\nthree\nfour\nfive\nsix\nseven", kDiff, "a.txt");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->text, "zero\none\ntwo\nTHREE\nfour\nfive\nsix\nsix and a half\nseven");
}

TEST(DiffPatch, MismatchIsDataLossNamingTheHunk) {
  auto r = ApplyUnifiedDiff("one\ntwo\n3\nfour\nfive\nsix\nseven\n", kDiff, "variome.patch on x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("variome.patch on x: hunk 1 (line 2)"), std::string::npos)
      << r.status();
  EXPECT_FALSE(ApplyUnifiedDiff("x\n", "not a diff\n", "d").ok());
}

// HUNER's CDR patch moves one location offset of the training BioC file.
TEST(DiffPatch, HunerCdrPatchAppliesToTheMirror) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora + "/cdr");
  auto text = ReadFile(kCorpora + "/cdr/CDR_Data/CDR.Corpus.v010516/CDR_TrainingSet.BioC.xml");
  auto diff = ReadFile(kCorpora + "/huner_splits/patches/CDR_TrainingSet.BioC.xml.patch");
  ASSERT_TRUE(text.ok() && diff.ok());
  auto r = ApplyUnifiedDiff(*text, *diff, "cdr");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->text.size(), text->size());
  EXPECT_NE(r->text.find("<location offset='948' length='20' />\n<text>midline (MD) defects"),
            std::string::npos);
  EXPECT_EQ(r->text.find("<location offset='946' length='20' />\n<text>midline (MD) defects"),
            std::string::npos);
}

}  // namespace
}  // namespace bioner
