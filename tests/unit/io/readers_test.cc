// The article readers (PubMed XML, JATS, BioC JSON, plain text) on the real samples in
// ../shared/samples, through FindFormat as bioner-client uses them.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "core/corpus/format.h"
#include "core/corpus/formats/readers.h"
#include "core/util/utf8.h"

namespace bioner {
namespace {

const std::string kSamples = std::string(BIONER_TEST_DATA_DIR) + "/samples/";

StatusOr<std::vector<Document>> Read(const std::string& format, const std::string& file,
                                     CorpusReport* report) {
  FormatReader r = FindFormat(format);
  if (r == nullptr) return NotFound(format);
  FormatInput in;
  in.corpus = "test";
  in.files = {file};
  return r(in, report);
}

std::string TempFile(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

const Document* Find(const std::vector<Document>& docs, const std::string& id) {
  for (const Document& d : docs) {
    if (d.id() == id) return &d;
  }
  return nullptr;
}

TEST(PubmedXml, BaselineExcerpt) {
  CorpusReport report;
  auto docs = Read("pubmed_xml", kSamples + "pubmed_xml/pubmed26n1334.xml.gz", &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  // 30 citations; PMID 41605226 has an empty <ArticleTitle/> and no abstract.
  EXPECT_EQ(docs->size(), 29u);
  EXPECT_EQ(report.counts["citation without title or abstract skipped"], 1);
  EXPECT_EQ(Find(*docs, "41605226"), nullptr);
  const Document* d = Find(*docs, "41576520");
  ASSERT_NE(d, nullptr);
  ASSERT_GE(d->passages().size(), 1u);
  EXPECT_EQ(d->passages()[0].type, "title");
  EXPECT_EQ(d->passages()[0].text.rfind("The Relationship of Serum Uric Acid With Neurocognitive "
                                        "Functions in Children and Adolescents With M", 0), 0u);
}

TEST(PubmedXml, UpdateFileWithDeleteCitation) {
  CorpusReport report;
  auto docs = Read("pubmed_xml", kSamples + "pubmed_xml/pubmed26n1335.xml.gz", &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 30u);
  EXPECT_EQ(report.counts[formats::kPubmedDeleteCitation], 6);
  const Document* d = Find(*docs, "26228458");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->passages()[0].text,
            "Obesity risk in rural, urban and rural-to-urban migrants: prospective results of "
            "the PERU MIGRANT study.");
  ASSERT_EQ(d->passages().size(), 2u);
  EXPECT_EQ(d->passages()[1].type, "abstract");
  // The four labelled AbstractText parts are joined by one space.
  EXPECT_EQ(d->passages()[1].text.rfind("Although migration and urbanization", 0), 0u);
  EXPECT_NE(d->passages()[1].text.find("lacking. We estimated"), std::string::npos);
  EXPECT_NE(d->passages()[1].text.find("(IR top versus bottom tertile 1.45, 95% CI=1.03-2.06). "
                                       "Peruvian urban"), std::string::npos);
  EXPECT_EQ(d->passages()[1].offset, utf8::Length(d->passages()[0].text) + 1);
}

TEST(PubmedXml, LegacyMedlineCitationSet) {
  CorpusReport report;
  auto docs = Read("pubmed_xml", kSamples + "pubmed_xml/medline16n0902.xml.gz", &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 604u);
  EXPECT_EQ(report.counts[formats::kPubmedDeleteCitation], 1);
  ASSERT_EQ(report.examples[formats::kPubmedDeleteCitation].size(), 1u);
  EXPECT_NE(report.examples[formats::kPubmedDeleteCitation][0].find("26432306"),
            std::string::npos);
  EXPECT_EQ((*docs)[0].id(), "17942999");
  EXPECT_EQ((*docs)[0].passages()[0].text,
            "Neuroplasticity in the processing of pitch dimensions: a multidimensional scaling "
            "analysis of the mismatch negativity.");
}

TEST(PubmedXml, BadInputIsAnErrorNamingTheFile) {
  CorpusReport report;
  const std::string broken = TempFile("broken.xml", "<PubmedArticleSet><PubmedArticle>");
  auto docs = Read("pubmed_xml", broken, &report);
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("broken.xml"), std::string::npos);
  const std::string other = TempFile("other.xml", "<collection/>");
  docs = Read("pubmed_xml", other, &report);
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("<collection>"), std::string::npos);
  const std::string no_pmid = TempFile(
      "nopmid.xml", "<PubmedArticleSet><PubmedArticle><MedlineCitation><Article>"
                    "<ArticleTitle>x</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
                    "</PubmedArticleSet>");
  docs = Read("pubmed_xml", no_pmid, &report);
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("PMID"), std::string::npos);
  const std::string gz = TempFile("trunc.xml.gz", std::string("\x1f\x8b\x08\x00garbage", 12));
  docs = Read("pubmed_xml", gz, &report);
  EXPECT_FALSE(docs.ok());
}

