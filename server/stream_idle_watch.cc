#include "server/stream_idle_watch.h"

#include <vector>

#include "server/annotate_stream_reactor.h"

namespace bioner::server {

StreamIdleWatch::StreamIdleWatch(std::chrono::seconds limit) : limit_(limit) {
  thread_ = std::thread([this] { Loop(); });
}

StreamIdleWatch::~StreamIdleWatch() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void StreamIdleWatch::Register(AnnotateStreamReactor* stream) {
  std::lock_guard<std::mutex> lock(mu_);
  streams_.insert(stream);
}

void StreamIdleWatch::Unregister(AnnotateStreamReactor* stream) {
  std::lock_guard<std::mutex> lock(mu_);
  streams_.erase(stream);
}

void StreamIdleWatch::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(500));
    if (stopping_) break;
    std::vector<AnnotateStreamReactor*> idle;
    for (AnnotateStreamReactor* s : streams_) {
      if (s->TakeIdleFinish(limit_)) idle.push_back(s);
    }
    for (AnnotateStreamReactor* s : idle) streams_.erase(s);
    lock.unlock();
    for (AnnotateStreamReactor* s : idle) s->FinishIdle();
    lock.lock();
  }
}

}  // namespace bioner::server
