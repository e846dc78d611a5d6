// The server's Batcher against a fake WindowModel: the batch plan (oldest first, joined by the
// nearest lengths under the token budget and the padding cap) as literal expected batches,
// backpressure, cancellation, deadlines, model failures and the padding metric.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include <prometheus/registry.h>

#include "server/batcher.h"

namespace bioner::server {
namespace {

// Records the input lengths of every batch; can hold Run() until released and fail.
class FakeModel final : public WindowModel {
 public:
  FakeModel() : labels_(LabelSet::ForTypes({"Disease"}, LabelScheme::kBIO)) {}
  const LabelSet& labels() const override { return labels_; }
  int max_seq_len() const override { return 512; }

  StatusOr<std::vector<std::vector<float>>> Run(
      const std::vector<std::vector<int32_t>>& inputs) override {
    std::unique_lock<std::mutex> lock(mu_);
    std::vector<size_t> lengths;
    for (const auto& in : inputs) lengths.push_back(in.size());
    batches_.push_back(lengths);
    ++running_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !held_; });
    if (fail_) return Internal("fake model failure");
    std::vector<std::vector<float>> out;
    for (const auto& in : inputs) out.emplace_back(in.size() * labels_.size(), 0.5f);
    return out;
  }

  void Hold() { std::lock_guard<std::mutex> l(mu_); held_ = true; }
  void Release() { { std::lock_guard<std::mutex> l(mu_); held_ = false; } cv_.notify_all(); }
  void Fail() { std::lock_guard<std::mutex> l(mu_); fail_ = true; }
  void WaitRunning(int n) { std::unique_lock<std::mutex> l(mu_); cv_.wait(l, [&] { return running_ >= n; }); }
  std::vector<std::vector<size_t>> batches() { std::lock_guard<std::mutex> l(mu_); return batches_; }

 private:
  LabelSet labels_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::vector<size_t>> batches_;
  int running_ = 0;
  bool held_ = false;
  bool fail_ = false;
};

std::shared_ptr<const PreparedDocument> Doc(const std::vector<size_t>& lengths) {
  auto d = std::make_shared<PreparedDocument>();
  for (size_t n : lengths) d->inputs.emplace_back(n, 7);
  return d;
}

// Collects the callbacks of submissions.
struct Results {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<size_t, Status>> got;  // input, status
  std::vector<size_t> sizes;                   // logits sizes of the OK ones
  Batcher::WindowCallback Callback() {
    return [this](size_t input, StatusOr<std::vector<float>> r) {
      std::lock_guard<std::mutex> l(mu);
      got.emplace_back(input, r.status());
      if (r.ok()) sizes.push_back(r->size());
      cv.notify_all();
    };
  }
  void WaitFor(size_t n) { std::unique_lock<std::mutex> l(mu); cv.wait(l, [&] { return got.size() >= n; }); }
};

BatcherOptions Options(int64_t budget, int64_t queue, int64_t max_padding_percent = 5) {
  BatcherOptions o;
  o.max_batch_tokens = budget;
  o.max_padding_percent = max_padding_percent;
  o.max_queue_delay = std::chrono::microseconds(0);
  o.max_queued_tokens = queue;
  return o;
}

TEST(BatcherTest, OneSubmissionIsSplitByLengthUnderThePaddingCap) {
  auto model = std::make_shared<FakeModel>();
  Results results;
  {
    Batcher batcher(model, Options(24, 1000));
    ASSERT_TRUE(batcher.Submit(Doc({5, 12, 7, 12, 3}), nullptr, results.Callback()).ok());
    results.WaitFor(5);
  }
  // 5 (the oldest) is joined by neither 3 nor 7 (2 of 10 or 14 tokens would be padding).
  EXPECT_EQ(model->batches(), (std::vector<std::vector<size_t>>{{5}, {12, 12}, {7}, {3}}));
  ASSERT_EQ(results.got.size(), 5u);
  std::vector<size_t> inputs;
  for (const auto& [input, status] : results.got) {
    EXPECT_TRUE(status.ok()) << status;
    inputs.push_back(input);
  }
  EXPECT_EQ(inputs, (std::vector<size_t>{0, 1, 3, 2, 4}));
  EXPECT_EQ(results.sizes, (std::vector<size_t>{15, 36, 36, 21, 9}));  // length x 3 labels
}

