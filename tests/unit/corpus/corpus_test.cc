#include "core/corpus/corpus.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/shared_data.h"

namespace bioner {
namespace {

namespace fs = std::filesystem;
const std::string kCorpora = test_support::SharedPath("corpora");

Entity E(size_t s, size_t e, const char* type) { return Entity{s, e, type, "", 1.0f, ""}; }

TEST(ResolveOverlaps, KeepsOutermostPerTypeAndCounts) {
  CorpusReport r;
  auto kept = ResolveOverlaps({E(0, 10, "Gene"), E(2, 5, "Gene"), E(8, 14, "Gene"),
                               E(0, 10, "Gene"), E(2, 5, "Disease"), E(20, 25, "Gene")},
                              "d", &r);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0], E(2, 5, "Disease"));  // other types may overlap
  EXPECT_EQ(kept[1], E(0, 10, "Gene"));
  EXPECT_EQ(kept[2], E(20, 25, "Gene"));
  EXPECT_EQ(r.counts["nested entity of one type dropped (outermost kept)"], 1);
  EXPECT_EQ(r.counts["overlapping entity of one type dropped (first kept)"], 1);
  EXPECT_EQ(r.counts["duplicate entity (same span and type after label mapping; merged)"], 1);
}

TEST(LoadCorpus, NcbiDiseaseFromTheMirror) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora + "/ncbi_disease");
  const auto& reg = CorpusRegistry::Default();
  auto c = LoadCorpus(reg, **reg.Find("ncbi_disease"), {kCorpora});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->report.counts["split id missing from corpus (train)"], 1);
  EXPECT_EQ(c->report.examples["split id missing from corpus (train)"][0], "ncbi:10208645");
  EXPECT_EQ(c->report.counts["document in no split"], 4);
  for (const Document& d : c->documents) {
    EXPECT_EQ(d.corpus(), "ncbi_disease");
    for (const Entity& e : d.entities()) ASSERT_EQ(e.type, "Disease");
  }
  EXPECT_GT(c->labels["SpecificDisease"], 1000);
  auto stats = ComputeStats(*c);
  long docs = 0;
  for (const char* split : kSplitNames) docs += stats["Disease"][split].documents;
  EXPECT_EQ(docs, 788);  // 789 split ids, one missing
  auto dev = SplitDocuments(*c, "dev");
  ASSERT_TRUE(dev.ok());
  EXPECT_EQ(static_cast<long>(dev->size()), stats["Disease"]["dev"].documents);
  EXPECT_FALSE(SplitDocuments(*c, "validation").ok());
}

TEST(LoadCorpus, CellfinderSplitsPerType) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora + "/cellfinder");
  const auto& reg = CorpusRegistry::Default();
  auto c = LoadCorpus(reg, **reg.Find("cellfinder"), {kCorpora});
  ASSERT_TRUE(c.ok()) << c.status();
  auto ids = [&](const std::string& split, std::vector<std::string> types) {
    std::set<std::string> out;
    auto docs = SplitDocuments(*c, split, types);
    EXPECT_TRUE(docs.ok()) << docs.status();
    if (!docs.ok()) return out;
    for (const Document& d : *docs) {
      out.insert(d.id());
      for (const Entity& e : d.entities()) {
        EXPECT_NE(std::find(types.begin(), types.end(), e.type), types.end()) << e.type;
      }
    }
    return out;
  };
  EXPECT_EQ(ids("dev", {"CellLine"}), std::set<std::string>{"17288595"});
  EXPECT_EQ(ids("dev", {"Gene"}), std::set<std::string>{"17967047"});
  EXPECT_EQ(ids("dev", {"CellLine", "Gene"}), (std::set<std::string>{"17288595", "17967047"}));
  EXPECT_GT(c->report.counts["label 'CellType' is not a HUNER type (dropped)"], 0);
}

// The reviewed OSIRIS patch (corpora.json): DYX1C1 in article46 was annotated over three
// sentences.
TEST(LoadCorpus, OsirisPatchShortensTheRunawayGene) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora + "/osiris");
  const auto& reg = CorpusRegistry::Default();
  const CorpusSpec* spec = *reg.Find("osiris");
  ASSERT_EQ(spec->patches.size(), 1u);
  auto c = LoadCorpus(reg, *spec, {kCorpora});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->report.counts["patch applied: " + spec->patches[0].reason], 1);
  EXPECT_EQ(c->report.counts.count("entity crosses a sentence boundary (kept)"), 0u);
  bool found = false;
  for (const Document& d : c->documents) {
    if (d.id() != "15007729") continue;
    for (const Entity& e : d.entities()) {
      EXPECT_FALSE(e.start == 289 && e.end == 644);
      if (e.start == 289 && e.end == 295) {
        EXPECT_EQ(e.text, "DYX1C1");
        found = true;
      }
    }
  }
  EXPECT_TRUE(found);
}

