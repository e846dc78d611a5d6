#include "core/service/shutdown_signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace bioner {
namespace {

int pipe_fds[2] = {-1, -1};

// Async-signal-safe: one write(2) that never blocks (a full pipe drops the byte; one is
// enough), errno kept for the interrupted thread.
void OnSignal(int signal_number) {
  const int saved = errno;
  const unsigned char byte = static_cast<unsigned char>(signal_number);
  ssize_t ignored = ::write(pipe_fds[1], &byte, 1);
  (void)ignored;
  errno = saved;
}

}  // namespace

ShutdownSignals::ShutdownSignals() {
  if (pipe_fds[0] >= 0 || ::pipe2(pipe_fds, O_CLOEXEC) != 0 ||
      ::fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK) != 0) {
    // Only a second instance or an exhausted fd table gets here, before any work.
    std::perror("ShutdownSignals: cannot set up the signal pipe");
    std::abort();
  }
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // other threads' system calls go on after the handler
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
}

const char* ShutdownSignals::Wait() const {
  unsigned char byte = 0;
  while (::read(pipe_fds[0], &byte, 1) != 1) {
  }
  return byte == SIGTERM ? "SIGTERM" : "SIGINT";
}

}  // namespace bioner
