#include "server/batcher.h"

#include <algorithm>
#include <iterator>

namespace bioner::server {

Batcher::Batcher(std::shared_ptr<WindowModel> model, BatcherOptions options,
                 BatcherMetrics metrics)
    : model_(std::move(model)), options_(options), metrics_(metrics) {
  worker_ = std::thread([this] { WorkerLoop(); });
}

Batcher::~Batcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

int64_t Batcher::queued_tokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_tokens_;
}

Status Batcher::Submit(std::shared_ptr<const PreparedDocument> prepared,
                       std::shared_ptr<const WorkTicket> ticket, WindowCallback on_window) {
  const size_t num_inputs = prepared->inputs.size();
  if (num_inputs == 0) return Status::Ok();
  const int64_t tokens = static_cast<int64_t>(prepared->num_tokens());
  auto submission = std::make_shared<Submission>(
      Submission{std::move(prepared), std::move(ticket), std::move(on_window)});
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Unavailable("the model is shutting down");
    // RESOURCE_EXHAUSTED tells the client to retry; for work bigger than the whole queue a
    // retry can never pass. The config's limits rule this out (kMaxModelTokensPerByte,
    // server/config.h); this keeps the code honest should an encoder ever break that bound.
    if (tokens > options_.max_queued_tokens) {
      return InvalidArgument("the document needs " + std::to_string(tokens) +
                             " model tokens, more than a model queue holds "
                             "(batching.max_queued_tokens " +
                             std::to_string(options_.max_queued_tokens) + "): split it");
    }
    if (queued_tokens_ + tokens > options_.max_queued_tokens) {
      if (metrics_.rejected) metrics_.rejected->Increment(static_cast<double>(num_inputs));
      return ResourceExhausted("the model queue is full: " + std::to_string(queued_tokens_) +
                               " tokens queued, " + std::to_string(tokens) +
                               " more would pass batching.max_queued_tokens (" +
                               std::to_string(options_.max_queued_tokens) + ")");
    }
    const Clock::time_point now = Clock::now();
    for (size_t i = 0; i < num_inputs; ++i) {
      const size_t length = submission->prepared->inputs[i].size();
      const uint64_t arrival = next_arrival_++;
      const WorkTicket* call = submission->ticket ? submission->ticket->root() : nullptr;
      queue_.emplace_hint(queue_.end(), arrival, Item{submission, i, length, now, call});
      by_length_.emplace(length, arrival);
      by_call_[call].insert(by_call_[call].end(), arrival);
    }
    queued_tokens_ += tokens;
    if (metrics_.queue_depth) metrics_.queue_depth->Increment(static_cast<double>(tokens));
  }
  cv_.notify_all();
  return Status::Ok();
}

Batcher::Item Batcher::TakeLocked(Queue::iterator it) {
  Item item = std::move(it->second);
  by_length_.erase({item.length, it->first});
  const auto call = by_call_.find(item.call);
  call->second.erase(it->first);
  if (call->second.empty()) by_call_.erase(call);
  queue_.erase(it);
  queued_tokens_ -= static_cast<int64_t>(item.length);
  return item;
}

void Batcher::TakeDeadLocked(std::vector<std::pair<Item, Status>>* dead) {
  const Clock::time_point now = Clock::now();
  for (auto it = queue_.begin(); it != queue_.end();) {
    const WorkTicket* t = it->second.submission->ticket.get();
    Status status;
    if (t && t->cancelled()) {
      status = Cancelled("the call was cancelled");
    } else if (t && t->deadline() <= now) {
      status = Status(StatusCode::kDeadlineExceeded, "the deadline passed while queued");
    } else {
      ++it;
      continue;
    }
    const Queue::iterator next = std::next(it);
    dead->emplace_back(TakeLocked(it), std::move(status));
    if (metrics_.queue_depth) {
      metrics_.queue_depth->Decrement(static_cast<double>(dead->back().first.length));
    }
    it = next;
  }
}

void Batcher::Report(std::vector<std::pair<Item, Status>>* dead) {
  for (auto& [item, status] : *dead) item.submission->on_window(item.input, status);
  dead->clear();
}

void Batcher::Purge() {
  std::vector<std::pair<Item, Status>> dead;
  {
    std::lock_guard<std::mutex> lock(mu_);
    TakeDeadLocked(&dead);
  }
  Report(&dead);
}

