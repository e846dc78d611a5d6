// bioner-server's model lifecycle, end to end: hot reload under a running stream (a good
// new version is swapped in, a corrupt one is refused, no call fails) and graceful shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "bioner/v1/tagger.grpc.pb.h"
#include "core/util/file.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/integration/server_process.h"
#include "tests/integration/subprocess.h"

namespace bioner {
namespace {

using testing::WaitFor;

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr char kText[] =
    "Mutations in BRCA1 cause hereditary breast and ovarian cancer; tamoxifen lowers the risk.";

std::string StartRepo(const std::string& dir, const std::string& extra) {
  const std::string repo = dir + "/repo";
  EXPECT_TRUE(testing::WriteTinyModel(repo + "/Disease/1", "Disease", 1).ok());
  EXPECT_TRUE(WriteFileAtomic(repo + "/Disease/current", "1\n").ok());
  const std::string config = dir + "/server.yaml";
  std::ofstream(config) << "models:\n  repository: " << repo << "\n  poll_interval_ms: 100\n"
                        << "threads: 1\nbatching:\n  max_queue_delay_ms: 1\n" << extra;
  return config;
}

// Publishes a version as the trainer does: written under a dot name, renamed into place.
void Publish(const std::string& repo, const std::string& version,
             const std::function<void(const std::string&)>& write) {
  const std::string tmp = repo + "/Disease/.tmp-" + version + "-1";
  write(tmp);
  ASSERT_EQ(std::rename(tmp.c_str(), (repo + "/Disease/" + version).c_str()), 0);
  ASSERT_TRUE(WriteFileAtomic(repo + "/Disease/current", version + "\n").ok());
}

// Streams documents until stopped, recording the model versions seen and any failure.
class Streamer {
 public:
  explicit Streamer(std::shared_ptr<grpc::Channel> channel) : stub_(v1::Tagger::NewStub(channel)) {
    stream_ = stub_->AnnotateStream(&ctx_);
    reader_ = std::thread([this] { ReadAll(); });
    writer_ = std::thread([this] { WriteUntilStopped(); });
  }
  // Stops writing, waits for every answer; the stream's final status.
  grpc::Status Stop() {
    stop_ = true;
    writer_.join();
    reader_.join();
    return stream_->Finish();
  }
  std::set<std::string> versions() { std::lock_guard<std::mutex> l(mu_); return versions_; }
  bool Saw(const std::string& v) { std::lock_guard<std::mutex> l(mu_); return versions_.count(v) > 0; }
  int sent() const { return sent_; }
  int received() { std::lock_guard<std::mutex> l(mu_); return received_; }
  std::vector<std::string> errors() { std::lock_guard<std::mutex> l(mu_); return errors_; }

