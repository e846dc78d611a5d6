// Ends AnnotateStream calls that are idle: nothing read and nothing in flight for
// `limits.stream_idle_timeout_s` (docs/SERVER.md, "Limits"). Without it a client that never
// half-closes holds its stream, and its slot of the connection, forever.
//
// One thread for all streams polls the registered ones twice a second. Lifetime: a stream
// registers when it starts reading and unregisters in OnDone. The watch asks each stream
// under its own lock whether to end (AnnotateStreamReactor::TakeIdleFinish decides under
// the reactor's lock and claims the one Finish), and calls Finish after releasing its lock:
// gRPC may run OnDone inline, and OnDone cannot come before Finish, so the reactor is alive.
//
// Thread-safe. The destructor joins the thread; every stream must have unregistered or be
// finished by then (the server is shut down first).
#ifndef BIONER_SERVER_STREAM_IDLE_WATCH_H_
#define BIONER_SERVER_STREAM_IDLE_WATCH_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace bioner::server {

class AnnotateStreamReactor;

class StreamIdleWatch {
 public:
  explicit StreamIdleWatch(std::chrono::seconds limit);
  ~StreamIdleWatch();
  StreamIdleWatch(const StreamIdleWatch&) = delete;
  StreamIdleWatch& operator=(const StreamIdleWatch&) = delete;

  std::chrono::seconds limit() const { return limit_; }
  void Register(AnnotateStreamReactor* stream);
  void Unregister(AnnotateStreamReactor* stream);

 private:
  void Loop();

  const std::chrono::seconds limit_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<AnnotateStreamReactor*> streams_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bioner::server

#endif  // BIONER_SERVER_STREAM_IDLE_WATCH_H_