TEST(BatcherTest, WithoutACapTheBudgetPacksTheNearestLengthsLongestFirst) {
  auto model = std::make_shared<FakeModel>();
  Results results;
  {
    Batcher batcher(model, Options(24, 1000, 100));
    ASSERT_TRUE(batcher.Submit(Doc({5, 12, 7, 12, 3}), nullptr, results.Callback()).ok());
    results.WaitFor(5);
  }
  EXPECT_EQ(model->batches(), (std::vector<std::vector<size_t>>{{7, 5, 3}, {12, 12}}));
}

// docs/RELIABILITY.md "Fairness": a small call queued behind a large one goes in the next
// batch, not after all the large call's windows.
TEST(BatcherTest, TheLeastServedCallGoesFirstSoALargeCallerCannotStarveASmallOne) {
  auto model = std::make_shared<FakeModel>();
  Results large_results, small_results;
  {
    Batcher batcher(model, Options(100, 10000));  // a budget of one 100-token window
    auto large = std::make_shared<WorkTicket>();
    auto small = std::make_shared<WorkTicket>();
    model->Hold();
    ASSERT_TRUE(batcher.Submit(Doc(std::vector<size_t>(6, 100)), large, large_results.Callback()).ok());
    model->WaitRunning(1);  // the large call's first window is running
    ASSERT_TRUE(batcher.Submit(Doc({90}), small, small_results.Callback()).ok());
    model->Release();
    large_results.WaitFor(6);
    small_results.WaitFor(1);
    EXPECT_EQ(large->served_tokens(), 600);
    EXPECT_EQ(small->served_tokens(), 90);
  }
  // Oldest-first would have run the small window last, after five more 100s.
  EXPECT_EQ(model->batches(), (std::vector<std::vector<size_t>>{{100}, {90}, {100}, {100}, {100}, {100}, {100}}));
}

TEST(BatcherTest, CallsAreCountedAtTheirRootTicket) {
  auto call = std::make_shared<WorkTicket>();
  auto document = std::make_shared<WorkTicket>(Clock::time_point::max(), call);
  EXPECT_EQ(document->root(), call.get());
  document->root()->AddServedTokens(7);
  EXPECT_EQ(call->served_tokens(), 7);
}

TEST(BatcherTest, WindowsOfSeveralSubmissionsShareABatchByLength) {
  auto model = std::make_shared<FakeModel>();
  Results results;
  {
    Batcher batcher(model, Options(1000, 1000));
    model->Hold();
    ASSERT_TRUE(batcher.Submit(Doc({10}), nullptr, results.Callback()).ok());
    model->WaitRunning(1);
    ASSERT_TRUE(batcher.Submit(Doc({40, 60}), nullptr, results.Callback()).ok());
    ASSERT_TRUE(batcher.Submit(Doc({61, 41}), nullptr, results.Callback()).ok());
    EXPECT_EQ(batcher.queued_tokens(), 202);
    model->Release();
    results.WaitFor(5);
  }
  EXPECT_EQ(model->batches(), (std::vector<std::vector<size_t>>{{10}, {41, 40}, {61, 60}}));
}

TEST(BatcherTest, TheOldestWindowIsNeverPassedOver) {
  auto model = std::make_shared<FakeModel>();
  Results results;
  {
    Batcher batcher(model, Options(1000, 1000));
    model->Hold();
    ASSERT_TRUE(batcher.Submit(Doc({100}), nullptr, results.Callback()).ok());
    model->WaitRunning(1);
    ASSERT_TRUE(batcher.Submit(Doc({30}), nullptr, results.Callback()).ok());
    ASSERT_TRUE(batcher.Submit(Doc({50, 50, 50}), nullptr, results.Callback()).ok());
    model->Release();
    results.WaitFor(5);
  }
  EXPECT_EQ(model->batches(), (std::vector<std::vector<size_t>>{{100}, {30}, {50, 50, 50}}));
}

