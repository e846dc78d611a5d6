#include "core/corpus/registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/formats/format.h"
#include "tests/support/shared_data.h"

namespace bioner {
namespace {

namespace fs = std::filesystem;
const std::string kCorpora = test_support::SharedPath("corpora");

TEST(Registry, EmbeddedRegistryParses) {
  ASSERT_TRUE(CorpusRegistry::EmbeddedStatus().ok()) << CorpusRegistry::EmbeddedStatus();
  EXPECT_GE(CorpusRegistry::Default().corpora().size(), 27u);
}

TEST(Registry, EveryHunerCorpusIsRegistered) {
  const auto& reg = CorpusRegistry::Default();
  for (const char* name :
       {"ncbi_disease", "cdr", "s800", "linnaeus", "bc2gm", "bioinfer", "iepa", "hprd50", "jnlpba",
        "cellfinder", "cll", "loctext", "osiris", "variome", "gellus", "mirna", "scai_chemicals",
        "scai_disease", "gpro", "cemp", "chemdner", "deca", "fsu", "chebi", "pdr", "craft_v4",
        "bionlp2013_cg"}) {
    EXPECT_TRUE(reg.Find(name).ok()) << name;
  }
}

TEST(Registry, StatusMatchesTheMirror) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora);
  for (const CorpusSpec& c : CorpusRegistry::Default().corpora()) {
    const bool in_mirror = fs::is_directory(kCorpora + "/" + c.name);
    EXPECT_EQ(in_mirror, c.status == CorpusStatus::kAvailable) << c.name;
    if (c.status == CorpusStatus::kAvailable) {
      EXPECT_FALSE(c.files.empty()) << c.name;
      EXPECT_FALSE(CorpusRegistry::Default().ManifestFiles(c.name + "/").empty()) << c.name;
    }
  }
}

TEST(Registry, HeldOutCorpora) {
  const auto& reg = CorpusRegistry::Default();
  EXPECT_TRUE((*reg.Find("craft_v4"))->held_out());
  EXPECT_TRUE((*reg.Find("bionlp2013_cg"))->held_out());
  EXPECT_FALSE((*reg.Find("ncbi_disease"))->held_out());
  for (const CorpusSpec* c : reg.WithType("Gene")) EXPECT_FALSE(c->held_out()) << c->name;
}

TEST(Registry, EverySplitFileExists) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora);
  const auto& reg = CorpusRegistry::Default();
  for (const CorpusSpec& c : reg.corpora()) {
    ASSERT_FALSE(c.split_files.empty()) << c.name;
    for (const auto& [type, family] : c.split_files) {
      for (const char* split : kSplitNames) {
        const std::string rel = reg.splits_dir() + "/" + family + "." + split;
        EXPECT_TRUE(fs::exists(kCorpora + "/" + rel)) << c.name << " " << type << ": " << rel;
        EXPECT_TRUE(reg.Sha256(rel).has_value()) << rel;
      }
    }
  }
}

TEST(Registry, LabelMaps) {
  const auto& reg = CorpusRegistry::Default();
  auto map = [&](const char* corpus, const char* label) {
    return (*reg.Find(corpus))->MapLabel(label);
  };
  EXPECT_EQ(map("cellfinder", "GeneProtein"), "Gene");
  EXPECT_EQ(map("cellfinder", "CellLine"), "CellLine");
  EXPECT_EQ(map("cellfinder", "CellType"), "");
  EXPECT_EQ(map("variome", "Disorder"), "Disease");
  EXPECT_EQ(map("variome", "disease"), "Disease");
  EXPECT_EQ(map("variome", "Living_Beings"), "Species");
  EXPECT_EQ(map("variome", "mutation"), "");
  for (const char* l : {"SpecificDisease", "DiseaseClass", "Modifier", "CompositeMention"}) {
    EXPECT_EQ(map("ncbi_disease", l), "Disease") << l;
  }
  EXPECT_EQ(map("ncbi_disease", "Chemical"), std::nullopt);  // unknown: counted by the loader
  EXPECT_EQ(map("jnlpba", "protein"), "Gene");
  EXPECT_EQ(map("jnlpba", "cell_line"), "CellLine");
  EXPECT_EQ(map("jnlpba", "DNA"), "");
  EXPECT_EQ(map("loctext", "go"), "Gene");
  EXPECT_EQ(map("loctext", "taxonomy"), "Species");
  EXPECT_EQ(map("cll", "CL"), "CellLine");
  EXPECT_EQ(map("osiris", "ge"), "Gene");
  EXPECT_EQ(map("cdr", "Chemical"), "Chemical");
}

