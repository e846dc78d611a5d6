// JobProcess: one training job in a child process (`<binary> train --config ... --progress
// ...`), so that a crash or a LibTorch abort in a bad job cannot take the daemon down.
//
// The child gets stdout and stderr in files, the default SIGTERM/SIGINT actions and an empty
// signal mask (not the daemon's shutdown handlers), its own process group (a Ctrl-C at the terminal reaches
// only the daemon, which then stops the child) and PR_SET_PDEATHSIG=SIGTERM, so that it does
// not outlive a daemon killed with SIGKILL.
//
// Thread safety: none; one thread owns the object. Spawn from the thread that will outlive the
// child (PR_SET_PDEATHSIG fires when the forking thread exits).
#ifndef BIONER_TRAINER_JOB_PROCESS_H_
#define BIONER_TRAINER_JOB_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace bioner::trainer {

class JobProcess {
 public:
  // Runs `argv` (argv[0] is the program path) with stdout appended to `out_path` and stderr
  // to `err_path`.
  static StatusOr<std::unique_ptr<JobProcess>> Spawn(const std::vector<std::string>& argv,
                                                     const std::string& out_path,
                                                     const std::string& err_path);
  // Kills (SIGKILL) and reaps a child still running.
  ~JobProcess();
  JobProcess(const JobProcess&) = delete;
  JobProcess& operator=(const JobProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The wait status once the child has exited (non-blocking; it is reaped then); nullopt
  // while it runs.
  std::optional<int> Poll();
  void Signal(int signal_number) const;

  // "exit code 2", "killed by signal 6 (Aborted)".
  static std::string DescribeWaitStatus(int wait_status);

 private:
  explicit JobProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  std::optional<int> wait_status_;  // set once reaped
};

}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_JOB_PROCESS_H_