TEST(BatcherTest, AFullBatchLeavesWithoutWaitingForTheQueueDelay) {
  auto model = std::make_shared<FakeModel>();
  Results results;
  BatcherOptions o = Options(40, 1000);
  o.max_queue_delay = std::chrono::hours(1);  // a partial batch would wait that long
  Batcher batcher(model, o);
  ASSERT_TRUE(batcher.Submit(Doc({20}), nullptr, results.Callback()).ok());
  ASSERT_TRUE(batcher.Submit(Doc({20}), nullptr, results.Callback()).ok());
  results.WaitFor(2);  // 2 x 20 fills the 40-token budget: it leaves at once
  EXPECT_EQ(model->batches(), (std::vector<std::vector<size_t>>{{20, 20}}));
}

TEST(BatcherTest, AFullQueueRefusesAtOnceWithResourceExhausted) {
  auto model = std::make_shared<FakeModel>();
  Results results;
  {
    Batcher batcher(model, Options(100, 40));
    model->Hold();
    ASSERT_TRUE(batcher.Submit(Doc({10}), nullptr, results.Callback()).ok());
    model->WaitRunning(1);  // taken off the queue: the queue is empty again
    ASSERT_TRUE(batcher.Submit(Doc({15, 15}), nullptr, results.Callback()).ok());
    Status refused = batcher.Submit(Doc({5, 6}), nullptr, results.Callback());
    EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted) << refused;
    EXPECT_NE(refused.message().find("max_queued_tokens"), std::string::npos) << refused;
    EXPECT_EQ(batcher.queued_tokens(), 30);  // nothing of the refused submission is queued
    ASSERT_TRUE(batcher.Submit(Doc({10}), nullptr, results.Callback()).ok());  // still fits
    model->Release();
    results.WaitFor(4);
  }
  EXPECT_EQ(model->batches(), (std::vector<std::vector<size_t>>{{10}, {15, 15}, {10}}));
  EXPECT_EQ(results.got.size(), 4u);
}

// A submission bigger than the whole queue could never pass: INVALID_ARGUMENT, not the
// retryable RESOURCE_EXHAUSTED (issue #14, defect 4), even with the queue empty.
TEST(BatcherTest, WorkLargerThanTheWholeQueueIsInvalidNotRetryable) {
  auto model = std::make_shared<FakeModel>();
  Results results;
  Batcher batcher(model, Options(100, 40));
  Status refused = batcher.Submit(Doc({30, 11}), nullptr, results.Callback());
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << refused;
  EXPECT_NE(refused.message().find("needs 41 model tokens"), std::string::npos) << refused;
  EXPECT_NE(refused.message().find("max_queued_tokens 40"), std::string::npos) << refused;
  EXPECT_EQ(batcher.queued_tokens(), 0);
  ASSERT_TRUE(batcher.Submit(Doc({30, 10}), nullptr, results.Callback()).ok());  // exactly fits
  results.WaitFor(2);
}

