// `bioner-trainer serve` end to end: the real daemon on a temporary jobs folder with /metrics
// on 127.0.0.1:0, real training jobs of a tiny model (tests/unit/train/train_test_util.h),
// jobs submitted by rename as a user would, the status files and /metrics read back.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tests/integration/server_process.h"
#include "tests/integration/subprocess.h"
#include "tests/unit/train/train_test_util.h"

namespace bioner::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using train_testing::Slurp;
using train_testing::WriteText;

const std::string kTrainer = std::string(BIONER_BINARY_DIR) + "/trainer/bioner-trainer";

// The daemon in a child process; stderr into a file. SIGKILL on destruction if still running.
class Daemon {
 public:
  Daemon(const std::string& dir, const std::string& jobs)
      : err_(dir + "/daemon.err." + std::to_string(n_++)) {
    WriteText(dir + "/trainer.yaml", "jobs_dir: " + jobs +
                                         "\nmetrics_listen: 127.0.0.1:9465\npoll_interval_ms: 50\n"
                                         "progress_every_steps: 1\nstop_grace_s: 20\n");
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, STDERR_FILENO);
      const std::string config = dir + "/trainer.yaml";
      ::execl(kTrainer.c_str(), kTrainer.c_str(), "serve", "--config", config.c_str(), "--metrics",
              "127.0.0.1:0", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    static const std::regex metrics(R"(metrics on 127\.0\.0\.1:([0-9]+))");
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::smatch m;
    while (std::chrono::steady_clock::now() < give_up) {
      const std::string err = Slurp(err_);
      if (std::regex_search(err, m, metrics)) {
        metrics_port_ = std::stoi(m[1]);
        return;
      }
      if (!Running()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~Daemon() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_status_ = status;
      return false;
    }
    return true;
  }
  // SIGTERM; the exit code, -1 for a signal or no exit within `timeout_s`.
  int Terminate(int timeout_s) {
    ::kill(pid_, SIGTERM);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (Running() && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (pid_ > 0) return -1;
    return WIFEXITED(exit_status_) ? WEXITSTATUS(exit_status_) : -1;
  }
  int metrics_port() const { return metrics_port_; }
  std::string log() const { return Slurp(err_); }

 private:
  static inline int n_ = 0;
  std::string err_;
  pid_t pid_ = -1;
  int exit_status_ = 0;
  int metrics_port_ = 0;
};

class TrainerDaemonTest : public ::testing::Test {
 protected:
  TrainerDaemonTest()
      : jobs_(dir_.file("jobs")), task_(train_testing::MakeTask(dir_.path(), 24, 8)) {}

  // Submits as a user should: write beside, rename in. Each job gets its own repository.
  void Submit(const std::string& name, const std::string& yaml) {
    fs::create_directories(jobs_ + "/incoming");
    WriteText(dir_.file(name + ".yaml.part"), yaml);
    fs::rename(dir_.file(name + ".yaml.part"), jobs_ + "/incoming/" + name + ".yaml");
  }
  std::string GoodJob(const std::string& name, int epochs, const std::string& extra = "") {
    train_testing::Task t = task_;
    t.repo = dir_.file("repo_" + name);
    return train_testing::TaskConfig(t, extra, epochs);
  }
  json Status(const std::string& name) {
    const json j = json::parse(Slurp(jobs_ + "/status/" + name + ".json"), nullptr, false);
    return j.is_object() ? j : json::object();
  }
  // Polls until `done` or the deadline; false on timeout.
  bool WaitFor(const std::function<bool()>& done, int seconds = 120) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < give_up) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }
  bool WaitForState(const std::string& name, const std::string& state, int seconds = 120) {
    return WaitFor([&] { return Status(name).value("state", "") == state; }, seconds);
  }
  double Metric(Daemon& d, const std::string& series) {
    auto text = ScrapeMetrics(d.metrics_port());
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    return text.ok() ? MetricValue(*text, series) : -1;
  }

  train_testing::TempDir dir_;
  std::string jobs_;
  train_testing::Task task_;
};

