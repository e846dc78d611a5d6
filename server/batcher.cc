#include "server/batcher.h"

#include <algorithm>
#include <numeric>

namespace bioner::server {

size_t PlanBatch(const std::vector<size_t>& lengths, int64_t budget) {
  size_t longest = 0, k = 0;
  while (k < lengths.size()) {
    const size_t next_longest = std::max(longest, lengths[k]);
    if (k > 0 && static_cast<int64_t>((k + 1) * next_longest) > budget) break;
    longest = next_longest;
    ++k;
  }
  return k;
}

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
  const auto& inputs = prepared->inputs;
  if (inputs.empty()) return Status::Ok();
  std::vector<size_t> order(inputs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return inputs[a].size() > inputs[b].size();
  });
  const int64_t tokens = static_cast<int64_t>(prepared->num_tokens());
  auto submission = std::make_shared<Submission>(
      Submission{std::move(prepared), std::move(ticket), std::move(on_window)});
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Unavailable("the model is shutting down");
    if (queued_tokens_ + tokens > options_.max_queued_tokens) {
      if (metrics_.rejected) metrics_.rejected->Increment(static_cast<double>(order.size()));
      return ResourceExhausted("the model queue is full: " + std::to_string(queued_tokens_) +
                               " tokens queued, " + std::to_string(tokens) +
                               " more would pass batching.max_queued_tokens (" +
                               std::to_string(options_.max_queued_tokens) + ")");
    }
    const Clock::time_point now = Clock::now();
    for (size_t i : order) {
      queue_.push_back(Item{submission, i, submission->prepared->inputs[i].size(), now});
    }
    queued_tokens_ += tokens;
    if (metrics_.queue_depth) metrics_.queue_depth->Increment(static_cast<double>(tokens));
  }
  cv_.notify_all();
  return Status::Ok();
}

void Batcher::TakeDeadLocked(std::vector<std::pair<Item, Status>>* dead) {
  const Clock::time_point now = Clock::now();
  auto keep = queue_.begin();
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    const WorkTicket* t = it->submission->ticket.get();
    if (t && t->cancelled()) {
      dead->emplace_back(std::move(*it), Cancelled("the call was cancelled"));
    } else if (t && t->deadline() <= now) {
      dead->emplace_back(std::move(*it),
                         Status(StatusCode::kDeadlineExceeded, "the deadline passed while queued"));
    } else {
      if (keep != it) *keep = std::move(*it);
      ++keep;
      continue;
    }
    queued_tokens_ -= static_cast<int64_t>(dead->back().first.length);
    if (metrics_.queue_depth) {
      metrics_.queue_depth->Decrement(static_cast<double>(dead->back().first.length));
    }
  }
  queue_.erase(keep, queue_.end());
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

void Batcher::WorkerLoop() {
  std::vector<std::pair<Item, Status>> dead;
  std::vector<size_t> lengths;
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
        lengths.clear();
        for (const Item& it : queue_) lengths.push_back(it.length);
        const size_t n = PlanBatch(lengths, options_.max_batch_tokens);
        const Clock::time_point due = queue_.front().enqueued + options_.max_queue_delay;
        // A batch leaves when it is full (the next window would not fit), when its oldest
        // window has waited long enough, or when the batcher is draining.
        if (n < queue_.size() || stopping_ || Clock::now() >= due) {
          for (size_t i = 0; i < n; ++i) {
            queued_tokens_ -= static_cast<int64_t>(queue_.front().length);
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
          }
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