TEST(BatcherTest, PurgeFreesTheQueuedWorkOfACancelledCall) {
  auto model = std::make_shared<FakeModel>();
  Results results;
  {
    Batcher batcher(model, Options(100, 1000));
    model->Hold();
    ASSERT_TRUE(batcher.Submit(Doc({10}), nullptr, results.Callback()).ok());
    model->WaitRunning(1);
    auto ticket = std::make_shared<WorkTicket>();
    auto child = std::make_shared<WorkTicket>(Clock::time_point::max(), ticket);
    ASSERT_TRUE(batcher.Submit(Doc({8, 9}), child, results.Callback()).ok());
    ASSERT_TRUE(batcher.Submit(Doc({3}), nullptr, results.Callback()).ok());
    EXPECT_EQ(batcher.queued_tokens(), 20);
    ticket->Cancel();  // the parent: the call
    batcher.Purge();
    EXPECT_EQ(batcher.queued_tokens(), 3);
    {
      std::lock_guard<std::mutex> l(results.mu);
      ASSERT_EQ(results.got.size(), 2u);  // reported by Purge itself
      EXPECT_EQ(results.got[0].second.code(), StatusCode::kCancelled);
      EXPECT_EQ(results.got[1].second.code(), StatusCode::kCancelled);
    }
    model->Release();
    results.WaitFor(4);
  }
  EXPECT_EQ(model->batches(), (std::vector<std::vector<size_t>>{{10}, {3}}));
}

TEST(BatcherTest, WindowsPastTheirDeadlineAreDroppedNotRun) {
  auto model = std::make_shared<FakeModel>();
  Results results;
  {
    Batcher batcher(model, Options(100, 1000));
    model->Hold();
    ASSERT_TRUE(batcher.Submit(Doc({10}), nullptr, results.Callback()).ok());
    model->WaitRunning(1);
    auto expired = std::make_shared<WorkTicket>(Clock::now() - std::chrono::seconds(1));
    ASSERT_TRUE(batcher.Submit(Doc({8}), expired, results.Callback()).ok());
    model->Release();
    results.WaitFor(2);
  }
  EXPECT_EQ(model->batches(), (std::vector<std::vector<size_t>>{{10}}));
  EXPECT_EQ(results.got[1].second.code(), StatusCode::kDeadlineExceeded);
}

TEST(BatcherTest, AModelFailureReachesEveryWindowOfTheBatch) {
  auto model = std::make_shared<FakeModel>();
  model->Fail();
  Results results;
  {
    Batcher batcher(model, Options(100, 1000));
    ASSERT_TRUE(batcher.Submit(Doc({4, 5, 6}), nullptr, results.Callback()).ok());
    results.WaitFor(3);
  }
  for (const auto& [input, status] : results.got) {
    EXPECT_EQ(status.code(), StatusCode::kInternal);
    EXPECT_EQ(status.message(), "fake model failure");
  }
}

TEST(BatcherTest, MeasuresBatchSizesAndPadding) {
  auto registry = std::make_shared<prometheus::Registry>();
  ServerMetrics metrics(registry);
  auto model = std::make_shared<FakeModel>();
  Results results;
  {
    Batcher batcher(model, Options(24, 1000, 100), metrics.ForModel("Disease"));
    ASSERT_TRUE(batcher.Submit(Doc({5, 12, 7, 12, 3}), nullptr, results.Callback()).ok());
    results.WaitFor(5);
  }
  std::map<std::string, prometheus::ClientMetric> by_name;
  for (const auto& family : registry->Collect()) {
    for (const auto& m : family.metric) {
      if (!m.label.empty() && m.label[0].value == "Disease") by_name[family.name] = m;
    }
  }
  // No cap: batches {7, 5, 3} (21 padded, 6 padding) and {12, 12} (24 padded, no padding).
  EXPECT_EQ(by_name["bioner_batch_padding_ratio"].histogram.sample_count, 2u);
  EXPECT_NEAR(by_name["bioner_batch_padding_ratio"].histogram.sample_sum, 6.0 / 21.0, 1e-9);
  EXPECT_EQ(by_name["bioner_batch_tokens"].histogram.sample_sum, 45.0);
  EXPECT_EQ(by_name["bioner_batch_items"].histogram.sample_sum, 5.0);
  EXPECT_EQ(by_name["bioner_tokens_total"].counter.value, 39.0);
  EXPECT_EQ(by_name["bioner_queue_depth_tokens"].gauge.value, 0.0);
}

}  // namespace
}  // namespace bioner::server
