// label_map.json (core/model/label_map.h): the three forms map a third-party checkpoint's
// labels onto ours, and the folder then loads and tags through the ordinary loaders exactly as
// the same weights with our labels in config.json do; bad maps are refused naming the file
// and the label or type.
#include "core/model/label_map.h"

#include <gtest/gtest.h>

#include "core/decode/classifier_model.h"
#include "core/model/model_folder.h"
#include "core/model/token_classifier.h"
#include "tests/unit/model/test_util.h"

namespace bioner {
namespace {

using Json = nlohmann::json;
using Labels = std::vector<std::string>;
using testing::ModelVectorDir;
using testing::Slurp;
using testing::Spit;
using testing::TempDir;

constexpr char kSource[] = "/models/x/label_map.json";

StatusOr<Labels> Map(const std::string& json, const Labels& labels) {
  return ApplyLabelMap(json, labels, kSource);
}

// The status is INVALID_ARGUMENT and its message names the file and each of `parts`.
void ExpectRefused(const StatusOr<Labels>& r, const std::vector<std::string>& parts) {
  ASSERT_FALSE(r.ok()) << "accepted";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status();
  EXPECT_NE(r.status().message().find(kSource), std::string::npos) << r.status();
  for (const auto& p : parts)
    EXPECT_NE(r.status().message().find(p), std::string::npos) << p << " in " << r.status();
}

TEST(LabelMap, TypesRenamesTheTypeAndKeepsThePrefix) {
  auto r = Map(R"({"types": {"DISEASE": "Disease", "CHEM": "Chemical"}})",
               {"O", "B-DISEASE", "I-DISEASE", "B-CHEM", "I-CHEM"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, (Labels{"O", "B-Disease", "I-Disease", "B-Chemical", "I-Chemical"}));
  // BIOES prefixes are kept as they are.
  auto bioes = Map(R"({"types": {"dis": "Disease"}})", {"B-dis", "I-dis", "E-dis", "S-dis", "O"});
  ASSERT_TRUE(bioes.ok()) << bioes.status();
  EXPECT_EQ(*bioes, (Labels{"B-Disease", "I-Disease", "E-Disease", "S-Disease", "O"}));
}

TEST(LabelMap, TypeGivesBarePrefixesTheirType) {
  auto r = Map(R"({"type": "Gene", "comment": "from the model card"})", {"B", "I", "O"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, (Labels{"B-Gene", "I-Gene", "O"}));
}

TEST(LabelMap, LabelsMapsOneByOneInTheModelsOrder) {
  auto r = Map(R"({"labels": {"LABEL_2": "I-Species", "LABEL_0": "O", "LABEL_1": "B-Species"}})",
               {"LABEL_0", "LABEL_1", "LABEL_2"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, (Labels{"O", "B-Species", "I-Species"}));
  // A literal O needs no entry.
  auto o = Map(R"({"labels": {"B-X": "B-CellLine", "I-X": "I-CellLine"}})", {"O", "B-X", "I-X"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(*o, (Labels{"O", "B-CellLine", "I-CellLine"}));
}

TEST(LabelMap, RefusesALabelLeftUnmapped) {
  ExpectRefused(
      Map(R"({"types": {"DISEASE": "Disease"}})", {"O", "B-DISEASE", "I-DISEASE", "B-CHEM"}),
      {"'B-CHEM'", "not mapped"});
  ExpectRefused(Map(R"({"labels": {"LABEL_0": "O", "LABEL_1": "B-Disease"}})",
                    {"LABEL_0", "LABEL_1", "LABEL_2"}),
                {"'LABEL_2'", "not mapped"});
  ExpectRefused(Map(R"({"type": "Disease"})", {"O", "B", "I", "B-CHEM"}), {"'B-CHEM'"});
}

TEST(LabelMap, RefusesATypeMappedTwice) {
  ExpectRefused(
      Map(R"({"types": {"DIS": "Disease", "DISEASE": "Disease"}})", {"O", "B-DIS", "B-DISEASE"}),
      {"'Disease'", "mapped twice", "'DIS'", "'DISEASE'"});
  ExpectRefused(Map(R"({"labels": {"LABEL_0": "O", "LABEL_1": "B-Gene", "LABEL_2": "B-Gene"}})",
                    {"LABEL_0", "LABEL_1", "LABEL_2"}),
                {"'B-Gene'", "mapped twice", "'LABEL_1'", "'LABEL_2'"});
}

TEST(LabelMap, RefusesAnUnknownTypeName) {
  ExpectRefused(
      Map(R"({"types": {"DISEASE": "Diseases"}})", {"O", "B-DISEASE"}),
      {"'Diseases'", "unknown entity type", "Gene, Chemical, Disease, Species, CellLine"});
  ExpectRefused(Map(R"({"type": "disease"})", {"O", "B"}), {"'disease'", "unknown entity type"});
  ExpectRefused(
      Map(R"({"labels": {"LABEL_0": "O", "LABEL_1": "B-Protein"}})", {"LABEL_0", "LABEL_1"}),
      {"'LABEL_1'", "'Protein'"});
}

TEST(LabelMap, RefusesWhatTheModelLacks) {
  ExpectRefused(Map(R"({"types": {"DISEASE": "Disease", "CHEM": "Chemical"}})", {"O", "B-DISEASE"}),
                {"'CHEM'", "no label of the model"});
  ExpectRefused(Map(R"({"labels": {"LABEL_0": "O", "LABEL_1": "B-Gene", "LABEL_9": "I-Gene"}})",
                    {"LABEL_0", "LABEL_1"}),
                {"'LABEL_9'", "does not have"});
  ExpectRefused(Map(R"({"type": "Gene"})", {}), {"no labels"});  // an encoder
}

TEST(LabelMap, RefusesMalformedMaps) {
  const Labels labels = {"O", "B", "I"};
  ExpectRefused(Map("[]", labels), {"JSON object"});
  ExpectRefused(Map("{", labels), {"not valid JSON"});
  ExpectRefused(Map("{}", labels), {"exactly one of"});
  ExpectRefused(Map(R"({"type": "Gene", "types": {"B": "Gene"}})", labels),
                {"exactly one of", "found 2"});
  ExpectRefused(Map(R"({"type": "Gene", "typo": 1})", labels), {"unknown key 'typo'"});
  ExpectRefused(Map(R"({"labels": {"B": "B-Gene", "B": "I-Gene"}})", labels),
                {"'B'", "given twice"});
  ExpectRefused(Map(R"({"labels": {"B": "Begin-Gene"}})", labels), {"'Begin-Gene'"});
  ExpectRefused(Map(R"({"types": {"X": 3}})", {"O", "B-X"}), {"'X'", "string"});
  // The result must be a label set like any model's: an I- without its B- is refused.
  ExpectRefused(Map(R"({"labels": {"B": "I-Gene", "I": "I-Gene"}})", labels), {"mapped twice"});
  ExpectRefused(Map(R"({"labels": {"B": "I-Gene", "I": "I-Disease"}})", labels),
                {"the mapped labels", "B-"});
}

// A copy of the test-vector folder `name` whose config.json labels are `labels`, with
// `label_map` as its label_map.json.
void ThirdPartyCopy(const std::string& name, const std::string& dir, const Labels& labels,
                    const std::string& label_map) {
  std::filesystem::create_directories(dir);
  testing::CopyModelFolder(ModelVectorDir(name), dir);
  Json config = testing::ReadJson(dir + "/config.json");
  config["id2label"] = Json::object();
  config["label2id"] = Json::object();
  for (size_t i = 0; i < labels.size(); ++i) {
    config["id2label"][std::to_string(i)] = labels[i];
    config["label2id"][labels[i]] = i;
  }
  Spit(dir + "/config.json", config.dump(2));
  Spit(dir + "/" + kLabelMapFile, label_map);
}

// Tags one document with the folder as the tool and the server load it.
std::vector<Entity> Tag(const std::string& dir) {
  auto model = LoadTaggingModel(dir, "test");
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return {};
  std::vector<Document> docs;
  docs.push_back(*Document::Create(
      "d",
      {Passage{
          "t", 0,
          "tok5 BRCA1 mutations tok17 cause tok33 breast cancer tok8 in mice tok90 treated tok12 "
          "with aspirin; tok44 HeLa cells tok61 too."}}));
  Status s = TagDocuments({*model}, TagOptions{}, &docs);
  EXPECT_TRUE(s.ok()) << s;
  return docs[0].entities();
}

TEST(LabelMap, EachFormLoadsAndTagsWithOurTypesAsOurOwnLabelsDo) {
  struct Case {
    std::string model;
    Labels theirs;
    std::string map;
  };
  // legacy-names, whose random weights tag spans in the text of Tag(); tiny-f16 (two types)
  // tags none there, so it shows the labels and logits only.
  const std::vector<Case> cases = {
      {"tiny-f16",
       {"O", "B-GENE", "I-GENE", "B-CHEM", "I-CHEM"},
       R"({"types": {"GENE": "Gene", "CHEM": "Chemical"}})"},
      {"legacy-names", {"O", "B-DISEASE", "I-DISEASE"}, R"({"types": {"DISEASE": "Disease"}})"},
      {"legacy-names", {"O", "B", "I"}, R"({"type": "Disease"})"},
      {"legacy-names",
       {"LABEL_0", "LABEL_1", "LABEL_2"},
       R"({"labels": {"LABEL_0": "O", "LABEL_1": "B-Disease", "LABEL_2": "I-Disease"}})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.map);
    TempDir dir;
    ThirdPartyCopy(c.model, dir.path(), c.theirs, c.map);
    auto classifier = TokenClassifier::Load(dir.path());
    ASSERT_TRUE(classifier.ok()) << classifier.status();
    auto original = TokenClassifier::Load(ModelVectorDir(c.model));
    ASSERT_TRUE(original.ok()) << original.status();
    EXPECT_EQ((*classifier)->labels(), (*original)->labels());
    // The same weights under our names: the same entities, types included.
    Batch batch;
    batch.input_ids = {{2, 17, 33, 8, 90, 3}};
    EXPECT_EQ((*classifier)->Forward(batch)->rows, (*original)->Forward(batch)->rows);
    const std::vector<Entity> got = Tag(dir.path()), want = Tag(ModelVectorDir(c.model));
    if (c.model == "legacy-names") {
      ASSERT_FALSE(want.empty());
    }
    EXPECT_EQ(got, want);
    for (const Entity& e : got) EXPECT_TRUE(IsCanonicalEntityType(e.type)) << e.type;
  }
}

TEST(LabelMap, ABadMapFailsTheLoadNamingTheFile) {
  TempDir dir;
  ThirdPartyCopy("tiny-f32", dir.path(), {"O", "B-DISEASE", "I-DISEASE"},
                 R"({"types": {"DISEASE": "Illness"}})");
  const std::string map = dir.file(kLabelMapFile);
  for (const Status& s :
       {TokenClassifier::Load(dir.path()).status(), LoadTaggingModel(dir.path(), "v").status(),
        ReadModelFolderConfig(dir.path()).status()}) {
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s;
    EXPECT_NE(s.message().find(map), std::string::npos) << s;
    EXPECT_NE(s.message().find("'Illness'"), std::string::npos) << s;
  }
  // Without the map the checkpoint's own type names are what it tags.
  std::filesystem::remove(map);
  auto raw = TokenClassifier::Load(dir.path());
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ((*raw)->labels(), (Labels{"O", "B-DISEASE", "I-DISEASE"}));
}

TEST(LabelMap, SavingWritesOurLabelsSoTheCopyNeedsNoMap) {
  TempDir dir;
  ThirdPartyCopy("tiny-f32", dir.path() + "/in", {"O", "B", "I"}, R"({"type": "Disease"})");
  auto m = TokenClassifier::Load(dir.path() + "/in");
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_TRUE((*m)->Save(dir.path() + "/out").ok());
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/out/" + kLabelMapFile));
  auto back = ReadModelFolderConfig(dir.path() + "/out");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->labels, (Labels{"O", "B-Disease", "I-Disease"}));
}

}  // namespace
}  // namespace bioner
