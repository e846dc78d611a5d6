// The client's file side: input format detection, resume (ids of complete records, the
// incomplete tail cut off) and the flushed output file.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "client/corpus_io.h"
#include "core/util/file.h"

namespace bioner::client {
namespace {

const std::string kSamples = std::string(BIONER_TEST_DATA_DIR) + "/samples/";

std::string TempFile(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string Detect(const std::string& path) {
  StatusOr<std::string> f = DetectInputFormat(path);
  return f.ok() ? *f : "error: " + f.status().message();
}

TEST(DetectInputFormat, Samples) {
  EXPECT_EQ(Detect(kSamples + "pubmed_xml/pubmed26n1334.xml.gz"), "pubmed_xml");
  EXPECT_EQ(Detect(kSamples + "pmc_oa_jats/pone.0046493.nxml"), "jats");
  EXPECT_EQ(Detect(kSamples + "bioc_pubtator_biored/Dev.BioC.XML"), "bioc_xml");
  EXPECT_EQ(Detect(kSamples + "bioc_pubtator_biored/Dev.BioC.JSON"), "bioc_json");
  EXPECT_EQ(Detect(kSamples + "bioc_pubtator_biored/Dev.PubTator"), "pubtator");
  EXPECT_EQ(Detect(TempFile("a.jsonl", "{}")), "jsonl");
  EXPECT_EQ(Detect(TempFile("p.txt", "123|t|Title\n123|a|Abstract\n")), "pubtator");
  EXPECT_EQ(Detect(TempFile("t.txt", "Just text | with a bar.\n")), "plain_text");
  EXPECT_EQ(Detect(TempFile("m.xml", "<?xml version=\"1.0\"?>\n<MedlineCitationSet>")),
            "pubmed_xml");
  EXPECT_NE(Detect(TempFile("u.xml", "<unknown/>")).find("--in-format"), std::string::npos);
  EXPECT_NE(Detect(TempFile("u.csv", "a,b")).find("--in-format"), std::string::npos);
}

TEST(ReadInput, PubmedThroughTheRegistryAndUnknownFormat) {
  CorpusReport report;
  StatusOr<std::vector<Document>> docs =
      ReadInput(kSamples + "pubmed_xml/pubmed26n1335.xml.gz", "pubmed_xml", &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 30u);
  EXPECT_EQ(report.counts["DeleteCitation entry skipped"], 6);
  docs = ReadInput(kSamples + "pubmed_xml/pubmed26n1335.xml.gz", "brat", &report);
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("brat"), std::string::npos);
}

TEST(OutputFormatForPath, ByExtension) {
  EXPECT_EQ(OutputFormatForPath("x/out.jsonl"), OutputFormat::kJsonl);
  EXPECT_EQ(OutputFormatForPath("out.PubTator"), OutputFormat::kPubtator);
  EXPECT_EQ(OutputFormatForPath("out.json"), OutputFormat::kBiocJson);
  EXPECT_EQ(OutputFormatForPath("out.xml"), OutputFormat::kBiocXml);
  EXPECT_EQ(OutputFormatForPath("out"), OutputFormat::kJsonl);
}

TEST(PrepareResume, JsonlCutsTheIncompleteLastLine) {
  const std::string path = TempFile(
      "r.jsonl", "{\"id\": \"a\", \"text\": \"x\"}\n{\"id\": \"b\", \"text\": \"y\"}\n{\"id\": \"c\", \"te");
  StatusOr<std::set<std::string>> ids = PrepareResume(path, OutputFormat::kJsonl);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::set<std::string>{"a", "b"}));
  StatusOr<std::string> text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "{\"id\": \"a\", \"text\": \"x\"}\n{\"id\": \"b\", \"text\": \"y\"}\n");
}

TEST(PrepareResume, PubtatorNeedsTheBlankLine) {
  const std::string path =
      TempFile("r.pubtator", "1|t|T\n1|a|A\n1\t0\t1\tT\tGene\n\n2|t|U\n2|a|B\n");
  StatusOr<std::set<std::string>> ids = PrepareResume(path, OutputFormat::kPubtator);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::set<std::string>{"1"}));
  EXPECT_EQ(*ReadFile(path), "1|t|T\n1|a|A\n1\t0\t1\tT\tGene\n\n");
}

TEST(PrepareResume, RefusedForBiocAndMissingFileIsEmpty) {
  StatusOr<std::set<std::string>> ids = PrepareResume("/nonexistent/x.json", OutputFormat::kBiocJson);
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(ids.status().message().find("bioc-json"), std::string::npos);
  ids = PrepareResume(::testing::TempDir() + "/missing.jsonl", OutputFormat::kJsonl);
  ASSERT_TRUE(ids.ok());
  EXPECT_TRUE(ids->empty());
}

TEST(PrepareResume, CorruptCompleteLineIsAnError) {
  const std::string path = TempFile("c.jsonl", "{\"id\": \"a\", \"text\": \"x\"}\nnot json\n");
  StatusOr<std::set<std::string>> ids = PrepareResume(path, OutputFormat::kJsonl);
  ASSERT_FALSE(ids.ok());
  EXPECT_NE(ids.status().message().find("c.jsonl"), std::string::npos);
}

TEST(OutputFile, EachWriteIsOnDiskAndAppendKeepsOldRecords) {
  const std::string path = ::testing::TempDir() + "/w.jsonl";
  StatusOr<Document> d = Document::Create("x1", {{"text", 0, "hello"}});
  ASSERT_TRUE(d.ok());
  {
    StatusOr<OutputFile> out = OutputFile::Open(path, OutputFormat::kJsonl, false);
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_TRUE(out->Write(*d).ok());
    // Flushed before Close: a kill now would keep the record.
    StatusOr<std::string> text = ReadFile(path);
    ASSERT_TRUE(text.ok());
    EXPECT_NE(text->find("\"x1\""), std::string::npos);
    ASSERT_TRUE(out->Close().ok());
  }
  StatusOr<OutputFile> again = OutputFile::Open(path, OutputFormat::kJsonl, true);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->Write(*d).ok());
  ASSERT_TRUE(again->Close().ok());
  StatusOr<std::set<std::string>> ids = PrepareResume(path, OutputFormat::kJsonl);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->size(), 1u);
  const std::string text = *ReadFile(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_FALSE(OutputFile::Open("/nonexistent/dir/o.jsonl", OutputFormat::kJsonl, false).ok());
}

}  // namespace
}  // namespace bioner::client