// HUNER's own patches (huner_splits/patches) are applied to temporary copies before reading.
TEST(LoadCorpus, HunerFilePatchesFixCdrAndVariome) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora + "/cdr");
  const auto& reg = CorpusRegistry::Default();
  auto cdr = LoadCorpus(reg, **reg.Find("cdr"), {kCorpora});
  ASSERT_TRUE(cdr.ok()) << cdr.status();
  EXPECT_EQ(cdr->report.counts["HUNER patch applied: huner_splits/patches/CDR_TrainingSet.BioC.xml.patch"], 1);
  EXPECT_EQ(cdr->report.counts.count("mention text does not match the text at its offsets"), 0u);
  auto variome = LoadCorpus(reg, **reg.Find("variome"), {kCorpora});
  ASSERT_TRUE(variome.ok()) << variome.status();
  EXPECT_EQ(variome->report.counts["HUNER patch applied: huner_splits/patches/variome.patch"], 1);
  // Unpatched, 478 mentions do not match their text.
  EXPECT_LT(variome->report.counts["mention text does not match the text at its offsets"], 50);
}

// A toy corpus in a temporary root, described by its own registry.
class ToyCorpus : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::temp_directory_path() / ("bioner-corpus-test-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    fs::remove_all(root_);
    Write("toy/toy.txt",
          "1|t|BRCA1 in cancer. A second sentence.\n1|a|Nothing here.\n"
          "1\t0\t5\tBRCA1\tGene\tx\n1\t9\t15\tcancer\tDisease\tx\n1\t0\t5\tBRCA1\tWeird\tx\n\n"
          "2|t|TP53 again.\n2|a|More text.\n2\t0\t4\tTP53\tGene\tx\n\n"
          "3|t|Orphan.\n3|a|Text.\n\n");
    Write("huner_splits/toy.train", "\r\n1\r\n99\r\n");
    Write("huner_splits/toy.dev", "2");
    Write("huner_splits/toy.test", "");
    Write("toyarc/x.tar.gz", "this is not an archive");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& data) {
    fs::create_directories((fs::path(root_) / rel).parent_path());
    std::ofstream(fs::path(root_) / rel, std::ios::binary) << data;
  }
  CorpusRegistry Registry(const std::string& status, const std::string& format = "pubtator",
                          const std::string& patches = "[]") {
    const std::string json = R"({"splits": {"dir": "huner_splits", "url": "file:///x/"},
      "corpora": [{"name": "toy", "status": ")" + status + R"(", "format": ")" + format + R"(",
      "files": ["toy.txt"], "labels": [["Gene", "Gene"], ["Disease", "Disease"]],
      "types": {"Gene": "toy", "Disease": "toy"}, "downloads": [], "patches": )" + patches + R"(},
      {"name": "toyarc", "status": "available", "format": "cll_nersuite",
      "files": ["x.tar.gz!dir"], "labels": [["CL", "CellLine"]],
      "types": {"CellLine": "toy"}, "downloads": []}]})";
    auto r = CorpusRegistry::Parse(json, "");
    EXPECT_TRUE(r.ok()) << r.status();
    return std::move(r).value();
  }
  std::string root_;
};

TEST_F(ToyCorpus, SplitIdsNamingAbsentDocumentsAreCounted) {
  CorpusRegistry reg = Registry("available");
  auto c = LoadCorpus(reg, reg.corpora()[0], {root_});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->report.counts["split id missing from corpus (train)"], 1);
  EXPECT_EQ(c->report.examples["split id missing from corpus (train)"][0], "toy:99");
  EXPECT_EQ(c->report.counts["document in no split"], 1);
  EXPECT_EQ(c->report.counts["unknown label 'Weird' (not in the registry; dropped)"], 1);
  EXPECT_EQ(c->labels["Gene"], 2);
  auto stats = ComputeStats(*c);
  EXPECT_EQ(stats["Gene"]["train"].missing_ids, 1);
  EXPECT_EQ(stats["Gene"]["train"].documents, 1);
  EXPECT_EQ(stats["Gene"]["train"].sentences, 3);
  EXPECT_EQ(stats["Disease"]["train"].entities, 1);
  auto dev = SplitDocuments(*c, "dev", {"Disease"});
  ASSERT_TRUE(dev.ok());
  ASSERT_EQ(dev->size(), 1u);
  EXPECT_TRUE((*dev)[0].entities().empty());  // Gene entities filtered out
}