TEST_F(TrainerDaemonTest, GoodJobSucceedsPublishesAndShowsInStatusAndMetrics) {
  Daemon d(dir_.path(), jobs_);
  ASSERT_GT(d.metrics_port(), 0) << d.log();
  EXPECT_EQ(Metric(d, "bioner_trainer_up"), 1);
  Submit("good", GoodJob("good", 2));
  ASSERT_TRUE(WaitForState("good", "succeeded")) << Status("good").dump(2) << d.log();

  const json s = Status("good");
  EXPECT_TRUE(fs::exists(jobs_ + "/done/good.yaml"));
  EXPECT_FALSE(fs::exists(jobs_ + "/running/good.yaml"));
  EXPECT_TRUE(fs::exists(dir_.file("repo_good/Chemical/1/model.safetensors")));
  EXPECT_EQ(s["version"], 1);
  EXPECT_EQ(s["version_dir"], dir_.file("repo_good/Chemical/1"));
  EXPECT_EQ(s["promoted"], true) << s.dump(2);
  EXPECT_EQ(s["epoch"], 2);
  EXPECT_EQ(s["epochs"], 2);
  EXPECT_GT(s["total_steps"].get<int>(), 0);
  EXPECT_EQ(s["step"], s["total_steps"]);
  EXPECT_GT(s["train_loss"].get<double>(), 0);
  EXPECT_GT(s["tokens_per_second"].get<double>(), 0);
  EXPECT_TRUE(s["dev_f1"].is_number());
  EXPECT_EQ(s["attempts"], 1);
  EXPECT_NE(s["started_at"], "");
  EXPECT_NE(s["finished_at"], "");
  EXPECT_EQ(s["error"], "");
  // The progress file: a start line, one line per step (progress_every_steps: 1), two epochs.
  const std::string progress = Slurp(jobs_ + "/logs/good.progress.jsonl");
  EXPECT_NE(progress.find("\"event\":\"start\""), std::string::npos);
  EXPECT_NE(progress.find("\"event\":\"epoch\""), std::string::npos);
  EXPECT_NE(progress.find("\"dev_f1\""), std::string::npos);

  EXPECT_EQ(Metric(d, "bioner_trainer_jobs_finished_total{outcome=\"succeeded\"}"), 1);
  EXPECT_EQ(Metric(d, "bioner_trainer_jobs{state=\"succeeded\"}"), 1);
  EXPECT_EQ(Metric(d, "bioner_trainer_jobs{state=\"running\"}"), 0);
  EXPECT_EQ(Metric(d, "bioner_trainer_epoch"), 2);
  EXPECT_EQ(Metric(d, "bioner_trainer_step"), s["total_steps"].get<double>());
  EXPECT_EQ(Metric(d, "bioner_trainer_total_steps"), s["total_steps"].get<double>());
  EXPECT_GT(Metric(d, "bioner_trainer_train_loss"), 0);
  EXPECT_GT(Metric(d, "bioner_trainer_tokens_per_second"), 0);
  EXPECT_EQ(d.Terminate(30), 0) << d.log();
}

