// Fairness between calls (issue #14; docs/RELIABILITY.md, "Fairness"): the latency of small
// requests sent while large callers keep the same model busy, through two bioner-server
// binaries side by side (before and after a scheduling change, or one binary twice).
//
//   build/bench/fairness_bench [--before PATH] [--after PATH] [--rounds 3] [--small 40]
//                              [--interval-ms 250] [--large-callers 2] [--large-kb 200]
//                              [--type Disease]
//
// Each round starts each binary in turn (order rotated per round) on the embedded default
// model of `--type` (models/), with the shipped server defaults. `--large-callers` threads
// each send Annotate calls of one document of `--large-kb` KB back to back; once the queue
// holds their work, one more thread sends `--small` Annotate calls of one title (15 words)
// one every `--interval-ms` (open loop: each in a thread of its own) and times each. Printed per
// binary: the small calls' p50 and p99, and the model tokens per second the server ran
// meanwhile (from /metrics: fairness must not cost throughput); medians over the rounds.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "bench/server_bench_util.h"
#include "bioner/v1/tagger.grpc.pb.h"
#include "core/util/args.h"
#include "tests/integration/server_process.h"
#include "tests/integration/subprocess.h"

namespace bioner::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kProgram[] = "fairness_bench";
constexpr char kTitle[] =
    "Mutations in BRCA1 and BRCA2 increase the risk of breast cancer in women of Ashkenazi descent.";
constexpr char kSentence[] =
    "Aspirin reduced the incidence of colorectal adenoma in patients with Lynch syndrome, and "
    "cisplatin-treated mice developed nephrotoxicity and hearing loss. ";

struct Result {
  double p50_ms = 0, p99_ms = 0;
  double tokens_per_s = 0;  // model tokens the server ran while the small calls were sent
};

v1::AnnotateRequest Request(const std::string& id, const std::string& text) {
  v1::AnnotateRequest req;
  v1::Document* d = req.add_documents();
  d->set_id(id);
  d->add_passages()->set_text(text);
  return req;
}

