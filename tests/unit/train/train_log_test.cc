#include "core/train/train_log.h"

#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/train/svg.h"
#include "core/util/strings.h"

namespace bioner::train {
namespace {

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

std::vector<TrainProgress> Records() {
  std::vector<TrainProgress> r(3);
  for (int i = 0; i < 3; ++i) {
    r[i].event = TrainProgress::Event::kEpoch;
    r[i].epoch = i + 1;
    r[i].step = 10 * (i + 1);
    r[i].train_loss = 1.0 / (i + 1);
    r[i].dev_loss = 1.2 / (i + 1);
    r[i].dev_precision = 0.5 + 0.1 * i;
    r[i].dev_recall = 0.4 + 0.1 * i;
    r[i].dev_f1 = 0.45 + 0.1 * i;
  }
  return r;
}

TEST(TrainLog, RecordRoundTrip) {
  const TrainProgress r = Records()[1];
  auto back = EpochRecordFromJson(nlohmann::json::parse(ProgressJsonLine(r)), "log");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->epoch, 2);
  EXPECT_EQ(back->step, 20);
  EXPECT_DOUBLE_EQ(back->dev_f1, r.dev_f1);
  EXPECT_DOUBLE_EQ(back->train_loss, r.train_loss);
  auto bad = EpochRecordFromJson(nlohmann::json::parse("{\"epoch\": 1}"), "log.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("log.jsonl"), std::string::npos);
  // A step record is no epoch's.
  nlohmann::json step = nlohmann::json::parse(ProgressJsonLine(r));
  step["event"] = "step";
  EXPECT_FALSE(EpochRecordFromJson(step, "log.jsonl").ok());
}

// A line of a train_log.jsonl (or state.json) written before the record was TrainProgress: no
// "event", "epochs" or "total_steps". A work folder of that time must still resume.
TEST(TrainLog, ReadsRecordsOfOlderLogs) {
  const char* old =
      R"({"dev_f1":0.59,"dev_loss":0.07,"dev_precision":0.69,"dev_recall":0.52,"epoch":1,)"
      R"("learning_rate":0.0017,"seconds":326.6,"step":1319,"tokens_per_second":18199.4,)"
      R"("train_loss":0.13})";
  auto r = EpochRecordFromJson(nlohmann::json::parse(old), "train_log.jsonl");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->event, TrainProgress::Event::kEpoch);
  EXPECT_EQ(r->step, 1319);
  EXPECT_EQ(r->epochs, 0);
  EXPECT_DOUBLE_EQ(r->seconds, 326.6);
  EXPECT_DOUBLE_EQ(r->dev_f1, 0.59);
}

TEST(TrainLog, JsonlAndSummary) {
  const std::string log = TrainLogJsonl(Records());
  EXPECT_EQ(Count(log, "\n"), 3u);
  const std::string md = TrainSummaryMarkdown("Chemical version 2", Records(), 3);
  EXPECT_NE(md.find("# Chemical version 2"), std::string::npos);
  EXPECT_NE(md.find("| 3 (selected) |"), std::string::npos) << md;
  EXPECT_EQ(Count(md, "(selected)"), 1u);
}

TEST(TrainLog, LearningCurvesSvg) {
  const std::string svg = LearningCurvesSvg(Records());
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(Count(svg, "<polyline"), 5u);     // train/dev loss, dev P/R/F1
  EXPECT_EQ(Count(svg, "<circle"), 15u);      // 3 epochs each
  EXPECT_NE(svg.find(">dev F1<"), std::string::npos);
  EXPECT_EQ(Count(svg, "<g "), Count(svg, "</g>"));
}

TEST(Svg, PointsAreScaledIntoThePlotAndTextIsEscaped) {
  LineChart c{"a < b & \"c\"", "x", "y", {{"s", "#000", {0, 1}, {0, 1}}}};
  c.y_min = 0, c.y_max = 1;
  const std::string g = ChartGroup(c, 0, 0);
  EXPECT_NE(g.find("a &lt; b &amp; &quot;c&quot;"), std::string::npos);
  // x 0 -> left margin (52), y 0 -> bottom of the plot (300 - 58), x 1 -> 420 - 12, y 1 -> top (28).
  EXPECT_NE(g.find("points=\"52.00,242.00 408.00,28.00 \""), std::string::npos) << g;
  EXPECT_EQ(XmlEscape("<&>"), "&lt;&amp;&gt;");
}

TEST(Svg, DegenerateDataDoesNotDivideByZero) {
  LineChart c{"t", "x", "y", {{"s", "red", {1}, {2}}, {"nan", "blue", {1}, {NAN}}}};
  const std::string g = ChartGroup(c, 0, 0);
  EXPECT_EQ(g.find("nan"), g.find(">nan<") + 1);  // "nan" only as the legend text, never a coordinate
  EXPECT_EQ(g.find("inf"), std::string::npos);
}

}  // namespace
}  // namespace bioner::train