TEST_F(TrainerDaemonTest, BadJobsFailWithTheirReasonAndTheDaemonRunsTheNextJob) {
  Daemon d(dir_.path(), jobs_);
  ASSERT_GT(d.metrics_port(), 0) << d.log();
  // Oldest first: the two bad ones run before the good one.
  Submit("a_unknown_key", GoodJob("a", 1, "learning_rat: 0.1\n"));
  std::string missing = GoodJob("b", 1);
  missing.replace(0, missing.find('\n'), "model: " + dir_.file("no_such_model"));
  Submit("b_missing_model", missing);
  Submit("c_not_yaml", "model: [unclosed\n");
  const auto t = fs::last_write_time(jobs_ + "/incoming/a_unknown_key.yaml");
  fs::last_write_time(jobs_ + "/incoming/b_missing_model.yaml", t + std::chrono::seconds(1));
  fs::last_write_time(jobs_ + "/incoming/c_not_yaml.yaml", t + std::chrono::seconds(2));
  ASSERT_TRUE(WaitForState("c_not_yaml", "failed")) << d.log();
  Submit("d_good", GoodJob("d", 1));
  ASSERT_TRUE(WaitForState("d_good", "succeeded")) << Status("d_good").dump(2) << d.log();

  const std::string e1 = Slurp(jobs_ + "/failed/a_unknown_key.error");
  EXPECT_NE(e1.find("unknown key 'learning_rat'"), std::string::npos) << e1;
  EXPECT_NE(e1.find("exit code 2"), std::string::npos) << e1;
  const std::string e2 = Slurp(jobs_ + "/failed/b_missing_model.error");
  EXPECT_NE(e2.find("key 'model'"), std::string::npos) << e2;
  EXPECT_NE(e2.find("no_such_model"), std::string::npos) << e2;
  EXPECT_NE(Slurp(jobs_ + "/failed/c_not_yaml.error").find("not valid YAML"), std::string::npos);
  EXPECT_EQ(Status("a_unknown_key")["state"], "failed");
  EXPECT_EQ(Status("a_unknown_key")["error"], e1.substr(0, e1.size() - 1));
  EXPECT_TRUE(fs::exists(jobs_ + "/failed/a_unknown_key.yaml"));
  EXPECT_TRUE(fs::exists(dir_.file("repo_d/Chemical/1/model.safetensors")));
  EXPECT_FALSE(fs::exists(dir_.file("repo_a")));
  EXPECT_EQ(Metric(d, "bioner_trainer_jobs_finished_total{outcome=\"failed\"}"), 3);
  EXPECT_EQ(Metric(d, "bioner_trainer_jobs_finished_total{outcome=\"succeeded\"}"), 1);
  EXPECT_EQ(Metric(d, "bioner_trainer_jobs{state=\"failed\"}"), 3);
  EXPECT_TRUE(d.Running());
  EXPECT_EQ(d.Terminate(30), 0) << d.log();
}

TEST_F(TrainerDaemonTest, CancelStopsTheRunningJobAndACrashedJobFailsWithItsSignal) {
  Daemon d(dir_.path(), jobs_);
  ASSERT_GT(d.metrics_port(), 0) << d.log();
  Submit("long", GoodJob("long", 200));
  Submit("crash", GoodJob("crash", 200));
  Submit("queued", GoodJob("queued", 1));
  fs::last_write_time(jobs_ + "/incoming/crash.yaml",
                      fs::last_write_time(jobs_ + "/incoming/long.yaml") + std::chrono::seconds(1));
  fs::last_write_time(jobs_ + "/incoming/queued.yaml",
                      fs::last_write_time(jobs_ + "/incoming/long.yaml") + std::chrono::seconds(2));
  ASSERT_TRUE(WaitFor([&] { return Status("long").value("step", 0) > 0; })) << d.log();
  EXPECT_EQ(Status("long")["state"], "running");
  EXPECT_EQ(Metric(d, "bioner_trainer_jobs{state=\"running\"}"), 1);
  EXPECT_EQ(Metric(d, "bioner_trainer_jobs{state=\"queued\"}"), 2);
  EXPECT_GT(Metric(d, "bioner_trainer_step"), 0);
  WriteText(jobs_ + "/cancel/queued", "");  // a queued job is cancelled without running
  WriteText(jobs_ + "/cancel/long", "");
  ASSERT_TRUE(WaitForState("long", "cancelled", 60)) << d.log();
  EXPECT_TRUE(WaitForState("queued", "cancelled", 5));
  EXPECT_NE(Slurp(jobs_ + "/failed/long.error").find("cancelled"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_.file("repo_long/Chemical/1")));
  EXPECT_FALSE(fs::exists(jobs_ + "/cancel/long"));
  EXPECT_FALSE(fs::exists(dir_.file("repo_queued")));

  // The next job is killed as by a crash: it fails with the signal, the daemon stays up.
  ASSERT_TRUE(WaitFor([&] { return Status("crash").value("step", 0) > 0; })) << d.log();
  const int pid = Status("crash")["pid"];
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_TRUE(WaitForState("crash", "failed", 30)) << d.log();
  EXPECT_NE(Status("crash")["error"].get<std::string>().find("killed by signal 9"),
            std::string::npos)
      << Status("crash").dump(2);
  EXPECT_TRUE(d.Running());
  EXPECT_EQ(Metric(d, "bioner_trainer_jobs_finished_total{outcome=\"cancelled\"}"), 2);
  EXPECT_EQ(Metric(d, "bioner_trainer_jobs_finished_total{outcome=\"failed\"}"), 1);
  EXPECT_EQ(d.Terminate(30), 0) << d.log();
}

