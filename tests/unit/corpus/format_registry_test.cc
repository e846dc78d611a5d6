// FindFormat / FormatNames / CorpusReport, and the rules every reader shares (readers.h),
// exercised through the brat reader on small synthetic files.
#include <gtest/gtest.h>

#include "core/formats/format.h"
#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

TEST(FormatRegistry, NamesAreSortedAndAllFound) {
  const std::vector<std::string> names = FormatNames();
  const std::vector<std::string> expected = {
      "bc2gm",      "bioc_json", "bioc_xml",  "brat",    "cll_nersuite",       "iob2",
      "jats",       "linnaeus",  "osiris",    "plain_text", "ppi_xml", "pubannotation_json",
      "pubmed_xml", "pubtator",  "s800"};
  EXPECT_EQ(names, expected);
  for (const std::string& n : names) EXPECT_NE(FindFormat(n), nullptr) << n;
  EXPECT_EQ(FindFormat("conll"), nullptr);
  EXPECT_EQ(FindFormat(""), nullptr);
}

TEST(CorpusReport, AddKeepsFiveExamplesAndMergeAdds) {
  CorpusReport a, b;
  for (int i = 0; i < 7; ++i) a.Add("r", "ex" + std::to_string(i));
  a.Add("s", "");
  EXPECT_EQ(a.counts["r"], 7);
  EXPECT_EQ(a.examples["r"].size(), 5u);
  EXPECT_EQ(a.counts["s"], 1);
  EXPECT_TRUE(a.examples["s"].empty());
  b.Add("r", "other");
  b.Add("t", "x");
  a.Merge(b);
  EXPECT_EQ(a.counts["r"], 8);
  EXPECT_EQ(a.examples["r"].size(), 5u);
  EXPECT_EQ(a.counts["t"], 1);
  EXPECT_EQ(a.examples["t"], std::vector<std::string>{"x"});
}

TEST(FormatRules, DiscontinuousZeroLengthAndMismatch) {
  const std::string dir = TempDir();
  //                 0123456789012345678901234567
  WriteText(dir, "d1.txt", "Ocular and auditory toxicity\nis\nrare");
  WriteText(dir, "d1.ann",
            "T1\tDisease 0 6;20 28\tOcular toxicity\n"  // text between: dropped
            "T2\tDisease 20 28;29 31\ttoxicity is\n"    // newline between: joined
            "T3\tDisease 11 11\t\n"                     // zero length
            "T4\tDisease 11 19\tAuditory\n"             // case differs: mismatch
            "T5\tDisease 11 28\tauditory toxicity\n"    // nested in T2's span: kept
            "R1\tRel Arg1:T1 Arg2:T2\n"
            "#1\tAnnotatorNotes T1\tignored\n");
  CorpusReport report;
  auto docs = Read("brat", {dir}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 1u);
  const Document& d = (*docs)[0];
  EXPECT_EQ(d.id(), "d1");
  ASSERT_EQ(d.entities().size(), 2u);
  EXPECT_EQ(d.entities()[0].text, "auditory toxicity");
  EXPECT_EQ(d.entities()[1].text, "toxicity\nis");
  EXPECT_EQ(report.counts["discontinuous mention dropped (text between fragments)"], 1);
  EXPECT_EQ(report.counts["discontinuous mention joined (whitespace between fragments)"], 1);
  EXPECT_EQ(report.counts["zero-length mention dropped"], 1);
  EXPECT_EQ(report.counts["mention text does not match the text at its offsets"], 1);
  ASSERT_EQ(report.examples["mention text does not match the text at its offsets"].size(), 1u);
  const std::string example =
      report.examples["mention text does not match the text at its offsets"][0];
  EXPECT_NE(example.find("d1.ann:4"), std::string::npos) << example;
  EXPECT_NE(example.find("'Auditory'"), std::string::npos) << example;
}

