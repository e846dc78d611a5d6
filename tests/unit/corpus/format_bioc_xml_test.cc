#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

constexpr char kMismatch[] = "mention text does not match the text at its offsets";
constexpr char kDropped[] = "discontinuous mention dropped (text between fragments)";

TEST(BiocXmlFormat, CdrTrainingSet) {
  const std::string f = Corpus("cdr/CDR_Data/CDR.Corpus.v010516/CDR_TrainingSet.BioC.xml");
  BIONER_SKIP_WITHOUT_SHARED(f);
  CorpusReport report;
  auto docs = Read("bioc_xml", {f}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 500u);  // grep -c '<document>'
  // grep -c '<annotation' -> 9570; 73 of them have two <location>s (awk counting locations
  // per annotation), all with other words between them (e.g. "Ocular [and auditory]
  // toxicity"): 2 Chemical + 71 Disease. One more Disease is misplaced by 2 characters (the
  // annotation HUNER's CDR_TrainingSet.BioC.xml.patch moves from 946 to 948).
  // Per type (single location): Chemical 5205, Disease 4292 - 1.
  const std::map<std::string, long> expected = {{"Chemical", 5205}, {"Disease", 4291}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_EQ(report.counts[kDropped], 73);
  EXPECT_EQ(report.counts[kMismatch], 1);
  ASSERT_EQ(report.examples[kMismatch].size(), 1u);
  EXPECT_NE(report.examples[kMismatch][0].find("'15863244' [946, 966)"), std::string::npos)
      << report.examples[kMismatch][0];
  EXPECT_EQ(TextMismatches(*docs), 0);
  const Document* d = FindDoc(*docs, "227508");
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->passages().size(), 2u);
  EXPECT_EQ(d->passages()[1].type, "abstract");
  EXPECT_EQ(d->passages()[1].offset, 60u);
}

TEST(BiocXmlFormat, VariomeWithAndWithoutRepairOptions) {
  const std::string zip = Corpus("variome/hvp_bioc.xml.zip");
  BIONER_SKIP_WITHOUT_SHARED(zip);
  const std::string dir = Extract(zip);
  ASSERT_FALSE(dir.empty());
  const std::string f = dir + "/hvp_bioc.xml";

  CorpusReport raw_report;
  auto raw = Read("bioc_xml", {f}, &raw_report);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(raw->size(), 392u);  // grep -o '<document>' | wc -l; all 392 variome_* split ids
  // grep -o '<annotation ' | wc -l -> 22988, all with one location. 478 sit behind a
  // "\uFFFD?" (a closing quote damaged into two characters, 22 times): offsets count one.
  EXPECT_EQ(raw_report.counts[kMismatch], 478);
  EXPECT_EQ(EntityCount(*raw), 22988 - 478);
  EXPECT_NE(raw->front().text().find("** IGNORE LINE **"), std::string::npos);

  CorpusReport report;
  auto docs = Read("bioc_xml", {f}, &report,
                   {{"drop_line", "** IGNORE LINE **"},
                    {"replace_from", "\xEF\xBF\xBD?"},
                    {"replace_to", "\xE2\x80\x9D"}});
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 392u);
  // grep -o '\*\* IGNORE LINE \*\*' | wc -l -> 1110 lines; no mention on them.
  EXPECT_EQ(report.counts["line removed by option drop_line"], 1110);
  EXPECT_EQ(report.counts["text replaced by option replace_from/replace_to"], 22);
  EXPECT_EQ(report.counts["mention on a line removed by option drop_line dropped"], 0);
  // Checked independently in Python (text.replace('\ufffd?', '\u201d'), then text[o:o+l] ==
  // stated text): 22985 of 22988 match; the 3 others state 'cancer' for 'Cancer'.
  EXPECT_EQ(report.counts[kMismatch], 3);
  EXPECT_EQ(EntityCount(*docs), 22985);
  EXPECT_EQ(TextMismatches(*docs), 0);
  for (const Document& d : *docs) {
    EXPECT_EQ(d.text().find("IGNORE LINE"), std::string::npos) << d.id();
  }
  const std::map<std::string, long> labels = LabelCounts(*docs);
  EXPECT_EQ(labels.at("gene"), 4613);
  EXPECT_EQ(labels.at("Living_Beings"), 182);
  EXPECT_EQ(labels.at("Disorder"), 906);
  EXPECT_EQ(labels.at("disease"), 5629);
  // The first document: three ignored lines (3 x 18 code points) precede "Conclusion".
  const Document* d = FindDoc(*docs, "2435117-06-Conclusion-p01");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->text().rfind("Conclusion", 0), 0u);
  bool found = false;
  for (const Entity& e : d->entities()) {
    if (e.text == "CTNNB1") found = e.start == 251 - 54;
  }
  EXPECT_TRUE(found);
}

