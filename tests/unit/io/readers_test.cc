// The article readers (PubMed XML, JATS, BioC JSON, plain text, PubTator) on the real samples
// in tests/data/samples, through FindFormat as bioner-client uses them; truncated files and
// absurd offsets (docs/RELIABILITY.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "core/formats/format.h"
#include "core/formats/readers.h"
#include "core/formats/inputs.h"
#include "core/util/file.h"
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

// docs/RELIABILITY.md "Truncated PubTator accepted silently": PubTator has no closing tag,
// so a file cut inside an abstract used to read as a shorter abstract, exit code 0.
class PubtatorTruncation : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<std::string> data = ReadFile(kSamples + "bioc_pubtator_biored/Dev.PubTator");
    ASSERT_TRUE(data.ok()) << data.status();
    whole_ = std::move(data).value();
  }
  // The sample's first `bytes` bytes as a file, read as bioner-client reads it.
  StatusOr<std::vector<Document>> ReadCut(const std::string& name, size_t bytes) {
    CorpusReport report;
    return ReadInput(TempFile(name, whole_.substr(0, bytes)), "pubtator", &report);
  }
  // The 1-based line of the sample that byte `offset` lies in.
  size_t LineAt(size_t offset) const {
    return static_cast<size_t>(std::count(whole_.begin(), whole_.begin() + offset, '\n')) + 1;
  }
  std::string whole_;
};

TEST_F(PubtatorTruncation, WholeSampleReads) {
  auto docs = ReadCut("whole.pubtator", whole_.size());
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 100u);
}

TEST_F(PubtatorTruncation, SampleCutInHalfIsDataLossNamingFileAndLine) {
  const size_t half = whole_.size() / 2;
  auto docs = ReadCut("half.pubtator", half);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kDataLoss) << docs.status();
  const std::string where = "half.pubtator:" + std::to_string(LineAt(half)) + ": ";
  EXPECT_NE(docs.status().message().find(where), std::string::npos) << docs.status();
  EXPECT_NE(docs.status().message().find("truncated"), std::string::npos) << docs.status();
}

TEST_F(PubtatorTruncation, CutInsideAnAbstractLineIsDataLoss) {
  // The middle of the third document's abstract line: before the fix, 3 documents, the
  // last with half its abstract and no error.
  size_t at = 0;
  for (int i = 0; i < 3; ++i) at = whole_.find("|a|", at + 1);
  ASSERT_NE(at, std::string::npos);
  const size_t cut = at + (whole_.find('\n', at) - at) / 2;
  auto docs = ReadCut("abstract.pubtator", cut);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(docs.status().message().find("abstract.pubtator:" + std::to_string(LineAt(at))),
            std::string::npos)
      << docs.status();
}

TEST_F(PubtatorTruncation, CutInsideAnAnnotationLineOrAUtf8CharacterIsDataLoss) {
  const size_t ann = whole_.find("\t", whole_.find("|a|"));  // the first annotation line
  const size_t line_start = whole_.rfind('\n', ann) + 1;
  auto docs = ReadCut("annotation.pubtator", line_start + 10);  // "14510914\t6" and less
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kDataLoss) << docs.status();
  // Cut after the first byte of a 2-byte character: still DATA_LOSS, not an encoding error.
  const std::string cut = "1|t|Na\xc3\xafve\n1|a|Na\xc3";
  CorpusReport report;
  auto utf8_cut = ReadInput(TempFile("utf8.pubtator", cut), "pubtator", &report);
  ASSERT_FALSE(utf8_cut.ok());
  EXPECT_EQ(utf8_cut.status().code(), StatusCode::kDataLoss) << utf8_cut.status();
  EXPECT_NE(utf8_cut.status().message().find("utf8.pubtator:2"), std::string::npos);
}

