// The output writers: each format written, then read back by the project's own readers
// (JSONL, the PubTator, BioC JSON and BioC XML readers), gives the same documents and entities.
#include <gtest/gtest.h>

#include <fstream>

#include "core/formats/format.h"
#include "core/doc/jsonl.h"
#include "core/formats/writers.h"

namespace bioner {
namespace {

// Two BioRED-like documents: title + abstract, a non-ASCII character before entities, an
// entity in each passage, special characters for XML/JSON escaping, a line break in the text.
std::vector<Document> Sample() {
  std::vector<Document> docs;
  StatusOr<Document> a = Document::Create(
      "101", {{"title", 0, "Na\xc3\xafve BRCA1 & <p53> in \"breast cancer\"."},
              {"abstract", 40, "Cisplatin caused\nnephrotoxicity in mice."}});
  EXPECT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->AddEntities({{6, 11, "Gene", "BRCA1", 0.9f, "Gene/1"},
                              {14, 19, "Gene", "<p53>", 0.5f, "Gene/1"},
                              {24, 37, "Disease", "breast cancer", 0.75f, "Disease/2"},
                              {40, 49, "Chemical", "Cisplatin", 1.0f, "Chemical/1"},
                              {57, 71, "Disease", "nephrotoxicity", 0.8f, "Disease/2"}})
                  .ok());
  docs.push_back(std::move(*a));
  StatusOr<Document> b = Document::Create("102", {{"title", 0, "No entities here."}});
  EXPECT_TRUE(b.ok());
  docs.push_back(std::move(*b));
  return docs;
}

std::string Write(OutputFormat f, const std::vector<Document>& docs, const std::string& name) {
  std::string text = FormatHeader(f);
  for (size_t i = 0; i < docs.size(); ++i) text += FormatDocument(f, docs[i], i == 0);
  text += FormatFooter(f);
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::vector<Document> ReadBack(const std::string& format, const std::string& path) {
  CorpusReport report;
  FormatInput in;
  in.corpus = "roundtrip";
  in.files = {path};
  StatusOr<std::vector<Document>> docs = FindFormat(format)(in, &report);
  EXPECT_TRUE(docs.ok()) << docs.status();
  EXPECT_TRUE(report.counts.empty()) << report.counts.begin()->first;
  return docs.ok() ? *docs : std::vector<Document>();
}

void ExpectSameEntities(const std::vector<Document>& want, const std::vector<Document>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].id(), got[i].id());
    ASSERT_EQ(want[i].entities().size(), got[i].entities().size()) << want[i].id();
    for (size_t k = 0; k < want[i].entities().size(); ++k) {
      const Entity& w = want[i].entities()[k];
      const Entity& g = got[i].entities()[k];
      EXPECT_EQ(w, g);
      EXPECT_EQ(w.text, g.text);
    }
  }
}

TEST(Writers, ParseOutputFormat) {
  for (const char* name : {"jsonl", "pubtator", "bioc-json", "bioc-xml"}) {
    StatusOr<OutputFormat> f = ParseOutputFormat(name);
    ASSERT_TRUE(f.ok());
    EXPECT_STREQ(OutputFormatName(*f), name);
  }
  StatusOr<OutputFormat> bad = ParseOutputFormat("csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("csv"), std::string::npos);
}

TEST(Writers, JsonlRoundTrip) {
  const std::vector<Document> docs = Sample();
  StatusOr<std::vector<Document>> got = ReadJsonlFile(Write(OutputFormat::kJsonl, docs, "o.jsonl"));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectSameEntities(docs, *got);
  EXPECT_FLOAT_EQ((*got)[0].entities()[0].score, 0.9f);
  EXPECT_EQ((*got)[0].entities()[0].model_version, "Gene/1");
}

TEST(Writers, PubtatorRoundTrip) {
  const std::vector<Document> docs = Sample();
  const std::string path = Write(OutputFormat::kPubtator, docs, "o.pubtator");
  const std::vector<Document> got = ReadBack("pubtator", path);
  ExpectSameEntities(docs, got);
  ASSERT_EQ(got.size(), 2u);
  // Same text except the line break, written as a space so the record stays on its lines.
  std::string want = docs[0].text();
  want[want.find('\n')] = ' ';
  EXPECT_EQ(got[0].text(), want);
}

TEST(Writers, BiocJsonRoundTrip) {
  const std::vector<Document> docs = Sample();
  const std::vector<Document> got = ReadBack("bioc_json", Write(OutputFormat::kBiocJson, docs, "o.json"));
  ExpectSameEntities(docs, got);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].text(), docs[0].text());
  EXPECT_EQ(got[0].passages()[1].type, "abstract");
}

TEST(Writers, BiocXmlRoundTrip) {
  const std::vector<Document> docs = Sample();
  const std::vector<Document> got = ReadBack("bioc_xml", Write(OutputFormat::kBiocXml, docs, "o.xml"));
  ExpectSameEntities(docs, got);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].text(), docs[0].text());
}

TEST(Writers, BiocJsonEmptyCollectionIsValid) {
  const std::vector<Document> got = ReadBack("bioc_json", Write(OutputFormat::kBiocJson, {}, "e.json"));
  EXPECT_TRUE(got.empty());
}

}  // namespace
}  // namespace bioner
