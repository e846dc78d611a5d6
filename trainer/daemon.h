// TrainerDaemon: the loop of `bioner-trainer serve` (docs/TRAINING.md, "The daemon"). It
// watches a JobFolder and trains its jobs one at a time, oldest first, each in a child
// process (`<trainer_binary> train --config JOBS/running/<name>.yaml --progress ...`):
//
//   - a job's progress lines are followed into JOBS/status/<name>.json and the metrics;
//   - exit 0 with the JSON summary on stdout: done/ (succeeded); any other end: failed/ with
//     <name>.error naming the exit (code or signal) and the trainer's last error line; the
//     daemon goes on with the next job;
//   - JOBS/cancel/<name>: a queued job goes to failed/ as cancelled at once; the running one
//     gets SIGTERM (SIGKILL after stop_grace_s) and ends cancelled;
//   - a job found in running/ when the daemon starts (it was killed, or stopped) is started
//     first; `train` resumes it from its work_dir.
//
// Stop() (e.g. on SIGTERM): no new job starts; the running job gets SIGTERM, is waited for
// (SIGKILL after stop_grace_s) and stays in running/ as queued, to resume at the next start.
//
// Thread safety: Run() on one thread (it forks the jobs, so it must live as long as they do);
// Stop() from any thread.
#ifndef BIONER_TRAINER_DAEMON_H_
#define BIONER_TRAINER_DAEMON_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "trainer/daemon_config.h"
#include "trainer/daemon_metrics.h"
#include "trainer/job_folder.h"
#include "trainer/job_process.h"
#include "trainer/job_status.h"

namespace bioner::trainer {

class TrainerDaemon {
 public:
  // `trainer_binary`: the program with the `train` subcommand (serve uses /proc/self/exe).
  // One log line per event (job started, finished, problems): core/service/log.h.
  TrainerDaemon(DaemonConfig config, std::string trainer_binary, std::unique_ptr<JobFolder> folder,
                DaemonMetrics* metrics);
  ~TrainerDaemon();
  TrainerDaemon(const TrainerDaemon&) = delete;
  TrainerDaemon& operator=(const TrainerDaemon&) = delete;

  // Polls every poll_interval_ms until Stop(); returns once the running job has stopped.
  void Run();
  void Stop();

 private:
  struct Running {
    std::string name;
    std::unique_ptr<JobProcess> process;
    uint64_t progress_offset = 0;
    bool cancel_requested = false;
    std::optional<std::chrono::steady_clock::time_point> terminated_at;  // SIGTERM sent
  };

  void LoadStatuses();
  void Tick();
  void ScanQueue();
  void HandleCancelRequests();
  void StartNext();
  void Start(const std::string& name, bool resume);
  void FollowProgress();
  void Finish(int wait_status);
  void StopRunningJob();
  void Terminate();
  // Moves the job's config from running/ to `stage` and writes its final status.
  void Settle(JobStatus& status, JobState outcome, Stage stage, const std::string& error);
  void WriteStatus(const JobStatus& status);
  void UpdateJobCounts();

  const DaemonConfig config_;
  const std::string trainer_binary_;
  const std::unique_ptr<JobFolder> folder_;
  DaemonMetrics* const metrics_;

  std::map<std::string, JobStatus> jobs_;  // every job the daemon knows, by name
  std::optional<Running> running_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_DAEMON_H_