TEST_F(TrainerDaemonTest, SigtermStopsTheJobCleanlyAndItResumesWhenTheDaemonStartsAgain) {
  const int epochs = 30;
  {
    Daemon d(dir_.path(), jobs_);
    ASSERT_GT(d.metrics_port(), 0) << d.log();
    Submit("resumable", GoodJob("resumable", epochs));
    // Once the first epoch's state is committed (its epoch line is written after it).
    ASSERT_TRUE(WaitFor([&] {
      return fs::exists(dir_.file("repo_resumable/Chemical/.work/latest"));
    })) << d.log();
    const int pid = Status("resumable")["pid"];
    ASSERT_GT(pid, 0);
    EXPECT_EQ(d.Terminate(30), 0) << d.log();
    EXPECT_NE(::kill(pid, 0), 0) << "the trainer outlived the daemon";
    if (Status("resumable")["state"] == "succeeded")
      GTEST_SKIP() << "the job finished before SIGTERM";
    EXPECT_EQ(Status("resumable")["state"], "queued");
    EXPECT_TRUE(fs::exists(jobs_ + "/running/resumable.yaml"));
  }
  Daemon again(dir_.path(), jobs_);
  ASSERT_GT(again.metrics_port(), 0) << again.log();
  ASSERT_TRUE(WaitForState("resumable", "succeeded"))
      << again.log() << Slurp(jobs_ + "/logs/resumable.log");
  const json s = Status("resumable");
  EXPECT_GE(s["resumed_from_epoch"].get<int>(), 1) << s.dump(2);
  EXPECT_EQ(s["attempts"], 2);
  EXPECT_EQ(s["epoch"], epochs);
  EXPECT_TRUE(fs::exists(dir_.file("repo_resumable/Chemical/1/model.safetensors")));
  EXPECT_EQ(again.Terminate(30), 0);
}

TEST_F(TrainerDaemonTest, AfterTheDaemonIsKilledItsJobDiesTooAndResumesAtTheNextStart) {
  int pid = 0;
  {
    Daemon d(dir_.path(), jobs_);
    ASSERT_GT(d.metrics_port(), 0) << d.log();
    Submit("orphan", GoodJob("orphan", 30));
    ASSERT_TRUE(WaitFor([&] { return fs::exists(dir_.file("repo_orphan/Chemical/.work/latest")); }))
        << d.log();
    pid = Status("orphan")["pid"];
    ASSERT_GT(pid, 0);
  }  // SIGKILL to the daemon
  // PR_SET_PDEATHSIG: the trainer gets SIGTERM when the daemon dies.
  EXPECT_TRUE(WaitFor([&] { return ::kill(pid, 0) != 0; }, 20))
      << "the trainer outlived a killed daemon";
  if (fs::exists(jobs_ + "/done/orphan.yaml")) GTEST_SKIP() << "the job finished before the kill";
  EXPECT_EQ(Status("orphan")["state"], "running");  // as the killed daemon left it
  Daemon again(dir_.path(), jobs_);
  ASSERT_GT(again.metrics_port(), 0) << again.log();
  ASSERT_TRUE(WaitForState("orphan", "succeeded"))
      << again.log() << Slurp(jobs_ + "/logs/orphan.log");
  EXPECT_GE(Status("orphan")["resumed_from_epoch"].get<int>(), 1);
  EXPECT_EQ(Status("orphan")["attempts"], 2);
  EXPECT_EQ(again.Terminate(30), 0);
}

TEST_F(TrainerDaemonTest, ABadDaemonConfigIsRefusedNamingTheKey) {
  WriteText(dir_.file("bad.yaml"), "jobs_dir: " + jobs_ + "\npoll_intervall_ms: 10\n");
  ProcessResult r = RunProcess(kTrainer + " serve --config " + dir_.file("bad.yaml"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown key 'poll_intervall_ms'"), std::string::npos) << r.err;
  WriteText(dir_.file("bad.yaml"), "jobs_dir: " + jobs_ + "\npoll_interval_ms: 0\n");
  r = RunProcess(kTrainer + " serve --config " + dir_.file("bad.yaml"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("key 'poll_interval_ms' 0 is out of range"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace bioner::testing