TEST(BiocXmlFormat, SyntheticDropLineShiftsOffsets) {
  const std::string dir = TempDir();
  const std::string f =
      WriteText(dir, "c.xml",
                "<collection><document><id>d</id>"
                "<passage><offset>0</offset><text>SKIP\nab cd\nSKIP\nef</text>"
                "<annotation id='1'><infon key='type'>X</infon><location offset='8' length='2'/>"
                "<text>cd</text></annotation>"
                "<annotation id='2'><infon key='type'>X</infon><location offset='16' length='2'/>"
                "<text>ef</text></annotation>"
                "<annotation id='3'><infon key='type'>X</infon><location offset='0' length='4'/>"
                "<text>SKIP</text></annotation></passage>"
                "<passage><offset>20</offset><text>gh</text>"
                "<annotation id='4'><infon key='type'>Y</infon><location offset='20' length='2'/>"
                "<text>gh</text></annotation></passage></document></collection>");
  CorpusReport report;
  auto docs = Read("bioc_xml", {f}, &report, {{"drop_line", "SKIP"}});
  ASSERT_TRUE(docs.ok()) << docs.status();
  const Document& d = (*docs)[0];
  EXPECT_EQ(d.text(), "ab cd\nef  gh");
  ASSERT_EQ(d.entities().size(), 3u);
  EXPECT_EQ(d.entities()[0].start, 3u);
  EXPECT_EQ(d.entities()[1].start, 6u);
  EXPECT_EQ(d.entities()[2].start, 10u);
  EXPECT_EQ(report.counts["line removed by option drop_line"], 2);
  EXPECT_EQ(report.counts["mention on a line removed by option drop_line dropped"], 1);
}

TEST(BiocXmlFormat, SyntheticBadInput) {
  const std::string dir = TempDir();
  CorpusReport report;
  auto broken = Read("bioc_xml", {WriteText(dir, "b.xml", "<collection>\n<document>\n")}, &report);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("b.xml"), std::string::npos) << broken.status();

  auto past = Read("bioc_xml",
                   {WriteText(dir, "p.xml",
                              "<collection><document><id>d</id>\n<passage><offset>0</offset>"
                              "<text>abc</text>\n<annotation id='A'><infon key='type'>X</infon>"
                              "<location offset='2' length='5'/><text>c</text></annotation>"
                              "</passage></document></collection>")},
                   &report);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.status().message().find("p.xml:3"), std::string::npos) << past.status();
  EXPECT_NE(past.status().message().find("'A'"), std::string::npos) << past.status();

  auto noloc = Read("bioc_xml",
                    {WriteText(dir, "n.xml",
                               "<collection><document><id>d</id><passage><offset>0</offset>"
                               "<text>abc</text><annotation id='A'><infon key='type'>X</infon>"
                               "</annotation></passage></document></collection>")},
                    &report);
  EXPECT_FALSE(noloc.ok());

  auto sentence = Read("bioc_xml",
                       {WriteText(dir, "s.xml",
                                  "<collection><document><id>d</id><passage><offset>0</offset>"
                                  "\n<sentence><offset>0</offset><text>abc</text><annotation "
                                  "id='A'/></sentence></passage></document></collection>")},
                       &report);
  ASSERT_FALSE(sentence.ok());
  EXPECT_EQ(sentence.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(sentence.status().message().find("s.xml:2"), std::string::npos) << sentence.status();

  auto half = Read("bioc_xml", {WriteText(dir, "h.xml", "<collection/>")}, &report,
                   {{"replace_from", "x"}});
  EXPECT_FALSE(half.ok());
}

}  // namespace
}  // namespace bioner