StatusOr<Result> RunOnce(const std::string& binary, const std::string& config, long long small,
                         long long interval_ms, long long large_callers,
                         const std::string& large_text) {
  testing::ServerProcess server;
  RETURN_IF_ERROR(server.Start(config, binary));
  auto stub = v1::Tagger::NewStub(server.Channel());
  std::atomic<bool> stop{false};
  std::atomic<int> large_failed{0};
  std::vector<std::thread> large;
  const v1::AnnotateRequest large_req = Request("large", large_text);
  for (long long i = 0; i < large_callers; ++i) {
    large.emplace_back([&] {
      while (!stop) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(600));
        v1::AnnotateResponse resp;
        const grpc::Status s = stub->Annotate(&ctx, large_req, &resp);
        // Calls cut short by the end of the run are not failures.
        if (!s.ok() && !stop) ++large_failed;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the large calls fill the queue
  // Open loop: small call i starts at start + i x interval whatever the others do, so both
  // binaries get the same small load; the throughput window is the same fixed span.
  ASSIGN_OR_RETURN(const std::string before, testing::ScrapeMetrics(server.metrics_port()));
  const auto start = Clock::now();
  std::vector<double> ms(static_cast<size_t>(small));
  std::vector<char> failed(static_cast<size_t>(small), 0);
  std::vector<std::thread> smalls;
  for (long long i = 0; i < small; ++i) {
    std::this_thread::sleep_until(start + i * std::chrono::milliseconds(interval_ms));
    smalls.emplace_back([&, i] {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(600));
      v1::AnnotateResponse resp;
      const auto t0 = Clock::now();
      const grpc::Status s = stub->Annotate(&ctx, Request("small" + std::to_string(i), kTitle), &resp);
      ms[i] = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      failed[i] = !s.ok();
    });
  }
  std::this_thread::sleep_until(start + small * std::chrono::milliseconds(interval_ms));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSIGN_OR_RETURN(const std::string after, testing::ScrapeMetrics(server.metrics_port()));
  for (auto& t : smalls) t.join();
  stop = true;
  Status failure;
  if (std::count(failed.begin(), failed.end(), 1) > 0) failure = Internal("a small call failed");
  for (auto& t : large) t.join();
  server.Terminate();
  if (!failure.ok()) return failure;
  if (large_failed > 0) return Internal(std::to_string(large_failed.load()) + " large calls failed");
  const double tokens = SumMetric(after, "bioner_tokens_total") - SumMetric(before, "bioner_tokens_total");
  return Result{Quantile(ms, 0.5), Quantile(ms, 0.99), tokens / seconds};
}

int Main(int argc, char** argv) {
  ArgParser p(kProgram, "Latency of small calls beside large ones, two server binaries side by side.");
  const std::string built = std::string(BIONER_BINARY_DIR) + "/server/bioner-server";
  p.AddValue("before", "PATH", "the first bioner-server binary", false, built);
  p.AddValue("after", "PATH", "the second bioner-server binary", false, built);
  p.AddValue("rounds", "N", "rounds (each runs both binaries)", false, "3");
  p.AddValue("small", "N", "small calls per run", false, "40");
  p.AddValue("interval-ms", "MS", "a small call starts every MS ms", false, "250");
  p.AddValue("large-callers", "N", "threads sending large calls", false, "2");
  p.AddValue("large-kb", "KB", "size of the large document", false, "200");
  p.AddValue("type", "TYPE", "entity type of the embedded default model to serve", false, "Disease");
  if (Status s = p.Parse(argc, argv); !s.ok()) {
    if (s.code() == StatusCode::kCancelled) return 0;
    std::cerr << kProgram << ": " << s.message() << "\n";
    return 2;
  }
  long long rounds = 0, small = 0, interval_ms = 0, large_callers = 0, large_kb = 0;
  if (!ReadIntFlags(p, kProgram, {{"rounds", &rounds, 1}, {"small", &small, 1}, {"interval-ms", &interval_ms, 1},
                                  {"large-callers", &large_callers, 0}, {"large-kb", &large_kb, 1}})) {
    return 2;
  }
  std::string large_text;
  while (large_text.size() + sizeof(kSentence) < static_cast<size_t>(large_kb) * 1024) large_text += kSentence;

  const std::string dir = testing::MakeTempDir("bioner_fairness_bench_");
  const std::string config = dir + "/server.yaml";
  std::ofstream(config) << "models:\n  repository: " << BIONER_SOURCE_DIR << "/models\n"
                        << "  poll_interval_ms: 0\n  entity_types: [" << p.Get("type") << "]\n";
  const std::vector<std::pair<std::string, std::string>> binaries = {{"before", p.Get("before")},
                                                                     {"after", p.Get("after")}};
  std::map<std::string, std::vector<Result>> results;
  for (long long r = 0; r < rounds; ++r) {
    for (size_t k = 0; k < binaries.size(); ++k) {
      const auto& [name, binary] = binaries[(k + r) % binaries.size()];
      auto run = RunOnce(binary, config, small, interval_ms, large_callers, large_text);
      if (!run.ok()) {
        std::cerr << kProgram << ": " << name << ": " << run.status() << "\n";
        testing::RunProcess("rm -rf " + dir);
        return 1;
      }
      std::printf("round %lld %-6s small p50 %8.1f ms  p99 %8.1f ms  server %7.0f tokens/s\n", r + 1,
                  name.c_str(), run->p50_ms, run->p99_ms, run->tokens_per_s);
      std::fflush(stdout);
      results[name].push_back(*run);
    }
  }
  std::printf("\nmedians over %lld rounds (%s, %lld large callers x %lld KB, %lld small calls of %zu bytes)\n",
              rounds, p.Get("type").c_str(), large_callers, large_kb, small, sizeof(kTitle) - 1);
  for (const auto& [name, binary] : binaries) {
    std::vector<double> p50, p99, tokens;
    for (const Result& x : results[name]) {
      p50.push_back(x.p50_ms);
      p99.push_back(x.p99_ms);
      tokens.push_back(x.tokens_per_s);
    }
    std::printf("%-6s small p50 %8.1f ms  p99 %8.1f ms  server %7.0f tokens/s   %s\n", name.c_str(),
                Median(p50), Median(p99), Median(tokens), binary.c_str());
  }
  testing::RunProcess("rm -rf " + dir);
  return 0;
}

}  // namespace
}  // namespace bioner::bench

int main(int argc, char** argv) { return bioner::bench::Main(argc, argv); }
