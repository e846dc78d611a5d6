// Reading raw text for vocab/pretraining and filtering out evaluation documents by id.
#include "core/train/text_corpus.h"

#include <zlib.h>

#include <gtest/gtest.h>

#include "tests/unit/train/train_test_util.h"

namespace bioner::train {
namespace {

using train_testing::TempDir;
using train_testing::WriteText;

std::vector<std::string> Keys(const std::string& id) { return IdKeys(id); }

TEST(IdKeys, TheShapesOfHunerSplitIds) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Keys("10087562"), V{"pmid:10087562"});
  EXPECT_EQ(Keys("PMID-7543819"), V{"pmid:7543819"});
  EXPECT_EQ(Keys("PubMed-10095065"), V{"pmid:10095065"});
  EXPECT_EQ(Keys("P04013576A0981"), V{"pmid:4013576"});  // BC2GM sentence: zero-padded PMID
  EXPECT_EQ(Keys("pmcA102792"), V{"pmc:102792"});        // LINNAEUS
  EXPECT_EQ(Keys("PMC2759629"), V{"pmc:2759629"});
  EXPECT_EQ(Keys("10327614_A"), (V{"pmid:10327614", "pmc:10327614"}));
  EXPECT_EQ(Keys("1067522-01-Abstract-p01"), (V{"pmid:1067522", "pmc:1067522"}));  // Variome paragraph
  EXPECT_EQ(Keys(" 123 \r"), V{"pmid:123"});
  for (const char* none : {"", "species004", "HPRD50_d10", "IEPA_d1", "EP0854138", "miRNA-corp.d113", "BC2GM082775110"}) {
    EXPECT_TRUE(Keys(none).empty()) << none;
  }
}

TEST(ExcludedIds, DevAndTestSplitsAndEverySplitOfHeldOutCorpora) {
  TempDir dir;
  WriteText(dir.file("ncbi.train"), "111\n");
  WriteText(dir.file("ncbi.dev"), "222\n");
  WriteText(dir.file("ncbi.test"), "PMID-333\n\nspecies004\n");
  WriteText(dir.file("craft.train"), "444\n");
  WriteText(dir.file("README"), "555\n");
  ExcludedIds ex;
  ASSERT_TRUE(AddSplitIds(dir.path(), {"craft"}, &ex).ok());
  EXPECT_EQ(ex.keys, (std::set<std::string>{"pmid:222", "pmid:333", "pmid:444"}));
  EXPECT_EQ(ex.ids_read, 4);
  EXPECT_EQ(ex.ids_unmatchable, 1);
  ExcludedIds none;
  Status s = AddSplitIds(dir.file("nope"), {}, &none);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

void WriteGz(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(f);
}

TEST(ReadTexts, PretrainRecordsProjectDocumentsAndExclusion) {
  TempDir dir;
  WriteGz(dir.file("shard.jsonl.gz"),
          "{\"pmid\": \"222\", \"pmcid\": null, \"title\": \"T1\", \"text\": \"kept? no: dev PMID\"}\n"
          "{\"pmid\": null, \"pmcid\": \"PMC9\", \"title\": \"T2\", \"text\": \"removed by PMCID\"}\n"
          "{\"pmid\": \"7\", \"title\": \"T3\", \"text\": \"Body three.\"}\n"
          "\n"
          "{\"pmid\": 8, \"title\": \"\", \"text\": \"  \"}\n");
  WriteText(dir.file("docs.jsonl"),
            "{\"id\": \"PMID-222\", \"text\": \"a dev document under another id shape\"}\n"
            "{\"id\": \"d2\", \"passages\": [{\"type\": \"title\", \"offset\": 0, \"text\": \"Title\"}]}\n");
  WriteText(dir.file("plain.txt"), "First block.\n\nSecond block.\n");
  ExcludedIds ex;
  ex.Add("222");
  ex.Add("pmcA9");
  std::vector<TextRecord> got;
  TextStats stats;
  Status s = ReadTexts({dir.file("shard.jsonl.gz"), dir.file("docs.jsonl"), dir.file("plain.txt")}, ex,
                       [&](const TextRecord& r) {
                         got.push_back(r);
                         return Status::Ok();
                       },
                       &stats);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].id, "7");
  EXPECT_EQ(got[0].text, "T3\n\nBody three.");
  EXPECT_EQ(got[1].id, "d2");
  EXPECT_EQ(got[1].text, "Title");
  EXPECT_EQ(got[2].text, "First block.");
  EXPECT_EQ(got[3].text, "Second block.");
  EXPECT_EQ(stats.documents_read, 8);
  EXPECT_EQ(stats.documents_excluded, 3);
  EXPECT_EQ(stats.documents_empty, 1);
  EXPECT_EQ(stats.documents_kept, 4);
  EXPECT_EQ(stats.excluded_by_file[dir.file("shard.jsonl.gz")], 2);
  EXPECT_NE(DescribeTextStats(stats, ex).find("3 removed"), std::string::npos);
}

TEST(ReadTexts, BadLinesAreErrorsNamingFileAndLine) {
  TempDir dir;
  WriteText(dir.file("bad.jsonl"), "{\"pmid\": \"1\", \"text\": \"ok\"}\n{\"pmid\": \"2\", \"text\": 5}\n");
  WriteText(dir.file("notjson.jsonl"), "not json\n");
  WriteText(dir.file("notext.jsonl"), "{\"pmid\": \"1\"}\n");
  TextStats stats;
  auto sink = [](const TextRecord&) { return Status::Ok(); };
  Status s = ReadTexts({dir.file("bad.jsonl")}, {}, sink, &stats);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("bad.jsonl:2"), std::string::npos) << s.message();
  s = ReadTexts({dir.file("notjson.jsonl")}, {}, sink, &stats);
  EXPECT_NE(s.message().find("notjson.jsonl:1"), std::string::npos) << s.message();
  s = ReadTexts({dir.file("notext.jsonl")}, {}, sink, &stats);
  EXPECT_NE(s.message().find("no \"text\""), std::string::npos) << s.message();
  s = ReadTexts({dir.file("missing.jsonl")}, {}, sink, &stats);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace bioner::train
