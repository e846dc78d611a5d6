// Runs the real bioner-trainer binary: a bad config fails before any work, a run killed with
// SIGKILL resumes to exactly the result of an uninterrupted run, and a reader of the model
// repository never sees a partial version folder.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/unit/train/train_test_util.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using train_testing::Slurp;
using train_testing::TempDir;
using train_testing::WriteText;

const std::string kBinary = std::string(BIONER_BINARY_DIR) + "/trainer/bioner-trainer";

// Starts `bioner-trainer train --config config` with stdout/stderr into files; returns the pid.
pid_t Start(const std::string& config, const std::string& out, const std::string& err) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) ::_exit(127);
    ::execl(kBinary.c_str(), kBinary.c_str(), "train", "--config", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int RunToEnd(const std::string& config, const std::string& out, const std::string& err) {
  return Wait(Start(config, out, err));
}

const char* kVersionFiles[] = {"config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors",
                               "metrics.json", "train_log.jsonl", "train_summary.md", "learning_curves.svg"};

// Every version folder visible in `type_dir` is complete. Returns the incomplete one, if any.
std::string FindPartialVersion(const std::string& type_dir) {
  std::error_code ec;
  for (fs::directory_iterator it(type_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.' || !it->is_directory(ec)) continue;
    for (const char* f : kVersionFiles) {
      if (!fs::is_regular_file(it->path() / f, ec)) return it->path().string() + " lacks " + f;
    }
  }
  return "";
}

TEST(TrainCli, BadConfigFailsBeforeTrainingStarts) {
  TempDir dir;
  const auto task = train_testing::MakeTask(dir.path(), 5, 5);
  struct Case {
    std::string yaml, expect;
  } cases[] = {
      {train_testing::TaskConfig(task, "learning_rat: 0.1\n"), "unknown key 'learning_rat'"},
      {"model: " + dir.file("missing_model") + "\n" + train_testing::TaskConfig(task).substr(
           train_testing::TaskConfig(task).find('\n') + 1), "key 'model'"},
      {"model: " + task.model + "\nentity_type: Disease\ncorpora: [no_such_corpus]\ncorpus_root: " + dir.path() +
           "\nmodel_repository: " + task.repo + "\nmax_seq_len: 32\n", "no_such_corpus"},
  };
  for (const auto& c : cases) {
    WriteText(dir.file("bad.yaml"), c.yaml);
    const int rc = RunToEnd(dir.file("bad.yaml"), dir.file("out"), dir.file("err"));
    EXPECT_EQ(rc, 2) << Slurp(dir.file("err"));
    EXPECT_NE(Slurp(dir.file("err")).find(c.expect), std::string::npos) << Slurp(dir.file("err"));
    EXPECT_FALSE(fs::exists(task.repo)) << "work started for: " << c.expect;
  }
}

TEST(TrainCli, ResumesAfterKill9ToTheSameResultAndNeverShowsAPartialCheckpoint) {
  TempDir dir;
  const auto task = train_testing::MakeTask(dir.path(), 300, 40);
  // The uninterrupted reference run.
  train_testing::Task ref = task;
  ref.repo = dir.file("repo_ref");
  WriteText(dir.file("ref.yaml"), train_testing::TaskConfig(ref, "", 6));
  ASSERT_EQ(RunToEnd(dir.file("ref.yaml"), dir.file("ref.out"), dir.file("ref.err")), 0) << Slurp(dir.file("ref.err"));

  // The same run, killed once the first epoch's state is committed.
  WriteText(dir.file("run.yaml"), train_testing::TaskConfig(task, "", 6));
  const std::string type_dir = task.repo + "/Chemical";
  const pid_t pid = Start(dir.file("run.yaml"), dir.file("run.out"), dir.file("run.err"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool exited = false;
  while (!fs::exists(type_dir + "/.work/latest")) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no epoch state written";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_FALSE(exited) << "the trainer exited before the first epoch state: " << Slurp(dir.file("run.err"));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_EQ(Wait(pid), 128 + SIGKILL) << "finished before the kill; make the run longer";
  EXPECT_EQ(FindPartialVersion(type_dir), "");
  EXPECT_FALSE(fs::exists(type_dir + "/1"));

  // Resume, watching the repository like a server would.
  const pid_t again = Start(dir.file("run.yaml"), dir.file("run.out"), dir.file("run.err"));
  std::string partial;
  int status = 0;
  while (::waitpid(again, &status, WNOHANG) != again) {
    if (partial.empty()) partial = FindPartialVersion(type_dir);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << Slurp(dir.file("run.err"));
  EXPECT_EQ(partial, "");
  const json summary = json::parse(Slurp(dir.file("run.out")));
  EXPECT_GE(summary["resumed_from_epoch"].get<int>(), 1);
  EXPECT_LT(summary["epochs_run"].get<int>(), 6);

  const json a = json::parse(Slurp(ref.repo + "/Chemical/1/metrics.json"));
  const json b = json::parse(Slurp(type_dir + "/1/metrics.json"));
  EXPECT_EQ(a["dev"], b["dev"]);
  EXPECT_EQ(a["test"], b["test"]);
  EXPECT_EQ(a["selected_epoch"], b["selected_epoch"]);
  EXPECT_EQ(Slurp(ref.repo + "/Chemical/1/model.safetensors"), Slurp(type_dir + "/1/model.safetensors"));
  // Losses and scores of every epoch agree; only the timings differ. This is the check that
  // the resumed epochs retraced the uninterrupted ones (weights, AdamW moments, schedule, data
  // order, dropout RNG): the task is easy, so the selected model may be epoch 1's.
  std::istringstream la(Slurp(ref.repo + "/Chemical/1/train_log.jsonl")), lb(Slurp(type_dir + "/1/train_log.jsonl"));
  std::string x, y;
  int lines = 0;
  while (std::getline(la, x) && std::getline(lb, y)) {
    json jx = json::parse(x), jy = json::parse(y);
    for (auto* j : {&jx, &jy}) j->erase("seconds"), j->erase("tokens_per_second");
    EXPECT_EQ(jx, jy);
    ++lines;
  }
  EXPECT_EQ(lines, 6);
}

}  // namespace
}  // namespace bioner::train