 private:
  void WriteUntilStopped() {
    while (!stop_) {
      v1::AnnotateStreamRequest req;
      req.mutable_document()->set_id(std::to_string(sent_));
      v1::Passage* p = req.mutable_document()->add_passages();
      p->set_text(kText);
      if (!stream_->Write(req)) break;
      ++sent_;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    stream_->WritesDone();
  }
  void ReadAll() {
    v1::AnnotateStreamResponse r;
    while (stream_->Read(&r)) {
      std::lock_guard<std::mutex> l(mu_);
      ++received_;
      if (r.has_error()) errors_.push_back(r.id() + ": " + r.error().message());
      for (const auto& e : r.document().entities()) versions_.insert(e.model());
    }
  }

  std::unique_ptr<v1::Tagger::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::AnnotateStreamRequest, v1::AnnotateStreamResponse>> stream_;
  std::atomic<bool> stop_{false};
  std::atomic<int> sent_{0};
  std::mutex mu_;
  int received_ = 0;
  std::set<std::string> versions_;
  std::vector<std::string> errors_;
  std::thread reader_, writer_;
};

TEST(ServerReloadTest, AStreamKeepsRunningThroughAPromotionAndACorruptCheckpoint) {
  const std::string dir = testing::MakeTempDir("bioner_reload_test_");
  const std::string repo = dir + "/repo";
  const std::string config = StartRepo(dir, "");
  testing::ServerProcess server;
  Status started = server.Start(config);
  ASSERT_TRUE(started.ok()) << started;

  Streamer streamer(server.Channel());
  ASSERT_TRUE(WaitFor([&] { return streamer.Saw("Disease/1"); }, 30));

  Publish(repo, "2", [](const std::string& d) {
    ASSERT_TRUE(testing::WriteTinyModel(d, "Disease", 7).ok());
  });
  ASSERT_TRUE(WaitFor([&] { return streamer.Saw("Disease/2"); }, 30)) << server.stderr_text();

  // A checkpoint whose weights are cut short: refused, counted, and version 2 keeps serving.
  Publish(repo, "3", [](const std::string& d) {
    ASSERT_TRUE(testing::WriteTinyModel(d, "Disease", 8).ok());
    ASSERT_EQ(::truncate((d + "/model.safetensors").c_str(), 100), 0);
  });
  ASSERT_TRUE(WaitFor([&] {
    auto m = testing::ScrapeMetrics(server.metrics_port());
    return m.ok() && testing::MetricValue(*m, R"(bioner_model_load_failures_total{entity_type="Disease"})") >= 1;
  }, 30)) << server.stderr_text();
  const int received_at_refusal = streamer.received();
  ASSERT_TRUE(WaitFor([&] { return streamer.received() > received_at_refusal + 20; }, 30));

  grpc::Status s = streamer.Stop();
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(streamer.errors(), std::vector<std::string>{});
  EXPECT_EQ(streamer.received(), streamer.sent());
  EXPECT_EQ(streamer.versions().count("Disease/3"), 0u);

  auto stub = v1::Tagger::NewStub(server.Channel());
  grpc::ClientContext ctx;
  v1::ListModelsResponse models;
  ASSERT_TRUE(stub->ListModels(&ctx, v1::ListModelsRequest(), &models).ok());
  ASSERT_EQ(models.models_size(), 1);
  EXPECT_EQ(models.models(0).version(), "Disease/2");

  auto metrics = testing::ScrapeMetrics(server.metrics_port());
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(testing::MetricValue(*metrics, R"(bioner_model_reloads_total{entity_type="Disease"})"), 1);
  EXPECT_EQ(testing::MetricValue(*metrics, R"(bioner_model_info{entity_type="Disease",version="Disease/2"})"), 1);
  EXPECT_EQ(metrics->find(R"(version="Disease/1")"), std::string::npos);
  EXPECT_NE(server.stderr_text().find("refused Disease/3, still serving Disease/2"), std::string::npos)
      << server.stderr_text();
  EXPECT_EQ(server.Terminate(), 0);
  testing::RunProcess("rm -rf " + dir);
}

TEST(ServerReloadTest, SigtermTurnsHealthNotServingAndExitsCleanly) {
  const std::string dir = testing::MakeTempDir("bioner_shutdown_test_");
  const std::string config = StartRepo(dir, "shutdown_grace_s: 5\n");
  testing::ServerProcess server;
  Status started = server.Start(config);
  ASSERT_TRUE(started.ok()) << started;
  auto health = grpc::health::v1::Health::NewStub(server.Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto watch = health->Watch(&ctx, HealthCheckRequest());
  HealthCheckResponse resp;
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);

  std::thread terminate([&] { EXPECT_EQ(server.Terminate(), 0); });
  // The watcher hears NOT_SERVING before the server goes away.
  bool not_serving = false;
  while (watch->Read(&resp)) {
    if (resp.status() == HealthCheckResponse::NOT_SERVING) not_serving = true;
  }
  terminate.join();
  EXPECT_TRUE(not_serving);
  EXPECT_NE(server.stderr_text().find("received SIGTERM"), std::string::npos) << server.stderr_text();
  EXPECT_NE(server.stderr_text().find("stopped"), std::string::npos);
  testing::RunProcess("rm -rf " + dir);
}

TEST(ServerReloadTest, AnIdleStreamIsEndedAndAnswersFirst) {
  const std::string dir = testing::MakeTempDir("bioner_idle_stream_test_");
  const std::string config = StartRepo(dir, "limits:\n  stream_idle_timeout_s: 1\n");
  testing::ServerProcess server;
  Status started = server.Start(config);
  ASSERT_TRUE(started.ok()) << started;
  auto stub = v1::Tagger::NewStub(server.Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = stub->AnnotateStream(&ctx);
  v1::AnnotateStreamRequest req;
  req.mutable_document()->set_id("a");
  req.mutable_document()->add_passages()->set_text(kText);
  ASSERT_TRUE(stream->Write(req));
  v1::AnnotateStreamResponse r;
  ASSERT_TRUE(stream->Read(&r));  // the answer comes first
  EXPECT_FALSE(r.has_error()) << r.error().message();
  // Then the client neither sends nor half-closes: the server ends the stream.
  const auto idle_from = std::chrono::steady_clock::now();
  EXPECT_FALSE(stream->Read(&r));
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - idle_from).count();
  const grpc::Status s = stream->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_NE(s.error_message().find("limits.stream_idle_timeout_s"), std::string::npos)
      << s.error_message();
  EXPECT_GE(waited, 0.9);
  EXPECT_LT(waited, 20);  // not the client's own 30 s deadline
  // Counted by that code, and the server goes on serving.
  ASSERT_TRUE(testing::WaitFor([&] {
    auto m = testing::ScrapeMetrics(server.metrics_port());
    return m.ok() && testing::MetricValue(*m, R"(bioner_requests_total{code="DEADLINE_EXCEEDED",method="AnnotateStream"})") == 1;
  }, 5));
  grpc::ClientContext ctx2;
  v1::ListModelsResponse models;
  EXPECT_TRUE(stub->ListModels(&ctx2, v1::ListModelsRequest(), &models).ok());
  EXPECT_EQ(server.Terminate(), 0);
  testing::RunProcess("rm -rf " + dir);
}

TEST(ServerReloadTest, DuringTheShutdownDelayCheckSaysNotServingAndCallsStillPass) {
  const std::string dir = testing::MakeTempDir("bioner_shutdown_delay_test_");
  const std::string config = StartRepo(dir, "shutdown_delay_s: 3\nshutdown_grace_s: 1\n");
  testing::ServerProcess server;
  Status started = server.Start(config);
  ASSERT_TRUE(started.ok()) << started;
  auto health = grpc::health::v1::Health::NewStub(server.Channel());
  auto stub = v1::Tagger::NewStub(server.Channel());
  auto check = [&](HealthCheckResponse::ServingStatus* status) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    HealthCheckRequest req;
    req.set_service("bioner.v1.Tagger");
    HealthCheckResponse resp;
    const grpc::Status s = health->Check(&ctx, req, &resp);
    *status = resp.status();
    return s.ok();
  };
  HealthCheckResponse::ServingStatus status;
  ASSERT_TRUE(check(&status));
  EXPECT_EQ(status, HealthCheckResponse::SERVING);

  ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
  // A polling Check (as a Kubernetes readiness probe or a load balancer does it) sees
  // NOT_SERVING while the port is still open ...
  ASSERT_TRUE(testing::WaitFor([&] { return check(&status) && status == HealthCheckResponse::NOT_SERVING; }, 2))
      << server.stderr_text();
  // ... and a call still gets its answer.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::AnnotateRequest req;
  v1::Passage* p = req.add_documents()->add_passages();
  p->set_text(kText);
  v1::AnnotateResponse resp;
  const grpc::Status annotated = stub->Annotate(&ctx, req, &resp);
  EXPECT_TRUE(annotated.ok()) << annotated.error_message();
  EXPECT_EQ(server.Terminate(), 0) << server.stderr_text();  // a second SIGTERM changes nothing
  EXPECT_NE(server.stderr_text().find("NOT_SERVING; serving calls for 3 s more"), std::string::npos)
      << server.stderr_text();
  testing::RunProcess("rm -rf " + dir);
}

}  // namespace
}  // namespace bioner