TEST(FormatRules, OffsetsPastTheEndNameFileAndLine) {
  const std::string dir = TempDir();
  WriteText(dir, "d.txt", "short");
  WriteText(dir, "d.ann", "T1\tX 0 5\tshort\nT2\tX 3 9\trt\n");
  CorpusReport report;
  auto docs = Read("brat", {dir}, &report);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(docs.status().message().find("d.ann:2"), std::string::npos) << docs.status();
  EXPECT_NE(docs.status().message().find("past the end"), std::string::npos) << docs.status();
}

TEST(FormatRules, MalformedLineNamesFileAndLine) {
  const std::string dir = TempDir();
  WriteText(dir, "d.txt", "some text");
  WriteText(dir, "d.ann", "T1\tX 0 4\tsome\nT2\tX zero 4\tsome\n");
  CorpusReport report;
  auto docs = Read("brat", {dir}, &report);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(docs.status().message().find("d.ann:2"), std::string::npos) << docs.status();
}

TEST(FormatRules, UnknownAndMissingFilesAreErrors) {
  const std::string dir = TempDir();
  const std::string odd = WriteText(dir, "notes.csv", "a,b\n");
  CorpusReport report;
  auto unknown = Read("brat", {odd}, &report);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("notes.csv"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("unknown file"), std::string::npos);

  auto missing = Read("brat", {dir + "/nothing.txt"}, &report);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nothing.txt"), std::string::npos);

  auto none = Read("brat", {}, &report);
  EXPECT_FALSE(none.ok());

  const std::string lone = WriteText(dir, "lone.txt", "text");
  auto unpaired = Read("brat", {lone}, &report);
  ASSERT_FALSE(unpaired.ok());
  EXPECT_NE(unpaired.status().message().find("lone.txt"), std::string::npos);
}

TEST(FormatRules, UnknownOptionAndInvalidUtf8AreErrors) {
  const std::string dir = TempDir();
  WriteText(dir, "d.txt", "ok");
  WriteText(dir, "d.ann", "");
  CorpusReport report;
  auto opt = Read("brat", {dir}, &report, {{"colour", "red"}});
  ASSERT_FALSE(opt.ok());
  EXPECT_NE(opt.status().message().find("colour"), std::string::npos);

  const std::string bad = TempDir();
  WriteText(bad, "d.txt", std::string("caf\xC3", 4));
  WriteText(bad, "d.ann", "");
  auto utf = Read("brat", {bad}, &report);
  ASSERT_FALSE(utf.ok());
  EXPECT_NE(utf.status().message().find("d.txt"), std::string::npos) << utf.status();
}

TEST(FormatRules, CodePointOffsetsAndDuplicateIds) {
  const std::string a = TempDir(), b = TempDir();
  // brat offsets count code points: "β-catenin" starts at 4 although "Für " is 5 bytes.
  WriteText(a, "x.txt", "Für β-catenin");
  WriteText(a, "x.ann", "T1\tGene 4 13\tβ-catenin\n");
  WriteText(b, "x.txt", "other copy");
  WriteText(b, "x.ann", "");
  CorpusReport report;
  auto docs = Read("brat", {a, b}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 1u);
  ASSERT_EQ((*docs)[0].entities().size(), 1u);
  EXPECT_EQ((*docs)[0].entities()[0].start, 4u);
  EXPECT_EQ((*docs)[0].entities()[0].text, "β-catenin");
  EXPECT_EQ(report.counts["duplicate document id: later copy dropped"], 1);
}

TEST(FormatRules, DirectoriesSkipHiddenAndForeignFiles) {
  const std::string dir = TempDir();
  WriteText(dir, "sub/a.txt", "alpha");
  WriteText(dir, "sub/a.ann", "T1\tX 0 5\talpha\n");
  WriteText(dir, "sub/._a.txt", "\xff\xfe");  // macOS resource fork: not UTF-8, must be skipped
  WriteText(dir, "LICENSE", "free");
  CorpusReport report;
  auto docs = Read("brat", {dir}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ((*docs)[0].id(), "a");
}

}  // namespace
}  // namespace bioner
