#include "trainer/daemon.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "core/service/log.h"
#include "core/train/progress.h"
#include "core/util/file.h"
#include "core/util/time.h"
#include "core/util/strings.h"

namespace bioner::trainer {
namespace {

namespace fs = std::filesystem;

// The reason a trainer gave for failing: its last "bioner-trainer train: ..." line on
// stderr (how train_cmd.cc reports a Status), else its last line.
std::string LastErrorLine(const std::string& log_path) {
  auto text = ReadFile(log_path);
  if (!text.ok()) return "";
  std::istringstream in(*text);
  std::string line, last, last_error;
  while (std::getline(in, line)) {
    line = std::string(Trim(line));
    if (line.empty()) continue;
    last = line;
    if (line.rfind("bioner-trainer train: ", 0) == 0) last_error = line.substr(22);
  }
  std::string out = last_error.empty() ? last : last_error;
  if (out.size() > 2000) out = out.substr(0, 2000) + "...";
  return out;
}

// The JSON summary that `train` prints as its last stdout line.
std::optional<nlohmann::json> Summary(const std::string& out_path) {
  auto text = ReadFile(out_path);
  if (!text.ok()) return std::nullopt;
  std::istringstream in(*text);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!Trim(line).empty()) last = line;
  }
  nlohmann::json j = nlohmann::json::parse(last, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("version")) return std::nullopt;
  return j;
}

}  // namespace

TrainerDaemon::TrainerDaemon(DaemonConfig config, std::string trainer_binary,
                             std::unique_ptr<JobFolder> folder, DaemonMetrics* metrics)
    : config_(std::move(config)),
      trainer_binary_(std::move(trainer_binary)),
      folder_(std::move(folder)),
      metrics_(metrics) {}

TrainerDaemon::~TrainerDaemon() = default;

void TrainerDaemon::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  cv_.notify_all();
}

void TrainerDaemon::Run() {
  LoadStatuses();
  Log("watching " + folder_->root());
  while (true) {
    Tick();
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, std::chrono::milliseconds(config_.poll_interval_ms),
                     [this] { return stopping_; }))
      break;
  }
  StopRunningJob();
  UpdateJobCounts();
  Log("stopped");
}

void TrainerDaemon::LoadStatuses() {
  std::vector<std::string> problems;
  for (JobStatus& s : folder_->ReadStatuses(&problems)) jobs_[s.name] = std::move(s);
  for (const std::string& p : problems) Log("ignoring a status file: " + p);
}

void TrainerDaemon::Tick() {
  ScanQueue();
  HandleCancelRequests();
  if (running_) FollowProgress();
  bool stopping;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping = stopping_;
  }
  if (!running_ && !stopping) StartNext();
  UpdateJobCounts();
}

