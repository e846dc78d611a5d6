// The file formats of the trainer daemon: trainer.yaml (DaemonConfig), JOBS/status/<name>.json
// with the progress lines merged into it, and the JobFolder stage moves and ordering. The
// --progress lines themselves: tests/unit/train/progress_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"
#include "trainer/daemon_config.h"
#include "trainer/job_folder.h"
#include "trainer/job_status.h"

namespace bioner::trainer {
namespace {

namespace fs = std::filesystem;

TEST(DaemonConfig, DefaultsAndOverrides) {
  auto c = ParseDaemonConfig("jobs_dir: /srv/jobs\n", "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->jobs_dir, "/srv/jobs");
  EXPECT_EQ(c->metrics_listen, "127.0.0.1:9465");
  EXPECT_EQ(c->poll_interval_ms, 1000);
  EXPECT_EQ(c->progress_every_steps, 10);
  EXPECT_EQ(c->stop_grace_s, 30);
  c = ParseDaemonConfig(
      "jobs_dir: j\nmetrics_listen: \"[::1]:0\"\npoll_interval_ms: 50\nprogress_every_steps: 1\n"
      "stop_grace_s: 0\n",
      "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->metrics_listen, "[::1]:0");
  EXPECT_EQ(c->poll_interval_ms, 50);
  EXPECT_EQ(c->progress_every_steps, 1);
  EXPECT_EQ(c->stop_grace_s, 0);
}

TEST(DaemonConfig, RefusesBadKeysAndValuesNamingThem) {
  struct Case {
    const char* yaml;
    const char* expect;
  } cases[] = {
      {"metrics_listen: 127.0.0.1:1\n", "key 'jobs_dir' is required"},
      {"jobs_dir: j\njob_dir: k\n", "unknown key 'job_dir'"},
      {"jobs_dir: j\npoll_interval_ms: 5\n", "key 'poll_interval_ms' 5 is out of range"},
      {"jobs_dir: j\npoll_interval_ms: fast\n", "key 'poll_interval_ms' must be an integer"},
      {"jobs_dir: j\nmetrics_listen: 9465\n", "key 'metrics_listen' '9465' is not host:port"},
      {"jobs_dir: j\nmetrics_listen: h:70000\n", "is not host:port"},
      {"jobs_dir: [a, b]\n", "key 'jobs_dir' must be a string"},
      {"jobs_dir: j\nstop_grace_s:\n", "key 'stop_grace_s' has no value"},
      {"- a\n- b\n", "must be a YAML mapping"},
      {"jobs_dir: [\n", "not valid YAML"},
  };
  for (const auto& c : cases) {
    auto r = ParseDaemonConfig(c.yaml, "t.yaml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().ToString();
    EXPECT_EQ(r.status().message().rfind("t.yaml: ", 0), 0u) << r.status().ToString();
  }
}

train::TrainProgress Line(train::TrainProgress::Event event, int epoch, int64_t step,
                          double train_loss) {
  train::TrainProgress p;
  p.event = event;
  p.epoch = epoch;
  p.epochs = 3;
  p.step = step;
  p.train_loss = train_loss;
  return p;
}

TEST(JobStatus, MergesProgressLinesAsTheDaemonShowsThem) {
  using Event = train::TrainProgress::Event;
  train::TrainProgress epoch = Line(Event::kEpoch, 1, 30, 0.5);
  epoch.dev_f1 = 0.75;
  epoch.seconds = 12;
  train::TrainProgress merged;
  MergeProgress(epoch, &merged);
  EXPECT_EQ(merged.dev_f1, 0.75);
  EXPECT_EQ(merged.seconds, 12);

  // A resumed trainer's start line: counters only, nothing measured yet.
  MergeProgress(Line(Event::kStart, 1, 30, 0), &merged);
  EXPECT_EQ(merged.event, Event::kStart);
  EXPECT_EQ(merged.epochs, 3);
  EXPECT_EQ(merged.train_loss, 0.5);  // the last loss stays

  MergeProgress(Line(Event::kStep, 2, 31, 0.25), &merged);
  EXPECT_EQ(merged.event, Event::kStep);
  EXPECT_EQ(merged.epoch, 2);
  EXPECT_EQ(merged.step, 31);
  EXPECT_EQ(merged.train_loss, 0.25);
  EXPECT_EQ(merged.dev_f1, 0.75);  // dev scores change on epoch lines only
  EXPECT_EQ(merged.seconds, 12);
}

TEST(JobStatus, RoundTripsThroughJson) {
  JobStatus s;
  s.name = "disease-7";
  s.state = JobState::kSucceeded;
  s.queued_at = "2024-05-01T12:00:00Z";
  s.started_at = "2024-05-01T12:00:01Z";
  s.finished_at = "2024-05-01T13:00:00Z";
  s.attempts = 2;
  s.progress.event = train::TrainProgress::Event::kStep;
  s.progress.epoch = 3;
  s.progress.epochs = 3;
  s.progress.step = 90;
  s.progress.total_steps = 90;
  s.progress.train_loss = 0.125;
  s.progress.dev_f1 = 0.8125;
  s.version = 4;
  s.version_dir = "repo/Disease/4";
  s.resumed_from_epoch = 1;
  s.final_dev_f1 = 0.8125;
  s.promoted = true;
  s.promotion = "dev F1 0.81 >= 0.80";
  auto t = ParseJobStatus(JobStatusToJson(s), "s.json");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(JobStatusToJson(*t), JobStatusToJson(s));
  // Flat keys, as the readers of status files know them; the last epoch's dev scores also
  // when the last line was a step's.
  const auto j = nlohmann::json::parse(JobStatusToJson(s));
  EXPECT_EQ(j["step"], 90);
  EXPECT_EQ(j["dev_f1"], 0.8125);
  EXPECT_EQ(j["event"], "step");
  // A status file written before the status held the whole record (no "event").
  auto old = ParseJobStatus(
      R"({"name":"a","state":"running","epoch":2,"step":7,"train_loss":null,"dev_f1":0.5})",
      "old.json");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->progress.event, train::TrainProgress::Event::kStart);
  EXPECT_EQ(old->progress.epoch, 2);
  EXPECT_EQ(old->progress.step, 7);
  EXPECT_TRUE(std::isnan(old->progress.train_loss));
  EXPECT_EQ(old->progress.dev_f1, 0.5);
  for (JobState st : kAllJobStates) EXPECT_EQ(*ParseJobState(JobStateName(st)), st);
  EXPECT_FALSE(ParseJobStatus("{\"state\":\"sleeping\"}", "s.json").ok());
  EXPECT_FALSE(ParseJobStatus("not json", "s.json").ok());
}

TEST(JobFolder, ListsOldestFirstMovesByRenameAndLocks) {
  test_support::TempDir dir("jobfolder");
  auto folder = JobFolder::Open(dir.path());
  ASSERT_TRUE(folder.ok()) << folder.status().ToString();
  for (const char* sub : {"incoming", "running", "done", "failed", "cancel", "status", "logs"}) {
    EXPECT_TRUE(fs::is_directory(dir.file(sub))) << sub;
  }
  const JobFolder& f = **folder;
  test_support::Spit(f.ConfigPath(Stage::kIncoming, "b"), "x");
  test_support::Spit(f.ConfigPath(Stage::kIncoming, "a"), "x");
  test_support::Spit(f.ConfigPath(Stage::kIncoming, "c"), "x");
  test_support::Spit(dir.file("incoming/.d.yaml"), "x");  // a submitter's temporary file
  test_support::Spit(dir.file("incoming/e.yaml.part"), "x");
  const auto t = fs::last_write_time(f.ConfigPath(Stage::kIncoming, "a"));
  fs::last_write_time(f.ConfigPath(Stage::kIncoming, "c"), t - std::chrono::seconds(10));
  fs::last_write_time(f.ConfigPath(Stage::kIncoming, "a"), t);
  fs::last_write_time(f.ConfigPath(Stage::kIncoming, "b"), t);
  EXPECT_EQ(*f.List(Stage::kIncoming), (std::vector<std::string>{"c", "a", "b"}));

  ASSERT_TRUE(f.Move("c", Stage::kIncoming, Stage::kRunning).ok());
  EXPECT_EQ(*f.List(Stage::kRunning), std::vector<std::string>{"c"});
  EXPECT_FALSE(f.Move("c", Stage::kIncoming, Stage::kRunning).ok());  // not there any more
  ASSERT_TRUE(f.Move("c", Stage::kRunning, Stage::kFailed).ok());
  ASSERT_TRUE(f.WriteError("c", "why").ok());
  EXPECT_EQ(test_support::Slurp(f.ErrorPath("c")), "why\n");
  f.ForgetEarlierRun("c");
  EXPECT_FALSE(fs::exists(f.ErrorPath("c")));
  EXPECT_FALSE(fs::exists(f.ConfigPath(Stage::kFailed, "c")));

  test_support::Spit(f.CancelPath("a"), "");
  EXPECT_EQ(*f.CancelRequests(), std::vector<std::string>{"a"});
  f.RemoveCancelRequest("a");
  EXPECT_TRUE(f.CancelRequests()->empty());

  JobStatus s;
  s.name = "a";
  ASSERT_TRUE(f.WriteStatus(s).ok());
  test_support::Spit(f.StatusPath("broken"), "{");
  std::vector<std::string> problems;
  const auto statuses = f.ReadStatuses(&problems);
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].name, "a");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("broken.json"), std::string::npos) << problems[0];

  auto second = JobFolder::Open(dir.path());  // one daemon per folder
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("in use by another"), std::string::npos);
}

}  // namespace
}  // namespace bioner::trainer