TEST(Registry, CellfinderSplitFilesPerType) {
  const CorpusSpec* c = *CorpusRegistry::Default().Find("cellfinder");
  EXPECT_EQ(c->split_files.at("CellLine"), "cellfinder_cellline");
  EXPECT_EQ(c->split_files.at("Gene"), "cellfinder_protein");
  EXPECT_EQ(c->split_files.at("Species"), "cellfinder_species");
}

TEST(Registry, KnownDownloadSumsEqualTheMirror) {
  const auto& reg = CorpusRegistry::Default();
  int checked = 0;
  for (const CorpusSpec& c : reg.corpora()) {
    for (const CorpusDownload& d : c.downloads) {
      if (d.sha256.empty()) continue;
      auto mirror = reg.Sha256(c.name + "/" + d.file);
      ASSERT_TRUE(mirror.has_value()) << c.name << "/" << d.file;
      EXPECT_EQ(*mirror, d.sha256) << c.name;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 3);  // cll, osiris, variome keep the original archive
}

TEST(Registry, UnknownCorpusIsNotFoundAndListsNames) {
  auto r = CorpusRegistry::Default().Find("ncbi");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("unknown corpus 'ncbi'"), std::string::npos);
  EXPECT_NE(r.status().message().find("ncbi_disease"), std::string::npos);
}

TEST(Registry, FormatsOfAvailableCorporaHaveReaders) {
  for (const CorpusSpec& c : CorpusRegistry::Default().corpora()) {
    if (c.status != CorpusStatus::kAvailable) continue;
    EXPECT_NE(FindFormat(c.format), nullptr) << c.name << ": no reader for format " << c.format;
  }
}

std::string Entry(const std::string& extra) {
  return R"({"splits": {"dir": "huner_splits", "url": "file:///x/"}, "corpora": [{"name": "a",
    "status": "available", "format": "brat", "files": ["x"], "labels": [["L", "Gene"]],
    "types": {"Gene": "a"}, "downloads": [])" + extra + "}]}";
}

TEST(Registry, ParseRefusesBadEntries) {
  EXPECT_TRUE(CorpusRegistry::Parse(Entry(""), "").ok());
  struct Case { std::string extra, needle; };
  for (const Case& c : std::vector<Case>{
           {R"(, "colour": "red")", "unknown key 'colour'"},
           {R"(, "split_ids": "sorted")", "split_ids 'sorted'"},
           {R"(, "types": {"Protein": "a"})", "'Protein' is not a canonical entity type"},
       }) {
    auto r = CorpusRegistry::Parse(Entry(c.extra), "");
    ASSERT_FALSE(r.ok()) << c.extra;
    EXPECT_NE(r.status().message().find(c.needle), std::string::npos) << r.status();
    EXPECT_NE(r.status().message().find("(a)"), std::string::npos) << r.status();
  }
  EXPECT_FALSE(CorpusRegistry::Parse("{not json", "").ok());
  auto bad_sum = CorpusRegistry::Parse(Entry(""), "abc  a/x\n");
  ASSERT_FALSE(bad_sum.ok());
  EXPECT_NE(bad_sum.status().message().find("line 1"), std::string::npos);
}

TEST(Registry, ManifestLookup) {
  const std::string sum(64, 'a');
  auto r = CorpusRegistry::Parse(Entry(""), sum + "  a/x\r\n" + sum + " *a/y/z\n\n" + sum + "  b/x\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Sha256("a/y/z"), sum);
  EXPECT_EQ(r->Sha256("a/q"), std::nullopt);
  EXPECT_EQ(r->ManifestFiles("a/"), (std::vector<std::string>{"a/x", "a/y/z"}));
}

}  // namespace
}  // namespace bioner