// Gives every job in incoming/ and running/ a queued status; forgets queued or running jobs
// whose config has gone (removed by hand).
void TrainerDaemon::ScanQueue() {
  std::set<std::string> present;
  for (Stage stage : {Stage::kRunning, Stage::kIncoming}) {
    auto names = folder_->List(stage);
    if (!names.ok()) {
      Log(names.status().ToString());
      return;
    }
    for (const std::string& name : *names) {
      present.insert(name);
      if (running_ && running_->name == name) continue;
      auto it = jobs_.find(name);
      const bool known = it != jobs_.end() && it->second.state == JobState::kQueued;
      if (known) continue;
      JobStatus s;
      if (stage == Stage::kRunning && it != jobs_.end())
        s = it->second;  // resumed: keep its history
      s.name = name;
      s.state = JobState::kQueued;
      s.pid = 0;
      if (s.queued_at.empty()) s.queued_at = UtcNow();
      if (stage == Stage::kIncoming) Log("job " + name + " queued");
      jobs_[name] = s;
      WriteStatus(s);
    }
  }
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    const bool pending =
        it->second.state == JobState::kQueued || it->second.state == JobState::kRunning;
    const bool is_running = running_ && running_->name == it->first;
    if (pending && !is_running && !present.count(it->first)) {
      Log("job " + it->first + " is gone from the jobs folder; forgetting it");
      std::error_code ec;
      fs::remove(folder_->StatusPath(it->first), ec);
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

void TrainerDaemon::HandleCancelRequests() {
  auto names = folder_->CancelRequests();
  if (!names.ok()) {
    Log(names.status().ToString());
    return;
  }
  for (const std::string& name : *names) {
    folder_->RemoveCancelRequest(name);
    if (running_ && running_->name == name) {
      if (!running_->cancel_requested) {
        Log("job " + name + ": cancel requested; sending SIGTERM to pid " +
            std::to_string(running_->process->pid()));
        running_->cancel_requested = true;
        Terminate();
      }
      continue;
    }
    auto it = jobs_.find(name);
    if (it == jobs_.end() || it->second.state != JobState::kQueued) {
      Log("cancel request for " + name + ", which is neither queued nor running; ignored");
      continue;
    }
    // Queued in incoming/, or left in running/ by an earlier daemon.
    std::error_code ec;
    const Stage from = fs::exists(folder_->ConfigPath(Stage::kRunning, name), ec)
                           ? Stage::kRunning
                           : Stage::kIncoming;
    if (Status s = folder_->Move(name, from, Stage::kFailed); !s.ok()) {
      Log("cannot cancel " + name + ": " + s.ToString());
      continue;
    }
    JobStatus& status = it->second;
    status.state = JobState::kCancelled;
    status.finished_at = UtcNow();
    status.error = "cancelled before it started (JOBS/cancel/" + name + ")";
    if (Status s = folder_->WriteError(name, status.error); !s.ok()) Log(s.ToString());
    WriteStatus(status);
    metrics_->JobFinished(JobState::kCancelled);
    Log("job " + name + " cancelled before it started");
  }
}

void TrainerDaemon::StartNext() {
  // A job left in running/ first (resume), then the oldest submission.
  for (Stage stage : {Stage::kRunning, Stage::kIncoming}) {
    auto names = folder_->List(stage);
    if (names.ok() && !names->empty()) {
      Start(names->front(), stage == Stage::kRunning);
      return;
    }
  }
}

void TrainerDaemon::Start(const std::string& name, bool resume) {
  JobStatus& status = jobs_[name];
  status.name = name;
  if (!resume) {
    folder_->ForgetEarlierRun(name);
    if (Status s = folder_->Move(name, Stage::kIncoming, Stage::kRunning); !s.ok()) {
      Log("cannot start job " + name + ": " + s.ToString());  // e.g. removed meanwhile
      return;
    }
    const std::string queued_at = status.queued_at;
    status = JobStatus();
    status.name = name;
    status.queued_at = queued_at;
  }
  status.state = JobState::kRunning;
  status.started_at = UtcNow();
  status.finished_at.clear();
  status.error.clear();
  ++status.attempts;
  metrics_->ResetProgress();
  const std::vector<std::string> argv = {
      trainer_binary_,    "train",
      "--config",         folder_->ConfigPath(Stage::kRunning, name),
      "--progress",       folder_->ProgressPath(name),
      "--progress-every", std::to_string(config_.progress_every_steps)};
  auto process = JobProcess::Spawn(argv, folder_->OutPath(name), folder_->LogPath(name));
  if (!process.ok()) {
    Settle(status, JobState::kFailed, Stage::kFailed,
           "cannot start the trainer: " + process.status().ToString());
    return;
  }
  status.pid = (*process)->pid();
  running_ = Running{name, std::move(process).value(), 0, false, std::nullopt};
  WriteStatus(status);
  Log("job " + name + (resume ? " resumed" : " started") + " (pid " + std::to_string(status.pid) +
      ")");
}

// Reads the progress lines written since the last look; the newest values win.
void TrainerDaemon::FollowProgress() {
  Running& r = *running_;
  JobStatus& status = jobs_[r.name];
  std::ifstream in(folder_->ProgressPath(r.name), std::ios::binary);
  bool changed = false;
  if (in) {
    in.seekg(static_cast<std::streamoff>(r.progress_offset));
    std::string line;
    // Only complete lines: the trainer may be writing the next one right now.
    while (std::getline(in, line) && !in.eof()) {
      r.progress_offset += line.size() + 1;
      auto p = train::ParseProgressLine(line, folder_->ProgressPath(r.name));
      if (!p.ok()) {
        Log("job " + r.name + ": " + p.status().ToString());
        continue;
      }
      metrics_->SetProgress(*p);
      MergeProgress(*p, &status.progress);
      changed = true;
    }
  }
  if (changed) WriteStatus(status);
  if (auto wait_status = r.process->Poll()) {
    Finish(*wait_status);
    return;
  }
  if (r.terminated_at && std::chrono::steady_clock::now() - *r.terminated_at >
                             std::chrono::seconds(config_.stop_grace_s)) {
    Log("job " + r.name + ": no exit " + std::to_string(config_.stop_grace_s) +
        " s after SIGTERM; sending SIGKILL");
    r.process->Signal(SIGKILL);
  }
}

void TrainerDaemon::Terminate() {
  running_->process->Signal(SIGTERM);
  if (!running_->terminated_at) running_->terminated_at = std::chrono::steady_clock::now();
}

void TrainerDaemon::Finish(int wait_status) {
  Running r = std::move(*running_);
  running_.reset();
  JobStatus& status = jobs_[r.name];
  const std::string how = JobProcess::DescribeWaitStatus(wait_status);
  const bool exited_ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
  const auto summary = exited_ok ? Summary(folder_->OutPath(r.name)) : std::nullopt;
  if (summary) {
    const nlohmann::json& j = *summary;
    status.version = j.value("version", int64_t{0});
    status.version_dir = j.value("version_dir", "");
    status.selected_epoch = j.value("selected_epoch", 0);
    status.resumed_from_epoch = j.value("resumed_from_epoch", 0);
    status.final_dev_f1 = j.value("dev_f1", 0.0);
    status.final_test_f1 = j.value("test_f1", 0.0);
    status.promoted = j.value("promoted", false);
    status.promotion = j.value("promotion", "");
    Settle(status, JobState::kSucceeded, Stage::kDone, "");
    Log("job " + r.name + " succeeded: " + status.version_dir +
        (status.promoted ? " (promoted)" : " (not promoted)"));
    return;
  }
  if (r.cancel_requested) {
    Settle(status, JobState::kCancelled, Stage::kFailed,
           "cancelled (JOBS/cancel/" + r.name + "): the trainer was stopped, " + how);
    Log("job " + r.name + " cancelled");
    return;
  }
  std::string reason = "the trainer ended with " + how;
  if (exited_ok) reason += " but printed no JSON summary on stdout";
  const std::string last = LastErrorLine(folder_->LogPath(r.name));
  if (!last.empty()) reason += ": " + last;
  Settle(status, JobState::kFailed, Stage::kFailed, reason);
  Log("job " + r.name + " failed: " + reason);
}

void TrainerDaemon::Settle(JobStatus& status, JobState outcome, Stage stage,
                           const std::string& error) {
  if (Status s = folder_->Move(status.name, Stage::kRunning, stage); !s.ok()) Log(s.ToString());
  if (!error.empty()) {
    if (Status s = folder_->WriteError(status.name, error); !s.ok()) Log(s.ToString());
  }
  status.state = outcome;
  status.finished_at = UtcNow();
  status.pid = 0;
  status.error = error;
  // Metrics before the status file: whoever sees the final status (a test, an operator's
  // script) then finds the metrics agreeing with it.
  metrics_->JobFinished(outcome);
  UpdateJobCounts();
  WriteStatus(status);
}

// On shutdown: SIGTERM, wait (SIGKILL after the grace period), and leave the job in running/
// to resume at the next start, unless it finished meanwhile.
void TrainerDaemon::StopRunningJob() {
  if (!running_) return;
  Log("stopping job " + running_->name + " (SIGTERM to pid " +
      std::to_string(running_->process->pid()) + ")");
  Terminate();
  std::optional<int> wait_status;
  const auto kill_at = *running_->terminated_at + std::chrono::seconds(config_.stop_grace_s);
  while (!(wait_status = running_->process->Poll())) {
    if (std::chrono::steady_clock::now() > kill_at) running_->process->Signal(SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(*wait_status) && WEXITSTATUS(*wait_status) == 0) {
    Finish(*wait_status);
    return;
  }
  if (running_->cancel_requested) {
    Finish(*wait_status);
    return;
  }
  JobStatus& status = jobs_[running_->name];
  status.state = JobState::kQueued;
  status.pid = 0;
  WriteStatus(status);
  Log("job " + running_->name + " stays in running/; it resumes when the daemon starts again");
  running_.reset();
}

void TrainerDaemon::WriteStatus(const JobStatus& status) {
  if (Status s = folder_->WriteStatus(status); !s.ok())
    Log("cannot write the status of " + status.name + ": " + s.ToString());
}

void TrainerDaemon::UpdateJobCounts() {
  std::map<JobState, int> counts;
  for (const auto& [name, s] : jobs_) ++counts[s.state];
  metrics_->SetJobCounts(counts);
}

}  // namespace bioner::trainer
