#include "bench/server_bench_runs.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/decode/classifier_model.h"
#include "server/annotator.h"

namespace bioner::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

}  // namespace

std::string ServerYaml(const std::string& repository, int threads, int blas_threads, bool batching,
                       int window, const std::vector<std::string>& types) {
  std::string entity_types;
  for (const std::string& t : types) entity_types += (entity_types.empty() ? "" : ", ") + t;
  return "models:\n  repository: " + repository + "\n  poll_interval_ms: 0\n" +
         (types.empty() ? "" : "  entity_types: [" + entity_types + "]\n") +
         "threads: " + std::to_string(threads) + "\nblas_threads: " + std::to_string(blas_threads) + "\n" +
         "batching:\n  max_batch_tokens: " + std::to_string(batching ? kBatchTokensOn : kBatchTokensOff) +
         "\n  max_queue_delay_ms: " + (batching ? "5" : "0") + "\n" +
         "limits:\n  max_stream_inflight_documents: " + std::to_string(std::max(64, window)) + "\n";
}

Status StartServer(const std::string& config_path, int window, Server* s) {
  RETURN_IF_ERROR(s->process.Start(config_path));
  client::ClientOptions o;
  o.server = s->process.address();
  o.window = window;
  o.max_attempts = 1;  // a retried stream would break the latency reconstruction
  ASSIGN_OR_RETURN(s->client, client::TaggerClient::Connect(o));
  s->window = window;
  return Status::Ok();
}

StatusOr<Run> RunServer(Server& server, const std::vector<Document>& docs,
                        const std::vector<std::string>& types, int64_t tokens) {
  const int port = server.process.metrics_port();
  ASSIGN_OR_RETURN(const std::string before, bioner::testing::ScrapeMetrics(port));
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < docs.size(); ++i) index[docs[i].id()] = i;
  std::vector<double> answered(docs.size(), -1), arrivals;
  arrivals.reserve(docs.size());
  Status failed;
  ASSIGN_OR_RETURN(const double server_cpu0, ReadCpuSeconds(server.process.pid()));
  ASSIGN_OR_RETURN(const double client_cpu0, ReadCpuSeconds(::getpid()));
  const Clock::time_point start = Clock::now();
  const Status s = server.client->AnnotateStream(
      docs, types,
      [&](Document d) {
        const double t = Seconds(start);
        arrivals.push_back(t);
        answered[index.at(d.id())] = t;
        return Status::Ok();
      },
      [&](const std::string& id, const Status& e) {
        arrivals.push_back(Seconds(start));
        if (failed.ok()) failed = e.WithContext("document " + id);
      });
  const double seconds = Seconds(start);
  RETURN_IF_ERROR(s);
  RETURN_IF_ERROR(failed);
  ASSIGN_OR_RETURN(const double server_cpu1, ReadCpuSeconds(server.process.pid()));
  ASSIGN_OR_RETURN(const double client_cpu1, ReadCpuSeconds(::getpid()));
  ASSIGN_OR_RETURN(const std::string after, bioner::testing::ScrapeMetrics(port));
  auto delta = [&](const std::string& name) { return SumMetric(after, name) - SumMetric(before, name); };
  const double real = delta("bioner_tokens_total");
  const double padded = delta("bioner_batch_tokens_sum");
  const double expected = static_cast<double>(tokens);
  if (real != expected) {
    return Internal("the server counted " + std::to_string(real) +
                    " model-input tokens, the bench expected " + std::to_string(expected));
  }
  std::vector<double> latency;
  const size_t w = static_cast<size_t>(server.window);
  for (size_t k = 0; k < docs.size(); ++k) {
    latency.push_back(answered[k] - (k >= w ? arrivals[k - w] : 0.0));
  }
  Run r;
  r.seconds = seconds;
  r.docs_per_s = static_cast<double>(docs.size()) / seconds;
  r.tokens_per_s = real / seconds;
  r.p50_ms = 1000 * Quantile(latency, 0.5);
  r.p99_ms = 1000 * Quantile(latency, 0.99);
  r.padding = padded > 0 ? (padded - real) / padded : 0;
  r.windows_per_batch =
      delta("bioner_batch_items_sum") / std::max(1.0, delta("bioner_batch_items_count"));
  r.cpu_seconds = (server_cpu1 - server_cpu0) + (client_cpu1 - client_cpu0);
  r.docs_per_cpu_s = static_cast<double>(docs.size()) / std::max(r.cpu_seconds, 1e-3);
  return r;
}