Batcher::Queue::iterator Batcher::FirstWindowLocked() {
  int64_t best_served = 0;
  uint64_t best_arrival = 0;
  bool found = false;
  for (const auto& [call, arrivals] : by_call_) {
    const int64_t served = call ? call->served_tokens() : 0;
    if (served >= options_.max_batch_tokens) continue;  // past its first quantum: FIFO
    const uint64_t oldest = *arrivals.begin();
    if (!found || served < best_served || (served == best_served && oldest < best_arrival)) {
      found = true;
      best_served = served;
      best_arrival = oldest;
    }
  }
  return found ? queue_.find(best_arrival) : queue_.begin();
}

void Batcher::WorkerLoop() {
  std::vector<std::pair<Item, Status>> dead;
  for (;;) {
    std::vector<Item> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      for (;;) {
        TakeDeadLocked(&dead);
        if (!dead.empty()) break;  // report outside the lock, then look again
        if (queue_.empty()) {
          if (stopping_) return;
          cv_.wait(lock);
          continue;
        }
        const Queue::iterator first = FirstWindowLocked();
        const BatchPlan plan =
            PlanBatch(by_length_, by_length_.find({first->second.length, first->first}),
                      options_.max_batch_tokens, options_.max_padding_percent);
        const Clock::time_point due = queue_.begin()->second.enqueued + options_.max_queue_delay;
        // A batch leaves when no window could join it (the budget is reached), when windows
        // it does not take are waiting (waiting would idle the model with work queued), when
        // its oldest window has waited long enough, or when the batcher is draining.
        if (plan.full || plan.windows.size() < queue_.size() || stopping_ || Clock::now() >= due) {
          for (const LengthIndex::const_iterator& w : plan.windows) {
            batch.push_back(TakeLocked(queue_.find(w->second)));  // erases *w last
            const Item& taken = batch.back();
            if (taken.call) taken.call->AddServedTokens(static_cast<int64_t>(taken.length));
          }
          // Longest first, ties in arrival order: the order the model sees, fixed for tests.
          std::stable_sort(batch.begin(), batch.end(),
                           [](const Item& a, const Item& b) { return a.length > b.length; });
          break;
        }
        cv_.wait_until(lock, due);
      }
    }
    Report(&dead);
    if (!batch.empty()) RunBatch(std::move(batch));
  }
}

void Batcher::RunBatch(std::vector<Item> batch) {
  const Clock::time_point start = Clock::now();
  std::vector<std::vector<int32_t>> inputs;
  inputs.reserve(batch.size());
  size_t real = 0, longest = 0;
  for (const Item& it : batch) {
    inputs.push_back(it.submission->prepared->inputs[it.input]);
    real += it.length;
    longest = std::max(longest, it.length);
    if (metrics_.queue_wait) {
      metrics_.queue_wait->Observe(std::chrono::duration<double>(start - it.enqueued).count());
    }
  }
  const size_t padded = longest * batch.size();
  if (metrics_.queue_depth) metrics_.queue_depth->Decrement(static_cast<double>(real));
  if (metrics_.batch_tokens) metrics_.batch_tokens->Observe(static_cast<double>(padded));
  if (metrics_.batch_items) metrics_.batch_items->Observe(static_cast<double>(batch.size()));
  if (metrics_.padding_ratio) {
    metrics_.padding_ratio->Observe(static_cast<double>(padded - real) / static_cast<double>(padded));
  }
  StatusOr<std::vector<std::vector<float>>> out = model_->Run(inputs);
  if (metrics_.batch_duration) {
    metrics_.batch_duration->Observe(
        std::chrono::duration<double>(Clock::now() - start).count());
  }
  if (out.ok() && out->size() != batch.size()) {
    out = Internal("the model returned " + std::to_string(out->size()) + " outputs for " +
                   std::to_string(batch.size()) + " inputs");
  }
  if (out.ok() && metrics_.tokens) metrics_.tokens->Increment(static_cast<double>(real));
  for (size_t i = 0; i < batch.size(); ++i) {
    Item& it = batch[i];
    if (out.ok()) {
      it.submission->on_window(it.input, std::move((*out)[i]));
    } else {
      it.submission->on_window(it.input, out.status());
    }
  }
}

}  // namespace bioner::server
