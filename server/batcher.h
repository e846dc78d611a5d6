// Batcher: the one queue in front of one model instance, with a token budget (STYLE.md §6,
// after text-embeddings-inference's core/src/queue.rs).
//
// Windows (model inputs) of many documents wait in ONE bounded queue, indexed by arrival, by
// length and by call. A worker thread, the only thread that calls the model's Run(), plans
// each batch over the whole queue (PlanBatch, core/decode/batch_plan.h). Its first window is
// the oldest window of the least-served call among the calls that have had fewer than
// `max_batch_tokens` model tokens batched so far (their first quantum; ties: the older
// window), else the oldest window of all. So one large caller cannot starve small ones: a
// new call's first windows go in the next batch, however much other calls queued before
// them, and large calls past their first quantum go on first-come first-served. Before, the
// oldest window always went first, and a tiny request waited 7.5 s behind one 1 MiB
// document. Serving the least-served call always (no quantum) measured 12 % less throughput
// beside two large callers, against 4 % with the quantum (docs/RELIABILITY.md, "Fairness").
// The first window is joined one by one by the queued windows (of any call) of the nearest
// lengths, as long as the padded size (windows x longest) fits `max_batch_tokens` and the
// batch's padding stays within `max_padding_percent`. Taking a FIFO prefix instead padded
// ~25-token title windows to the ~400 tokens of the abstract windows queued beside them (59 %
// padding, docs/BENCHMARKS.md "Server"). The batch leaves at once when no window of any
// length could join it (the budget is reached) or when other windows are waiting that it
// does not take (the model would idle otherwise); else it waits for company until the
// oldest queued window has waited `max_queue_delay`. The padding ratio of every batch is measured.
//
// Backpressure: Submit() never blocks. If the queued tokens would exceed `max_queued_tokens`,
// it refuses the whole submission with RESOURCE_EXHAUSTED at once: load that passes. A
// submission larger than the whole budget could never pass and is INVALID_ARGUMENT. A submission whose ticket
// is cancelled or past its deadline is dropped from the queue (when the worker looks next, or
// at once through Purge()), and its callbacks get CANCELLED / DEADLINE_EXCEEDED.
//
// Every window of an accepted submission gets exactly one callback: its logits or an error.
// Callbacks run on the worker thread (or the thread calling Purge()); they must not block
// and must not call back into this batcher's Submit() while holding locks it would need.
//
// Cost per batch: O(k log n) for a batch of k windows out of n queued, plus the O(n) scan
// for cancelled and expired windows and an O(c) look over the c calls with queued windows.
//
// Thread safety: Submit(), Purge() and queued_tokens() may be called from any thread.
// The destructor drains the queue (every queued window still runs) and joins the worker.
#ifndef BIONER_SERVER_BATCHER_H_
#define BIONER_SERVER_BATCHER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/decode/batch_plan.h"
#include "core/decode/tagger.h"
#include "core/model/window_model.h"
#include "server/metrics.h"

namespace bioner::server {

using Clock = std::chrono::steady_clock;

// Shared by the work of one call (or one document of it): cancellation and deadline.
// A child ticket is cancelled when its parent is.
class WorkTicket {
 public:
  explicit WorkTicket(Clock::time_point deadline = Clock::time_point::max(),
                      std::shared_ptr<const WorkTicket> parent = nullptr)
      : deadline_(deadline), parent_(std::move(parent)) {}
  void Cancel() { cancelled_.store(true, std::memory_order_release); }
  bool cancelled() const {
    return cancelled_.load(std::memory_order_acquire) || (parent_ && parent_->cancelled());
  }
  Clock::time_point deadline() const {
    return parent_ ? std::min(deadline_, parent_->deadline()) : deadline_;
  }
  // The call's ticket, the root of the chain: the batcher's fairness is per call.
  const WorkTicket* root() const { return parent_ ? parent_->root() : this; }
  // Model tokens of the call's windows that went into batches so far (kept on the root).
  int64_t served_tokens() const { return served_tokens_.load(std::memory_order_relaxed); }
  void AddServedTokens(int64_t n) const { served_tokens_.fetch_add(n, std::memory_order_relaxed); }

 private:
  mutable std::atomic<int64_t> served_tokens_{0};
  std::atomic<bool> cancelled_{false};
  Clock::time_point deadline_;
  std::shared_ptr<const WorkTicket> parent_;
};

struct BatcherOptions {
  int64_t max_batch_tokens = 8192;
  // At most this share (in percent) of a batch's padded tokens may be padding; the oldest
  // window alone is always allowed. 100: no cap.
  int64_t max_padding_percent = 5;
  std::chrono::microseconds max_queue_delay{5000};
  int64_t max_queued_tokens = 262144;
};

class Batcher {
 public:
  // `on_window(input_index, logits)` for each input of `prepared`.
  using WindowCallback = std::function<void(size_t, StatusOr<std::vector<float>>)>;

  // `metrics` may be all null (tests). Starts the worker thread.
  Batcher(std::shared_ptr<WindowModel> model, BatcherOptions options, BatcherMetrics metrics = {});
  ~Batcher();
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Queues every input of `prepared` (or none: RESOURCE_EXHAUSTED naming the queue size, or
  // INVALID_ARGUMENT when it is larger than the whole queue).
  // A document without inputs is accepted and gets no callbacks.
  Status Submit(std::shared_ptr<const PreparedDocument> prepared,
                std::shared_ptr<const WorkTicket> ticket, WindowCallback on_window);

  // Drops queued windows whose ticket is cancelled or expired, calling their callbacks here.
  void Purge();

  int64_t queued_tokens() const;

 private:
  struct Submission {
    std::shared_ptr<const PreparedDocument> prepared;
    std::shared_ptr<const WorkTicket> ticket;
    WindowCallback on_window;
  };
  struct Item {
    std::shared_ptr<Submission> submission;
    size_t input = 0;
    size_t length = 0;
    Clock::time_point enqueued;
    const WorkTicket* call = nullptr;  // the root ticket; null for submissions without one
  };
  using Queue = std::map<uint64_t, Item>;  // by arrival number: begin() is the oldest

  // The queued window the next batch starts from (see the top); the queue is not empty.
  Queue::iterator FirstWindowLocked();
  void WorkerLoop();
  // Removes dead items (cancelled/expired) from the queue into `dead`; needs mu_.
  void TakeDeadLocked(std::vector<std::pair<Item, Status>>* dead);
  // Removes one queued window (both indexes, the token count); needs mu_.
  Item TakeLocked(Queue::iterator it);
  static void Report(std::vector<std::pair<Item, Status>>* dead);
  void RunBatch(std::vector<Item> batch);

  const std::shared_ptr<WindowModel> model_;
  const BatcherOptions options_;
  const BatcherMetrics metrics_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  Queue queue_;
  LengthIndex by_length_;  // the same windows as queue_, by (length, arrival number)
  std::map<const WorkTicket*, std::set<uint64_t>> by_call_;  // the same, by call
  uint64_t next_arrival_ = 0;
  int64_t queued_tokens_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace bioner::server

#endif  // BIONER_SERVER_BATCHER_H_
