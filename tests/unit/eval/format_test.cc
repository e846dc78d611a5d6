#include "core/eval/format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace bioner {
namespace {

using nlohmann::json;

EvalResult Sample(bool corpora) {
  EvalResult r;
  r.has_corpora = corpora;
  r.gold_documents = 3;
  r.pred_documents = 2;
  r.documents_missing_from_pred = 1;
  r.missing_ids = {"x"};
  r.strict.micro = Counts{2, 2, 1};
  r.strict.per_type["Disease"] = Counts{2, 2, 1};
  r.lenient.micro = Counts{3, 1, 0};
  r.lenient.per_type["Disease"] = Counts{3, 1, 0};
  if (corpora) {
    r.strict.per_corpus["ncbi_disease"] = Counts{2, 2, 1};
    r.strict.per_corpus_type["ncbi_disease"]["Disease"] = Counts{2, 2, 1};
    r.strict.macro_over_corpora = MacroAverage{0.5, 0.25, 0.125, 2};
    r.strict.macro_over_corpora_per_type["Disease"] = MacroAverage{0.5, 0.25, 0.125, 2};
  }
  return r;
}

void ExpectCounts(const json& c, int tp, int fp, int fn, double p, double r, double f1) {
  ASSERT_TRUE(c.is_object()) << c;
  EXPECT_EQ(c.size(), 6u) << c;
  EXPECT_EQ(c.at("tp"), tp);
  EXPECT_EQ(c.at("fp"), fp);
  EXPECT_EQ(c.at("fn"), fn);
  EXPECT_DOUBLE_EQ(c.at("precision").get<double>(), p);
  EXPECT_DOUBLE_EQ(c.at("recall").get<double>(), r);
  EXPECT_DOUBLE_EQ(c.at("f1").get<double>(), f1);
}

TEST(EvalJson, ContractKeysAndValues) {
  json j = json::parse(EvalResultToJson(Sample(true)));
  ExpectCounts(j["strict"]["micro"], 2, 2, 1, 0.5, 2.0 / 3, 4.0 / 7);
  ExpectCounts(j["strict"]["per_type"]["Disease"], 2, 2, 1, 0.5, 2.0 / 3, 4.0 / 7);
  ExpectCounts(j["strict"]["per_corpus"]["ncbi_disease"], 2, 2, 1, 0.5, 2.0 / 3, 4.0 / 7);
  ExpectCounts(j["strict"]["per_corpus_type"]["ncbi_disease"]["Disease"], 2, 2, 1, 0.5,
               2.0 / 3, 4.0 / 7);
  ExpectCounts(j["lenient"]["micro"], 3, 1, 0, 0.75, 1.0, 6.0 / 7);
  const json& m = j["strict"]["macro_over_corpora"];
  EXPECT_DOUBLE_EQ(m["precision"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(m["recall"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(m["f1"].get<double>(), 0.125);
  EXPECT_EQ(m["corpora"], 2);
  EXPECT_EQ(j["strict"]["macro_over_corpora_per_type"]["Disease"]["corpora"], 2);
  EXPECT_EQ(j["documents_gold"], 3);
  EXPECT_EQ(j["documents_pred"], 2);
  EXPECT_EQ(j["documents_missing_from_pred"], 1);
  EXPECT_TRUE(j["matching"]["strict"].is_string());
  EXPECT_NE(j["matching"]["lenient"].get<std::string>().find("HunFlair"), std::string::npos);
  // One line when asked.
  EXPECT_EQ(EvalResultToJson(Sample(true), -1).find('\n'), std::string::npos);
}

TEST(EvalJson, PerCorpusKeysOnlyWithCorpora) {
  json j = json::parse(EvalResultToJson(Sample(false)));
  for (const char* side : {"strict", "lenient"}) {
    EXPECT_TRUE(j[side].contains("micro"));
    EXPECT_TRUE(j[side].contains("per_type"));
    EXPECT_FALSE(j[side].contains("per_corpus"));
    EXPECT_FALSE(j[side].contains("per_corpus_type"));
    EXPECT_FALSE(j[side].contains("macro_over_corpora"));
    EXPECT_FALSE(j[side].contains("macro_over_corpora_per_type"));
  }
}

TEST(EvalJson, UndefinedRatiosAreZero) {
  EvalResult r;
  json j = json::parse(EvalResultToJson(r));
  ExpectCounts(j["strict"]["micro"], 0, 0, 0, 0, 0, 0);
  EXPECT_TRUE(j["strict"]["per_type"].is_object());
  EXPECT_TRUE(j["strict"]["per_type"].empty());
}

TEST(EvalText, NamesMatchingsAndMissingDocuments) {
  const std::string t = EvalResultToText(Sample(true));
  EXPECT_NE(t.find("== strict matching =="), std::string::npos) << t;
  EXPECT_NE(t.find("== lenient matching =="), std::string::npos) << t;
  EXPECT_LT(t.find("== strict matching =="), t.find("== lenient matching =="));
  EXPECT_NE(t.find("missing from the predictions (all their entities count as fn): 1 (x)"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("0.5000    0.6667    0.5714"), std::string::npos) << t;
  EXPECT_NE(t.find("ncbi_disease"), std::string::npos);
  EXPECT_NE(t.find("macro over corpora"), std::string::npos);
}

}  // namespace
}  // namespace bioner