StatusOr<InProcess> LoadInProcess(const std::string& repository,
                                  const std::vector<std::string>& types, int threads) {
  InProcess p;
  LoadOptions lo;
  lo.num_threads = threads;
  for (const std::string& type : types) {
    ASSIGN_OR_RETURN(TaggingModel m,
                     LoadTaggingModel(repository + "/" + type + "/1", type + "/1", lo));
    if (!p.models.empty()) m.tokenizer = p.models.front().tokenizer;
    auto counter = std::make_shared<CountingWindowModel>(m.model);
    m.model = counter;
    p.models.push_back(std::move(m));
    p.counters.push_back(std::move(counter));
  }
  return p;
}

StatusOr<Run> RunModelOnly(InProcess& p, size_t num_models, const std::vector<Document>& docs,
                           int window, bool batching) {
  num_models = std::min(num_models, p.models.size());
  for (auto& c : p.counters) {
    c->calls = c->windows = c->real_tokens = c->padded_tokens = 0;
    c->run_seconds = 0;
  }
  // The server's batching: one Batcher (queue + worker thread) per model with the options
  // ServerYaml gives the server, and its AnnotateDocument; only gRPC, the protobuf
  // conversion and the client are left out.
  server::BatcherOptions bo;
  bo.max_batch_tokens = batching ? kBatchTokensOn : kBatchTokensOff;
  bo.max_queue_delay = std::chrono::milliseconds(batching ? 5 : 0);
  std::vector<std::shared_ptr<const server::ServingModel>> serving;
  for (size_t i = 0; i < num_models; ++i) {
    auto m = std::make_shared<server::ServingModel>();
    m->tagging = p.models[i];
    m->window.max_seq_len = std::min(m->tagging.model->max_seq_len(), 512);
    m->batcher = std::make_unique<server::Batcher>(m->tagging.model, bo);
    serving.push_back(std::move(m));
  }
  std::mutex mu;
  std::condition_variable cv;
  size_t in_flight = 0, done = 0;
  Status status;
  ASSIGN_OR_RETURN(const double cpu0, ReadCpuSeconds(::getpid()));
  const Clock::time_point start = Clock::now();
  for (const Document& d : docs) {
    {  // `window` documents in flight, as the client keeps
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return in_flight < static_cast<size_t>(window); });
      if (!status.ok()) break;
      ++in_flight;
    }
    Status s = server::AnnotateDocument(d, serving, nullptr, [&](StatusOr<Document> r) {
      std::lock_guard<std::mutex> lock(mu);
      if (!r.ok() && status.ok()) status = r.status().WithContext("document " + d.id());
      --in_flight;
      ++done;
      cv.notify_all();
    });
    if (!s.ok()) {
      std::unique_lock<std::mutex> lock(mu);
      --in_flight;
      if (status.ok()) status = s.WithContext("document " + d.id());
      break;
    }
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  // The last callback's closure may still hold a model on that model's own worker thread;
  // destroying a Batcher there would join the thread from itself (as ModelRegistry, wait).
  for (const auto& m : serving) {
    while (m.use_count() > 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  serving.clear();  // joins the workers
  RETURN_IF_ERROR(status);
  if (done != docs.size()) return Internal("model-only tagged " + std::to_string(done) + " documents");
  const double seconds = Seconds(start);
  ASSIGN_OR_RETURN(const double cpu1, ReadCpuSeconds(::getpid()));
  double real = 0, padded = 0, calls = 0, windows = 0, in_model = 0;
  for (const auto& c : p.counters) {
    in_model += c->run_seconds;
    real += static_cast<double>(c->real_tokens);
    padded += static_cast<double>(c->padded_tokens);
    calls += static_cast<double>(c->calls);
    windows += static_cast<double>(c->windows);
  }
  Run r;
  r.seconds = seconds;
  r.docs_per_s = static_cast<double>(docs.size()) / seconds;
  r.tokens_per_s = real / seconds;
  r.padding = padded > 0 ? (padded - real) / padded : 0;
  r.windows_per_batch = windows / std::max(1.0, calls);
  r.model_share = in_model / seconds;
  r.cpu_seconds = cpu1 - cpu0;
  r.docs_per_cpu_s = static_cast<double>(docs.size()) / std::max(r.cpu_seconds, 1e-3);
  return r;
}

}  // namespace bioner::bench
