// SIGTERM (Kubernetes stopping a pod) and SIGINT (Ctrl-C) for the long-running programs.
// The handler only writes the signal's number to a pipe; Wait() reads it in the main thread,
// where the shutdown runs as ordinary code that may lock, log and join.
//
// Not sigwait() with the signals blocked: blocking must happen in every thread, and the
// threads OpenBLAS starts while the library loads, before main(), keep them unblocked; a
// SIGTERM that reached one of them (a second SIGTERM during the drain, for instance) took
// the default action and killed the server mid-drain.
#ifndef BIONER_CORE_SERVICE_SHUTDOWN_SIGNALS_H_
#define BIONER_CORE_SERVICE_SHUTDOWN_SIGNALS_H_

namespace bioner {

// One per process; construct it in main() before the work that a signal should stop.
// Signals after the first are taken by the handler and change nothing.
class ShutdownSignals {
 public:
  ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // Waits for one of them; returns its name, "SIGTERM" or "SIGINT".
  const char* Wait() const;
};

}  // namespace bioner

#endif  // BIONER_CORE_SERVICE_SHUTDOWN_SIGNALS_H_
