#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

constexpr char kDropped[] = "discontinuous mention dropped (text between fragments)";

TEST(PpiXmlFormat, BioInferSentenceIndices) {
  const std::string train = Corpus("bioinfer/BioInfer-train.xml");
  BIONER_SKIP_WITHOUT_SHARED(train);
  CorpusReport report;
  auto docs = Read("ppi_xml", {train, Corpus("bioinfer/BioInfer-test.xml")}, &report,
                   {{"ids", "sentence_index"}});
  ASSERT_TRUE(docs.ok()) << docs.status();
  // grep -o '<sentence ' | wc -l -> 894 + 206; ids 0..1099 = the bioinfer.* split ids.
  ASSERT_EQ(docs->size(), 1100u);
  EXPECT_EQ((*docs)[0].id(), "0");
  EXPECT_EQ((*docs)[0].text().rfind("alpha-catenin inhibits beta-catenin", 0), 0u);
  EXPECT_EQ((*docs)[894].id(), "894");  // the first test-file sentence follows the train ones
  EXPECT_EQ((*docs)[1099].id(), "1099");
  // <entity> per type (Python ElementTree), minus those whose charOffset has a ',' (122
  // discontinuous ones; none has only whitespace between its parts).
  const std::map<std::string, long> expected = {
      {"DNA_family_or_group", 3},   {"Gene", 172},           {"Gene/protein/RNA", 1189},
      {"Individual_protein", 2727}, {"Protein_complex", 18}, {"Protein_family_or_group", 190}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_EQ(report.counts[kDropped], 122);
  EXPECT_EQ(report.counts.size(), 1u);
  EXPECT_EQ(TextMismatches(*docs), 0);
}

TEST(PpiXmlFormat, IepaAndHprd50Documents) {
  const std::string iepa = Corpus("iepa/IEPA-train.xml");
  BIONER_SKIP_WITHOUT_SHARED(iepa);
  CorpusReport report;
  // IEPA entities have no type attribute and HPRD50's hold protein ids: the label option.
  auto docs =
      Read("ppi_xml", {iepa, Corpus("iepa/IEPA-test.xml")}, &report, {{"label", "protein"}});
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 200u);  // grep -o '<document ' | wc -l; = the 200 iepa.* ids
  EXPECT_NE(FindDoc(*docs, "IEPA_d12"), nullptr);
  EXPECT_EQ(EntityCount(*docs), 907 + 210);  // grep -o '<entity ' | wc -l per file
  EXPECT_TRUE(report.counts.empty());
  EXPECT_EQ(TextMismatches(*docs), 0);
  // Sentences sit at their document charOffsets (IEPA.d1.s1 starts at 0 ... ).
  for (const Document& d : *docs) {
    for (size_t i = 1; i < d.passages().size(); ++i) {
      EXPECT_GE(d.passages()[i].offset, d.passages()[i - 1].offset) << d.id();
    }
  }

  auto hprd = Read("ppi_xml", {Corpus("hprd50/HPRD50-train.xml"), Corpus("hprd50/HPRD50-test.xml")},
                   &report, {{"label", "protein"}});
  ASSERT_TRUE(hprd.ok()) << hprd.status();
  EXPECT_EQ(hprd->size(), 43u);
  EXPECT_NE(FindDoc(*hprd, "HPRD50_d0"), nullptr);
  EXPECT_EQ(EntityCount(*hprd), 320 + 85);

  auto untyped = Read("ppi_xml", {iepa}, &report);
  ASSERT_FALSE(untyped.ok());
  EXPECT_NE(untyped.status().message().find("IEPA-train.xml"), std::string::npos);
  EXPECT_NE(untyped.status().message().find("label"), std::string::npos);
}

TEST(PpiXmlFormat, SyntheticOffsets) {
  const std::string dir = TempDir();
  const std::string f = WriteText(dir, "c.xml",
                                  "<corpus source='t'>\n<document id='T.d0'>\n"
                                  "<sentence id='T.d0.s0' charOffset='0-9' text='ab cd efg'>\n"
                                  "<entity id='e0' charOffset='3-5' text='cd' type='P'/>\n"
                                  "<entity id='e1' charOffset='0-2,6-9' text='ab efg' type='P'/>\n"
                                  "</sentence>\n"
                                  "<sentence id='T.d0.s1' charOffset='10-13' text='hij'>\n"
                                  "<entity id='e2' charOffset='0-3' text='hij' type='P'/>\n"
                                  "</sentence></document></corpus>");
  CorpusReport report;
  auto docs = Read("ppi_xml", {f}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ((*docs)[0].id(), "T_d0");
  EXPECT_EQ((*docs)[0].text(), "ab cd efg hij");
  ASSERT_EQ((*docs)[0].entities().size(), 2u);
  EXPECT_EQ((*docs)[0].entities()[1].start, 10u);
  EXPECT_EQ(report.counts[kDropped], 1);

  auto bad = Read("ppi_xml",
                  {WriteText(dir, "b.xml",
                             "<corpus>\n<document id='d'>\n<sentence charOffset='0-2' text='ab'>"
                             "\n<entity id='e9' charOffset='1-x' type='P' text='b'/>"
                             "</sentence></document></corpus>")},
                  &report);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("b.xml:4"), std::string::npos) << bad.status();
  EXPECT_NE(bad.status().message().find("e9"), std::string::npos) << bad.status();

  auto ids = Read("ppi_xml", {f}, &report, {{"ids", "pmid"}});
  EXPECT_FALSE(ids.ok());
}

}  // namespace
}  // namespace bioner
