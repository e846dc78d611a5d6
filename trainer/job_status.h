// JobStatus: what `JOBS/status/<name>.json` says about one job of the trainer daemon, kept
// current while it runs (docs/TRAINING.md, "The daemon"). Times are UTC, ISO 8601; numbers
// of a state not reached yet are 0; `error` is empty unless the job failed or was cancelled.
// The training progress is the trainer's own record (core/train/progress.h), merged from its
// --progress lines by MergeProgress and written as flat keys beside the job's own.
//
// Plain values and stateless functions; thread-safe.
#ifndef BIONER_TRAINER_JOB_STATUS_H_
#define BIONER_TRAINER_JOB_STATUS_H_

#include <cstdint>
#include <string>

#include "core/train/progress.h"
#include "core/util/status.h"

namespace bioner::trainer {

enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled };
inline constexpr JobState kAllJobStates[] = {JobState::kQueued, JobState::kRunning,
                                             JobState::kSucceeded, JobState::kFailed,
                                             JobState::kCancelled};

const char* JobStateName(JobState s);  // "queued", "running", ...
StatusOr<JobState> ParseJobState(const std::string& name);

struct JobStatus {
  std::string name;
  JobState state = JobState::kQueued;
  std::string queued_at, started_at, finished_at;
  int64_t pid = 0;   // of the trainer process while running
  int attempts = 0;  // starts (a job resumed after a daemon restart counts again)
  train::TrainProgress progress;  // every line so far merged (MergeProgress)
  // From the trainer's summary once it succeeded:
  int64_t version = 0;
  std::string version_dir;
  int selected_epoch = 0, resumed_from_epoch = 0;
  double final_dev_f1 = 0, final_test_f1 = 0;
  bool promoted = false;
  std::string promotion;
  std::string error;
};

// What a status knows after one more progress line: the counters (epoch, epochs, step,
// total_steps) and the event of every line; the loss, learning rate and throughput of step and
// epoch lines (a start line has measured none, so the last ones stay); the dev scores and the
// epoch's seconds of epoch lines only, so that they stay those of the last finished epoch.
void MergeProgress(const train::TrainProgress& line, train::TrainProgress* merged);

std::string JobStatusToJson(const JobStatus& s);  // pretty-printed, with a final newline
StatusOr<JobStatus> ParseJobStatus(const std::string& json_text, const std::string& source);


}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_JOB_STATUS_H_
