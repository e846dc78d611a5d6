// The one training-progress record and its JSON codec (core/train/progress.h): the --progress
// lines of `train`; the epoch log and the job status use the same codec (train_log_test.cc,
// tests/unit/trainer/daemon_files_test.cc).
#include "core/train/progress.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace bioner::train {
namespace {

TEST(ProgressJson, RoundTripsEveryEvent) {
  // Golden: the writer writes exactly this line (nlohmann sorts the keys).
  const std::string line =
      R"({"dev_f1":0.6875,"dev_loss":0.5,"dev_precision":0.75,"dev_recall":0.625,"epoch":2,)"
      R"("epochs":3,"event":"epoch","learning_rate":4e-05,"seconds":61.25,"step":57,)"
      R"("tokens_per_second":5120.5,"total_steps":90,"train_loss":0.25})";
  auto q = ParseProgressLine(line, "p.jsonl");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(ProgressJsonLine(*q), line);
  TrainProgress p = *q;
  EXPECT_EQ(q->event, TrainProgress::Event::kEpoch);
  EXPECT_EQ(q->epoch, 2);
  EXPECT_EQ(q->epochs, 3);
  EXPECT_EQ(q->step, 57);
  EXPECT_EQ(q->total_steps, 90);
  EXPECT_EQ(q->train_loss, 0.25);
  EXPECT_EQ(q->learning_rate, 4e-5);
  EXPECT_EQ(q->tokens_per_second, 5120.5);
  EXPECT_EQ(q->dev_precision, 0.75);
  EXPECT_EQ(q->dev_recall, 0.625);
  EXPECT_EQ(q->dev_f1, 0.6875);
  EXPECT_EQ(q->dev_loss, 0.5);
  EXPECT_EQ(q->seconds, 61.25);
  p.event = TrainProgress::Event::kStep;
  EXPECT_EQ(ProgressJsonLine(p).find("dev_f1"), std::string::npos);  // only epoch lines
  EXPECT_EQ(ParseProgressLine(ProgressJsonLine(p), "p.jsonl")->event, TrainProgress::Event::kStep);
  p.event = TrainProgress::Event::kStart;
  EXPECT_EQ(ParseProgressLine(ProgressJsonLine(p), "p.jsonl")->event, TrainProgress::Event::kStart);
  p.train_loss = std::nan("");  // a diverged loss is written as null and read back as NaN
  EXPECT_TRUE(std::isnan(ParseProgressLine(ProgressJsonLine(p), "p.jsonl")->train_loss));
}

TEST(ProgressJson, RefusesWhatIsNotAProgressLine) {
  for (const char* bad : {"", "{\"epoch\":1", "[1,2]", "{\"event\":\"stop\"}", "{\"event\":7}",
                          "{\"event\":\"step\",\"step\":\"many\"}"}) {
    auto r = ParseProgressLine(bad, "p.jsonl");
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ProgressJson, RefusesOutOfRangeIntegersAndNamesTheKeyAndSource) {
  auto r = ParseProgressLine(R"({"event":"step","epoch":4294967296})", "p.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("p.jsonl: \"epoch\""), std::string::npos) << r.status();
  r = ParseProgressLine(R"({"event":"step","train_loss":"low"})", "p.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("\"train_loss\""), std::string::npos) << r.status();
}

TEST(ProgressJson, DefaultEventAndRequiredKeys) {
  const auto j = nlohmann::json::parse(R"({"epoch":2,"step":9,"pid":7})");  // other keys ignored
  auto r = ProgressFromJson(j, "s.json", TrainProgress::Event::kEpoch);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->event, TrainProgress::Event::kEpoch);
  EXPECT_EQ(r->step, 9);
  EXPECT_EQ(r->train_loss, 0);                                     // absent: 0
  EXPECT_FALSE(ProgressFromJson(j, "s.json", std::nullopt).ok());  // "event" required
  r = ProgressFromJson(j, "s.json", TrainProgress::Event::kEpoch, {"epoch", "dev_f1"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("s.json: progress record without \"dev_f1\""),
            std::string::npos)
      << r.status();
}

TEST(ProgressJson, AllKeysWhateverTheEvent) {
  TrainProgress p;
  p.event = TrainProgress::Event::kStep;
  p.dev_f1 = 0.5;
  nlohmann::json j = {{"name", "job"}};
  ProgressToJson(p, &j, ProgressKeys::kAll);
  EXPECT_EQ(j["name"], "job");  // other keys are left alone
  EXPECT_EQ(j["dev_f1"], 0.5);
  EXPECT_TRUE(j.contains("seconds"));
  EXPECT_EQ(j["event"], "step");
}

}  // namespace
}  // namespace bioner::train
