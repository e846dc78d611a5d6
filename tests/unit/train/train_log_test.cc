#include "core/train/train_log.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/train/svg.h"

namespace bioner::train {
namespace {

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

std::vector<EpochRecord> Records() {
  std::vector<EpochRecord> r(3);
  for (int i = 0; i < 3; ++i) {
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
  const EpochRecord r = Records()[1];
  auto back = ParseEpochRecord(EpochRecordToJson(r), "log");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->epoch, 2);
  EXPECT_EQ(back->step, 20);
  EXPECT_DOUBLE_EQ(back->dev_f1, r.dev_f1);
  EXPECT_DOUBLE_EQ(back->train_loss, r.train_loss);
  auto bad = ParseEpochRecord("{\"epoch\": 1}", "log.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("log.jsonl"), std::string::npos);
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
