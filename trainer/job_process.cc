#include "trainer/job_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bioner::trainer {

StatusOr<std::unique_ptr<JobProcess>> JobProcess::Spawn(const std::vector<std::string>& argv,
                                                        const std::string& out_path,
                                                        const std::string& err_path) {
  if (argv.empty()) return InvalidArgument("no program to run");
  // Everything the child needs is prepared before fork(): after it, in a multi-threaded
  // process, only async-signal-safe calls are allowed until exec.
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) return Unavailable(out_path + ": cannot open: " + std::strerror(errno));
  const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (err < 0) {
    ::close(out);
    return Unavailable(err_path + ": cannot open: " + std::strerror(errno));
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(out);
    ::close(err);
    return Unavailable(std::string("fork failed: ") + std::strerror(e));
  }
  if (pid == 0) {
    // The daemon's handlers would write to its shutdown pipe until exec resets them.
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(125);  // the daemon died before prctl took effect
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the new descriptor
    ::dup2(err, STDERR_FILENO);
    ::execv(args[0], args.data());
    static const char msg[] = "bioner-trainer serve: exec of the trainer failed\n";
    (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
  return std::unique_ptr<JobProcess>(new JobProcess(pid));
}

JobProcess::~JobProcess() {
  if (wait_status_) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

std::optional<int> JobProcess::Poll() {
  if (wait_status_) return wait_status_;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) wait_status_ = status;
  return wait_status_;
}

void JobProcess::Signal(int signal_number) const {
  if (!wait_status_) ::kill(pid_, signal_number);
}

std::string JobProcess::DescribeWaitStatus(int s) {
  if (WIFEXITED(s)) return "exit code " + std::to_string(WEXITSTATUS(s));
  if (WIFSIGNALED(s)) {
    const char* name = ::strsignal(WTERMSIG(s));
    return "killed by signal " + std::to_string(WTERMSIG(s)) + " (" + (name ? name : "?") + ")";
  }
  return "wait status " + std::to_string(s);
}

}  // namespace bioner::trainer