// What a word tagger can only widen: "cancer" inside "cancers", "Msh2" before U+2212 (a math
// symbol, not punctuation, so not split off), and "BRCA1" ending inside "BRCA1mut"; "TP53"
// before "-" and "cancer" before "." are whole words.
TEST_F(ToyCorpus, EntitiesWithABoundaryInsideAWordAreCountedWithExamples) {
  Write("toy/toy.txt",
        "1|t|BRCA1mut in cancers; TP53-null Msh2\u2212 cancer.\n1|a|x\n"
        "1\t0\t5\tBRCA1\tGene\tx\n1\t12\t18\tcancer\tDisease\tx\n1\t21\t25\tTP53\tGene\tx\n"
        "1\t31\t35\tMsh2\tGene\tx\n1\t37\t43\tcancer\tDisease\tx\n\n");
  CorpusRegistry reg = Registry("available");
  auto c = LoadCorpus(reg, reg.corpora()[0], {root_});
  ASSERT_TRUE(c.ok()) << c.status();
  auto stats = ComputeStats(*c);
  EXPECT_EQ(stats["Gene"]["train"].entities, 3);
  EXPECT_EQ(stats["Gene"]["train"].inside_words, 2);
  EXPECT_EQ(stats["Disease"]["train"].inside_words, 1);
  ASSERT_EQ(stats["Disease"]["train"].inside_word_examples.size(), 1u);
  EXPECT_EQ(stats["Disease"]["train"].inside_word_examples[0], "\"cancer\" in \"cancers\" (1)");
  EXPECT_EQ(stats["Gene"]["train"].inside_word_examples[0], "\"BRCA1\" in \"BRCA1mut\" (1)");
}

TEST_F(ToyCorpus, PatchesApplyOrAreCountedAsNotApplied) {
  CorpusRegistry reg = Registry("available", "pubtator", R"([
      {"document": "1", "start": 9, "end": 15, "label": "Disease", "drop": true, "reason": "r1"},
      {"document": "2", "start": 0, "end": 4, "label": "Gene", "new_end": 3, "reason": "r2"},
      {"document": "2", "start": 5, "end": 9, "label": "Gene", "drop": true, "reason": "r3"}])");
  auto c = LoadCorpus(reg, reg.corpora()[0], {root_});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->report.counts["patch applied: r1"], 1);
  EXPECT_EQ(c->report.counts["patch applied: r2"], 1);
  EXPECT_EQ(c->report.counts["patch did not apply (entity not found): r3"], 1);
  const Document& d1 = c->documents[0];
  for (const Entity& e : d1.entities()) EXPECT_NE(e.type, "Disease");
  ASSERT_EQ(c->documents[1].entities().size(), 1u);
  EXPECT_EQ(c->documents[1].entities()[0].text, "TP5");
}

TEST_F(ToyCorpus, HeldOutTrainSplitIsRefused) {
  CorpusRegistry reg = Registry("held_out");
  auto c = LoadCorpus(reg, reg.corpora()[0], {root_});
  ASSERT_TRUE(c.ok()) << c.status();
  auto train = SplitDocuments(*c, "train");
  ASSERT_FALSE(train.ok());
  EXPECT_EQ(train.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(train.status().message().find("held out"), std::string::npos);
  EXPECT_TRUE(SplitDocuments(*c, "dev").ok());
}

TEST_F(ToyCorpus, UnknownFormatIsRefused) {
  CorpusRegistry reg = Registry("available", "no_such_format");
  auto c = LoadCorpus(reg, reg.corpora()[0], {root_});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(c.status().message().find("no reader for format 'no_such_format'"), std::string::npos);
}

TEST_F(ToyCorpus, CorruptArchiveIsRefused) {
  CorpusRegistry reg = Registry("available");
  auto c = LoadCorpus(reg, reg.corpora()[1], {root_});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(c.status().message().find("x.tar.gz"), std::string::npos) << c.status();
}

TEST_F(ToyCorpus, AbsentCorpusFolderSaysHowToFetch) {
  CorpusRegistry reg = Registry("available");
  auto c = LoadCorpus(reg, reg.corpora()[0], {root_ + "/elsewhere"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  EXPECT_NE(c.status().message().find("corpus fetch --corpus toy"), std::string::npos);
}

}  // namespace
}  // namespace bioner
