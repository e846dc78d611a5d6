#include "core/eval/report.h"

#include <gtest/gtest.h>

#include "core/eval/format.h"

namespace bioner {
namespace {

TEST(Report, AnchorsAsPublished) {
  const auto& a = PublishedAnchors();
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[0].type, "Gene");
  EXPECT_FALSE(a[0].biobert_seed.has_value());
  EXPECT_FALSE(a[1].hunflair.has_value());  // Chemical
  EXPECT_EQ(a[2].type, "Disease");
  EXPECT_EQ(*a[2].biobert_seed, 0.828);
  EXPECT_EQ(*a[2].hunflair, 0.865);
  EXPECT_EQ(*a[3].biobert_seed, 0.799);  // Species
  EXPECT_EQ(*a[3].hunflair, 0.870);
  EXPECT_EQ(a[4].type, "CellLine");
  EXPECT_EQ(*a[4].biobert_seed, 0.697);
  EXPECT_EQ(*a[4].hunflair, 0.806);
}

TEST(Report, ReadsEvalJsonPreferringMacroOverCorpora) {
  EvalResult r;
  r.has_corpora = true;
  r.strict.per_type["Disease"] = Counts{1, 1, 0};                   // micro F1 2/3
  r.strict.macro_over_corpora_per_type["Disease"] = {0, 0, 0.25, 2};  // macro F1 0.25
  r.lenient.macro_over_corpora_per_type["Disease"] = {0, 0, 0.5, 2};
  auto col = ParseMetrics(EvalResultToJson(r), "m.json", "strict");
  ASSERT_TRUE(col.ok()) << col.status();
  EXPECT_TRUE(col->macro);
  EXPECT_DOUBLE_EQ(col->f1.at("Disease"), 0.25);
  auto lenient = ParseMetrics(EvalResultToJson(r), "m.json", "lenient");
  ASSERT_TRUE(lenient.ok());
  EXPECT_DOUBLE_EQ(lenient->f1.at("Disease"), 0.5);

  r.has_corpora = false;  // no corpora: micro per type
  auto micro = ParseMetrics(EvalResultToJson(r), "m.json", "strict");
  ASSERT_TRUE(micro.ok());
  EXPECT_FALSE(micro->macro);
  EXPECT_DOUBLE_EQ(micro->f1.at("Disease"), 2.0 / 3.0);
}

TEST(Report, ReadsTrainerMetricsWithTestObject) {
  auto col = ParseMetrics(
      R"({"dev": {"strict": {"per_type": {"Gene": {"f1": 0.1}}}},
          "test": {"strict": {"per_type": {"Gene": {"f1": 0.9}, "Chemical": {"f1": 0.8}}}}})",
      "metrics.json", "strict");
  ASSERT_TRUE(col.ok()) << col.status();
  EXPECT_FALSE(col->macro);
  EXPECT_DOUBLE_EQ(col->f1.at("Gene"), 0.9);
  EXPECT_DOUBLE_EQ(col->f1.at("Chemical"), 0.8);
}

TEST(Report, ErrorsNameFileAndKey) {
  auto msg = [](const std::string& text, const std::string& matching = "strict") {
    auto c = ParseMetrics(text, "x.json", matching);
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_EQ(msg("{"), "x.json: not valid JSON");
  EXPECT_EQ(msg("[]"), "x.json: expected a JSON object");
  EXPECT_NE(msg("{}").find("x.json: no \"strict\" object"), std::string::npos);
  EXPECT_EQ(msg(R"({"strict": {"per_type": {"Gene": {"f1": "high"}}}})"),
            "x.json: strict.per_type.Gene.f1: expected a number");
  EXPECT_EQ(msg(R"({"test": {"strict": {"per_type": {"Gene": {}}}}})"),
            "x.json: test.strict.per_type.Gene: missing \"f1\"");
  EXPECT_NE(msg(R"({"strict": {}})").find("neither"), std::string::npos);
  EXPECT_NE(msg("{}", "fuzzy").find("'strict' or 'lenient'"), std::string::npos);
  EXPECT_EQ(ReadMetricsFile("/nonexistent/m.json", "strict").status().code(),
            StatusCode::kNotFound);
}

TEST(Report, MarkdownTable) {
  MetricsColumn a{"a.json", "strict", true, {{"Disease", 0.8514}, {"Gene", 0.9}}};
  MetricsColumn b{"b.json", "strict", false, {{"Disease", 0.5}, {"Mutation", 0.25}}};
  const std::string t = FormatReport({a, b});
  EXPECT_NE(t.find("| Entity type | F1 [1] | F1 [2] | BioBERT, seed poster | HunFlair, "
                   "average |\n|---|---:|---:|---:|---:|\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("| Gene | 0.900 | — | — | — |\n"), std::string::npos) << t;
  EXPECT_NE(t.find("| Chemical | — | — | — | — |\n"), std::string::npos) << t;
  EXPECT_NE(t.find("| Disease | 0.851 | 0.500 | 0.828 | 0.865 |\n"), std::string::npos) << t;
  EXPECT_NE(t.find("| Species | — | — | 0.799 | 0.870 |\n"), std::string::npos) << t;
  EXPECT_NE(t.find("| CellLine | — | — | 0.697 | 0.806 |\n"), std::string::npos) << t;
  EXPECT_NE(t.find("| Mutation | — | 0.250 | — | — |\n"), std::string::npos) << t;
  EXPECT_LT(t.find("| CellLine"), t.find("| Mutation"));
  EXPECT_NE(t.find("[1] a.json: strict matching; F1 = unweighted mean"), std::string::npos);
  EXPECT_NE(t.find("[2] b.json: strict matching; micro F1"), std::string::npos);
}

// The metrics.json that `bioner-trainer train` writes into every checkpoint.
TEST(Report, ReadsACheckpointMetricsJson) {
  const std::string text = R"({"entity_type": "Disease", "version": 1,
    "test": {"micro": {"f1": 0.51, "lenient_f1": 0.65}, "per_corpus": {},
             "macro_over_corpora": {"precision": 0.5, "recall": 0.6, "f1": 0.55, "corpora": 3}}})";
  auto strict = ParseMetrics(text, "models/Disease/1/metrics.json", "strict");
  ASSERT_TRUE(strict.ok()) << strict.status();
  EXPECT_TRUE(strict->macro);
  EXPECT_DOUBLE_EQ(strict->f1.at("Disease"), 0.55);
  auto lenient = ParseMetrics(text, "m.json", "lenient");
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_FALSE(lenient->macro);
  EXPECT_DOUBLE_EQ(lenient->f1.at("Disease"), 0.65);
  auto bad = ParseMetrics(R"({"entity_type": 3, "test": {"micro": {}}})", "bad.json", "strict");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("bad.json"), std::string::npos);
}

}  // namespace
}  // namespace bioner