TEST_F(PubtatorTruncation, CutAfterATitleLineIsDataLoss) {
  const size_t title = whole_.find("|t|", whole_.find("|t|") + 1);  // the second document
  const size_t cut = whole_.find('\n', title) + 1;
  auto docs = ReadCut("title.pubtator", cut);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kDataLoss) << docs.status();
  EXPECT_NE(docs.status().message().find("title.pubtator:" + std::to_string(LineAt(title))),
            std::string::npos)
      << docs.status();
  EXPECT_NE(docs.status().message().find("lacks its |a| (abstract) line"), std::string::npos);
}

TEST_F(PubtatorTruncation, CutBetweenWholeLinesCannotBeSeen) {
  // The stated limit (docs/FORMATS.md): a cut right after a complete abstract or annotation
  // line leaves a valid, shorter file. Here: after the first document's abstract line.
  const size_t cut = whole_.find('\n', whole_.find("|a|")) + 1;
  auto docs = ReadCut("boundary.pubtator", cut);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_TRUE((*docs)[0].entities().empty());
}

// docs/RELIABILITY.md "Aborts on huge offsets": every reader that takes passage offsets from
// the file refuses an absurd one by its file, line (where the format has lines) and field.
TEST(HugeOffsets, EveryReaderRefusesThemNamingTheFileAndField) {
  CorpusReport report;
  auto jsonl = ReadInput(
      TempFile("big.jsonl",
               "{\"id\":\"j\",\"passages\":[{\"offset\":1000000000000,\"text\":\"x\"}]}\n"),
      "jsonl", &report);
  ASSERT_FALSE(jsonl.ok());
  EXPECT_EQ(jsonl.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(jsonl.status().message().find("big.jsonl: line 1 (document 'j'): passages[0]: "
                                          "\"offset\" 1000000000000 is past"),
            std::string::npos)
      << jsonl.status();

  // BioC XML: the number itself is refused, at the line of its <passage> ...
  const std::string bioc =
      "<?xml version=\"1.0\"?>\n<collection><source>x</source>\n"
      "<document><id>b</id>\n<passage><offset>0</offset><text>a</text></passage>\n"
      "<passage><offset>OFFSET</offset><text>x</text></passage>\n"
      "</document></collection>\n";
  auto with_offset = [&](const std::string& offset) {
    std::string xml = bioc;
    xml.replace(xml.find("OFFSET"), 6, offset);
    return xml;
  };
  auto xml = ReadInput(TempFile("big.xml", with_offset("1000000000000")), "bioc_xml", &report);
  ASSERT_FALSE(xml.ok());
  EXPECT_EQ(xml.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(xml.status().message().find("big.xml:5: passage <offset> 1000000000000 is past "
                                        "the longest document bioner reads"),
            std::string::npos)
      << xml.status();
  // ... and a document that would end past the bound, at the line of its <document>.
  xml = ReadInput(TempFile("end.xml", with_offset("33554432")), "bioc_xml", &report);
  ASSERT_FALSE(xml.ok());
  EXPECT_NE(xml.status().message().find("end.xml:3: document 'b': passage 1 ends at code point "
                                        "33554433, past the longest document bioner reads"),
            std::string::npos)
      << xml.status();
  // A mention far past the text (the corpus readers' ParseIndex): its line and field.
  auto pubtator = ReadInput(
      TempFile("big.pubtator", "1|t|T\n1|a|A\n1\t0\t99999999999999999999999\tT\tGene\n\n"),
      "pubtator", &report);
  ASSERT_FALSE(pubtator.ok());
  EXPECT_NE(pubtator.status().message().find("big.pubtator:3: end 99999999999999999999999 is "
                                             "past the longest document bioner reads"),
            std::string::npos)
      << pubtator.status();

  auto json = ReadInput(TempFile("big.json",
                                 "{\"documents\": [{\"id\": \"c\", \"passages\": "
                                 "[{\"offset\": 1000000000000, \"text\": \"x\"}]}]}"),
                        "bioc_json", &report);
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(json.status().message().find("big.json: document 'c': passage 0: offset "
                                         "1000000000000 is past"),
            std::string::npos)
      << json.status();
}

}  // namespace
}  // namespace bioner