TEST(Jats, FourArticles) {
  const std::map<std::string, std::string> titles = {
      {"1471-2180-11-174.nxml",
       "Factors influencing lysis time stochasticity in bacteriophage \xce\xbb"},
      {"pntd.0002065.nxml",
       "Serological Evidence of Rift Valley Fever Virus Circulation in Sheep and Goats in "
       "Zamb\xc3\xa9zia Province, Mozambique"}};
  const std::map<std::string, std::string> ids = {{"1471-2180-11-174.nxml", "PMC3166277"},
                                                  {"ehp-116-1694.nxml", "PMC2599765"},
                                                  {"pntd.0002065.nxml", "PMC3585041"},
                                                  {"pone.0046493.nxml", "PMC3460867"}};
  for (const auto& [file, id] : ids) {
    CorpusReport report;
    auto docs = Read("jats", kSamples + "pmc_oa_jats/" + file, &report);
    ASSERT_TRUE(docs.ok()) << docs.status();
    ASSERT_EQ(docs->size(), 1u) << file;
    const Document& d = (*docs)[0];
    EXPECT_EQ(d.id(), id);
    ASSERT_GT(d.passages().size(), 10u) << file;  // title, abstract and body paragraphs
    EXPECT_EQ(d.passages()[0].type, "title");
    EXPECT_EQ(d.passages()[1].type, "abstract");
    EXPECT_EQ(d.passages().back().type, "paragraph");
    if (titles.count(file)) {
      EXPECT_EQ(d.passages()[0].text, titles.at(file));
    }
    for (const Passage& p : d.passages()) {
      EXPECT_FALSE(p.text.empty());
      EXPECT_EQ(p.text.find('\n'), std::string::npos);  // whitespace collapsed
    }
  }
}

TEST(Jats, NotAnArticle) {
  CorpusReport report;
  auto docs = Read("jats", TempFile("x.nxml", "<collection/>"), &report);
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("x.nxml"), std::string::npos);
}

TEST(BiocJson, SameAsBiocXmlOnBioRed) {
  CorpusReport rj, rx;
  auto json = Read("bioc_json", kSamples + "bioc_pubtator_biored/Dev.BioC.JSON", &rj);
  // The BioC XML reader knows lower-case ".xml" names only.
  std::ifstream sample(kSamples + "bioc_pubtator_biored/Dev.BioC.XML", std::ios::binary);
  std::ostringstream content;
  content << sample.rdbuf();
  auto xml = Read("bioc_xml", TempFile("Dev.BioC.xml", content.str()), &rx);
  ASSERT_TRUE(json.ok()) << json.status();
  ASSERT_TRUE(xml.ok()) << xml.status();
  ASSERT_EQ(json->size(), 100u);
  ASSERT_EQ(json->size(), xml->size());
  size_t entities = 0;
  for (size_t i = 0; i < json->size(); ++i) {
    EXPECT_EQ((*json)[i].id(), (*xml)[i].id());
    EXPECT_EQ((*json)[i].text(), (*xml)[i].text());
    EXPECT_EQ((*json)[i].entities(), (*xml)[i].entities()) << (*json)[i].id();
    entities += (*json)[i].entities().size();
  }
  EXPECT_GT(entities, 1000u);
  EXPECT_EQ((*json)[0].id(), "14510914");
  EXPECT_EQ((*json)[0].passages()[0].text,
            "Congenital hypothyroidism due to a new deletion in the sodium/iodide symporter "
            "protein.");
}

TEST(BiocJson, BadInput) {
  CorpusReport report;
  auto docs = Read("bioc_json", TempFile("bad.json", "{\"documents\": [{\"id\": \"1\", "
                                                    "\"passages\": [{\"offset\": -1}]}]}"),
                   &report);
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("offset"), std::string::npos);
  docs = Read("bioc_json", TempFile("trunc.json", "{\"documents\": ["), &report);
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("trunc.json"), std::string::npos);
  docs = Read("bioc_json", TempFile("nodocs.json", "[1,2]"), &report);
  EXPECT_FALSE(docs.ok());
}

TEST(PlainText, BlocksSeparatedByBlankLines) {
  CorpusReport report;
  const std::string path =
      TempFile("in.txt", "First doc line one.\nline two.\n\n  \n\nSecond na\xc3\xafve doc.\r\n\n");
  auto docs = Read("plain_text", path, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].id(), "1");
  EXPECT_EQ((*docs)[0].text(), "First doc line one.\nline two.");
  EXPECT_EQ((*docs)[1].id(), "2");
  EXPECT_EQ((*docs)[1].text(), "Second na\xc3\xafve doc.");
}

TEST(PlainText, InvalidUtf8IsRefused) {
  CorpusReport report;
  auto docs = Read("plain_text", TempFile("bad.txt", "ok\n\nbad \xff byte\n"), &report);
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("bad.txt"), std::string::npos);
}

}  // namespace
}  // namespace bioner
