// JobFolder: the jobs folder of the trainer daemon, a small state machine on the file system
// (docs/TRAINING.md, "The daemon"):
//
//   JOBS/incoming/<name>.yaml   submitted train configs (write elsewhere, then rename in)
//   JOBS/running/<name>.yaml    the job being trained (at most one)
//   JOBS/done/<name>.yaml       succeeded
//   JOBS/failed/<name>.yaml     failed or cancelled, with <name>.error holding the reason
//   JOBS/cancel/<name>          a request to cancel job <name> (any content)
//   JOBS/status/<name>.json     the job's JobStatus, replaced atomically
//   JOBS/logs/<name>.log|.out|.progress.jsonl   the trainer's stderr, stdout and progress
//
// A job moves between stage folders by rename(2), so a job is in exactly one of them at any
// time, also across a kill -9. Names starting with '.' and files not ending in ".yaml" are
// ignored (editors' and submitters' temporary files).
//
// Thread safety: none; one daemon (one thread) owns the folder. Open() takes an exclusive
// flock on JOBS/.daemon.lock for the object's lifetime, so a second daemon is refused.
#ifndef BIONER_TRAINER_JOB_FOLDER_H_
#define BIONER_TRAINER_JOB_FOLDER_H_

#include <memory>
#include <string>
#include <vector>

#include "core/util/status.h"
#include "trainer/job_status.h"

namespace bioner::trainer {

enum class Stage { kIncoming, kRunning, kDone, kFailed };

class JobFolder {
 public:
  // Creates the sub-folders as needed and takes the lock.
  static StatusOr<std::unique_ptr<JobFolder>> Open(const std::string& root);
  ~JobFolder();
  JobFolder(const JobFolder&) = delete;
  JobFolder& operator=(const JobFolder&) = delete;

  const std::string& root() const { return root_; }
  std::string ConfigPath(Stage stage, const std::string& name) const;  // <stage>/<name>.yaml
  std::string StatusPath(const std::string& name) const;
  std::string ErrorPath(const std::string& name) const;
  std::string CancelPath(const std::string& name) const;
  std::string LogPath(const std::string& name) const;  // stderr of the trainer
  std::string OutPath(const std::string& name) const;  // stdout (the JSON summary)
  std::string ProgressPath(const std::string& name) const;

  // Job names in a stage folder, oldest first (modification time, then name).
  StatusOr<std::vector<std::string>> List(Stage stage) const;
  // Names with a cancel request.
  StatusOr<std::vector<std::string>> CancelRequests() const;
  void RemoveCancelRequest(const std::string& name) const;

  Status Move(const std::string& name, Stage from, Stage to) const;
  // Before a (re)submitted job starts: removes what an earlier job of the same name left in
  // done/ and failed/ (config, .error) and its logs.
  void ForgetEarlierRun(const std::string& name) const;

  Status WriteStatus(const JobStatus& status) const;
  Status WriteError(const std::string& name, const std::string& reason) const;
  // Every readable status file; unreadable ones are skipped and named in `problems`.
  std::vector<JobStatus> ReadStatuses(std::vector<std::string>* problems) const;

 private:
  JobFolder(std::string root, int lock_fd) : root_(std::move(root)), lock_fd_(lock_fd) {}
  std::string StageDir(Stage stage) const;

  std::string root_;
  int lock_fd_;
};

}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_JOB_FOLDER_H_
