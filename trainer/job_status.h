// JobStatus: what `JOBS/status/<name>.json` says about one job of the trainer daemon, kept
// current while it runs (docs/TRAINING.md, "The daemon"). Times are UTC, ISO 8601; numbers
// of a state not reached yet are 0; `error` is empty unless the job failed or was cancelled.
//
// Plain values and stateless functions; thread-safe.
#ifndef BIONER_TRAINER_JOB_STATUS_H_
#define BIONER_TRAINER_JOB_STATUS_H_

#include <cstdint>
#include <string>

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
  int epoch = 0, epochs = 0;
  int64_t step = 0, total_steps = 0;
  double train_loss = 0, learning_rate = 0, tokens_per_second = 0;
  double dev_precision = 0, dev_recall = 0, dev_f1 = 0;  // of the last finished epoch
  // From the trainer's summary once it succeeded:
  int64_t version = 0;
  std::string version_dir;
  int selected_epoch = 0, resumed_from_epoch = 0;
  double final_dev_f1 = 0, final_test_f1 = 0;
  bool promoted = false;
  std::string promotion;
  std::string error;
};

std::string JobStatusToJson(const JobStatus& s);  // pretty-printed, with a final newline
StatusOr<JobStatus> ParseJobStatus(const std::string& json_text, const std::string& source);

// Now as "2024-05-01T12:00:00Z".
std::string UtcNow();

}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_JOB_STATUS_H_
