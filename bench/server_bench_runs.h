// The measured runs of bench/server_bench.cc (docs/BENCHMARKS.md, "Server"): documents
// through a real bioner-server process, and the same documents through the same models in
// this process without the server (model-only).
//
// Latency through the server: the client library keeps `window` documents in flight and
// sends document k as soon as answer k - window + 1 has arrived (client/tagger_client.h),
// so that arrival (or the start, for the first `window`) is document k's send time; its
// latency is its own answer's arrival minus that.
//
// Model-only runs the same documents through the server's own AnnotateDocument and one
// Batcher (queue + worker thread) per model, with the server's batching options, keeping
// `window` documents in flight: the server minus gRPC, protobuf conversion and the client.
//
// Not thread-safe: one run at a time.
#ifndef BIONER_BENCH_SERVER_BENCH_RUNS_H_
#define BIONER_BENCH_SERVER_BENCH_RUNS_H_

#include <memory>
#include <string>
#include <vector>

#include "bench/server_bench_util.h"
#include "client/tagger_client.h"
#include "core/decode/tagger.h"
#include "tests/integration/server_process.h"

namespace bioner::bench {

// What one run of one configuration measured.
struct Run {
  double seconds = 0, docs_per_s = 0;
  double tokens_per_s = 0;          // model-input tokens (padding excluded) of all models
  double p50_ms = -1, p99_ms = -1;  // per-document latency; -1: not measured (model-only)
  double padding = 0;               // (padded - real) / padded tokens of the model calls
  double windows_per_batch = 0;     // mean windows per model call
  // CPU seconds used: the server process plus this one (the client), or this one alone
  // (model-only). On a shared machine docs per CPU-second is disturbed less than docs/s.
  double cpu_seconds = 0, docs_per_cpu_s = 0;
  double model_share = -1;  // model-only: time inside the models' Run(), summed over the
                            // models' workers, over the wall time
};

// max_batch_tokens of "batching on" (the server's default) and of "off" (1: the batcher
// takes at least one window, so each model call is exactly one window).
inline constexpr int kBatchTokensOn = 8192;
inline constexpr int kBatchTokensOff = 1;

// bioner-server's YAML for a repository of models: batching on (the defaults) or off,
// reloading off, `threads` torch and `blas_threads` OpenBLAS threads, at least `window`
// documents in flight per stream; serving `types` (every type folder of the repository when
// empty).
std::string ServerYaml(const std::string& repository, int threads, int blas_threads, bool batching,
                       int window, const std::vector<std::string>& types = {});

// A running bioner-server process with a client keeping `window` documents in flight.
struct Server {
  bioner::testing::ServerProcess process;
  std::unique_ptr<client::TaggerClient> client;
  int window = 1;
};
Status StartServer(const std::string& config_path, int window, Server* server);

// Streams `docs` through `server` for `types`. `tokens` is the model-input tokens of the
// documents for all the `types` together (each model's windows, Tokenize()): the server must
// count exactly that (else the run measured something else, and it is an error). Scrapes
// /metrics before and after for padding and batch sizes. Any refused document is an error.
StatusOr<Run> RunServer(Server& server, const std::vector<Document>& docs,
                        const std::vector<std::string>& types, int64_t tokens);

// Models loaded in this process, sharing one tokenizer as the server's registry does, each
// wrapped in a CountingWindowModel.
struct InProcess {
  std::vector<TaggingModel> models;
  std::vector<std::shared_ptr<CountingWindowModel>> counters;
};
StatusOr<InProcess> LoadInProcess(const std::string& repository,
                                  const std::vector<std::string>& types, int threads);

// Tags `docs` with the first `num_models` models as described at the top, batching on
// (max_batch_tokens kBatchTokensOn, the default padding cap and queue delay) or off.
StatusOr<Run> RunModelOnly(InProcess& in_process, size_t num_models,
                           const std::vector<Document>& docs, int window, bool batching);

}  // namespace bioner::bench

#endif  // BIONER_BENCH_SERVER_BENCH_RUNS_H_
