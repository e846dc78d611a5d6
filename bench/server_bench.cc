// bioner-server under load (issue #5; docs/BENCHMARKS.md, "Server"): real abstracts through
// the real server binary on loopback, batching on and off, 1 and 5 entity models, beside the
// same models without the server (model-only); padding; the server's resident memory; the
// efficiency of a BERT-base forward pass and from it a projection for one H100.
//
//   build/bench/server_bench [--rounds 3] [--docs 40] [--docs5 10] [--window 8]
//                            [--threads 1] [--blas-threads 1]   (the server's defaults)
//
// Setup: 5 random-weight models (speed depends on shape only) of the coming default models'
// shape: hidden 256, 4 layers, 4 heads, intermediate 1024, the BioBERT cased vocabulary;
// two bioner-server processes serving all five, batching on (max_batch_tokens 8192,
// max_queue_delay_ms 5: the defaults) and off (max_batch_tokens 1: one window per model
// call). Every round runs each configuration once on the same documents (the next slice
// of the abstracts), in an order rotated per round, so that the machine's load hits all of
// them alike; the summary gives medians over the rounds. Exit 1 when a run fails.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>

#include "bench/server_bench_runs.h"
#include "bench/server_bench_util.h"
#include "core/model/blas_check.h"
#include "core/model/token_classifier.h"
#include "core/util/args.h"
#include "core/util/file.h"
#include "tests/integration/subprocess.h"

namespace bioner::bench {
namespace {

using Clock = std::chrono::steady_clock;
const std::string kShared = std::string(BIONER_SOURCE_DIR) + "/../shared";
const std::vector<std::string> kTypes = {"Gene", "Chemical", "Disease", "Species", "CellLine"};
constexpr double kH100Bf16DenseFlops = 989.4e12;  // H100 SXM5, dense (no sparsity)
constexpr double kAbstracts = 36e6;

BertConfig Shape(int64_t hidden, int64_t layers, int64_t heads, int64_t inter) {
  BertConfig c;
  c.vocab_size = 28996;  // BioBERT v1.1 cased
  c.hidden_size = hidden;
  c.num_hidden_layers = layers;
  c.num_attention_heads = heads;
  c.intermediate_size = inter;
  c.max_position_embeddings = 512;
  c.labels = {"O", "B-Disease", "I-Disease"};
  return c;
}

struct Config {
  const char* name;
  size_t models;
  bool server;  // false: model-only
  bool batching;
};
const std::vector<Config> kConfigs = {
    {"server, batching on", 1, true, true}, {"server, batching off", 1, true, false},
    {"model-only, batching on", 1, false, true}, {"server, batching on", 5, true, true},
    {"server, batching off", 5, true, false}, {"model-only, batching on", 5, false, true}};
constexpr size_t kGroup1 = 3;  // kConfigs[0, 3) use 1 model, the rest 5

void PrintRun(int round, const Config& c, size_t docs, const Run& r) {
  std::printf("round %d  %-25s %zu model(s) %4zu docs %6.1f s %7.2f docs/s %7.0f tokens/s", round,
              c.name, c.models, docs, r.seconds, r.docs_per_s, r.tokens_per_s);
  if (r.p50_ms >= 0) std::printf("  p50 %6.0f ms  p99 %6.0f ms", r.p50_ms, r.p99_ms);
  std::printf("  padding %5.2f%%  %5.1f windows/batch  %5.1f CPU-s %6.3f docs/CPU-s", 100 * r.padding,
              r.windows_per_batch, r.cpu_seconds, r.docs_per_cpu_s);
  if (r.model_share >= 0) std::printf("  %.0f%% in Run()", 100 * r.model_share);
  std::printf("\n");
  std::fflush(stdout);
}

template <typename F>
double MedianOf(const std::vector<Run>& runs, F field) {
  std::vector<double> v;
  for (const Run& r : runs) v.push_back(field(r));
  return Median(v);
}

// GFLOP/s of a BERT-base forward pass on a batch of real windows, and the sgemm rate for
// reference. The batch: the windows of the first 64 documents sorted longest first (as a
// length-sorting batcher would see them), from the first one no longer than `typical`
// tokens, as many as `budget` padded tokens hold.
struct Efficiency {
  size_t windows = 0, tokens = 0;
  double seconds = 0, gflops = 0, sgemm_gflops = 0;
};

StatusOr<Efficiency> MeasureBase(const std::string& dir, const std::string& vocab,
                                 const std::vector<Document>& docs,
                                 const text::TextEncoder& tokenizer, double typical, int budget,
                                 int runs, int threads) {
  const BertConfig base = Shape(768, 12, 12, 3072);
  RETURN_IF_ERROR(CreateRandomModel(base, dir, 11, vocab));
  LoadOptions lo;
  lo.num_threads = threads;
  ASSIGN_OR_RETURN(auto model, TokenClassifier::Load(dir, lo));
  std::vector<std::vector<int32_t>> inputs;
  for (size_t d = 0; d < docs.size() && d < 64; ++d) {
    ASSIGN_OR_RETURN(PreparedDocument p, PrepareDocument(docs[d], tokenizer, WindowOptions{512, -1}));
    for (auto& in : p.inputs) inputs.push_back(std::move(in));
  }
  std::stable_sort(inputs.begin(), inputs.end(), [](const auto& x, const auto& y) { return x.size() > y.size(); });
  size_t first = 0;
  while (first + 1 < inputs.size() && static_cast<double>(inputs[first].size()) > typical) ++first;
  Batch batch;
  double flops = 0;
  for (size_t i = first; i < inputs.size(); ++i) {
    if (!batch.input_ids.empty() &&
        (batch.input_ids.size() + 1) * inputs[first].size() > static_cast<size_t>(budget)) {
      break;
    }
    const double len = static_cast<double>(inputs[i].size());
    flops += len * EncoderFlopsPerToken(base, len);
    batch.input_ids.push_back(inputs[i]);
  }
  Efficiency e;
  e.windows = batch.input_ids.size();
  for (const auto& in : batch.input_ids) e.tokens += in.size();
  Batch warm;
  warm.input_ids.push_back(batch.input_ids.front());
  RETURN_IF_ERROR(model->Forward(warm).status());
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const Clock::time_point start = Clock::now();
    RETURN_IF_ERROR(model->Forward(batch).status());
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  e.seconds = Median(times);
  e.gflops = flops / e.seconds / 1e9;
  ASSIGN_OR_RETURN(e.sgemm_gflops, MeasureSgemmGflops(2048, 3));
  return e;
}

// The most any batcher can gain on this hardware: one model's forward pass over `k` copies
// of a real window of `length` tokens in one call, against the same k windows one call
// each. Equal lengths, so no padding; the median of `runs` alternating pairs.
struct Ceiling {
  size_t length = 0;
  double one_by_one_s = 0, batched_s = 0;
};

StatusOr<Ceiling> MeasureBatchCeiling(const TokenClassifier& model, const std::vector<Document>& docs,
                                      const text::TextEncoder& tokenizer, size_t length, int k, int runs) {
  std::vector<int32_t> window;
  for (size_t d = 0; d < docs.size() && window.empty(); ++d) {
    ASSIGN_OR_RETURN(PreparedDocument p, PrepareDocument(docs[d], tokenizer, WindowOptions{512, -1}));
    for (auto& in : p.inputs) {
      if (in.size() >= length) {
        window.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(length) - 1);
        window.push_back(in.back());  // keep [SEP] last
        break;
      }
    }
  }
  if (window.empty()) return InvalidArgument("no window of " + std::to_string(length) + " tokens in the abstracts");
  Batch one, all;
  one.input_ids.push_back(window);
  all.input_ids.assign(static_cast<size_t>(k), window);
  RETURN_IF_ERROR(model.Forward(all).status());  // warm-up
  std::vector<double> singles, batches;
  for (int r = 0; r < runs; ++r) {
    Clock::time_point start = Clock::now();
    for (int i = 0; i < k; ++i) RETURN_IF_ERROR(model.Forward(one).status());
    singles.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    start = Clock::now();
    RETURN_IF_ERROR(model.Forward(all).status());
    batches.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  return Ceiling{window.size(), Median(singles), Median(batches)};
}

int Main(int argc, char** argv) {
  ArgParser p("server_bench", "bioner-server throughput, latency, batching, padding, memory (docs/BENCHMARKS.md).");
  p.AddValue("abstracts", "FILE", "JSONL(.gz) with \"title\" and \"text\"", false,
             kShared + "/pretrain/sysreview_abstracts-00.jsonl.gz");
  p.AddValue("rounds", "N", "rounds of every configuration", false, "3");
  p.AddValue("docs", "N", "documents per run with 1 model", false, "40");
  p.AddValue("docs5", "N", "documents per run with 5 models", false, "10");
  p.AddValue("window", "N", "documents in flight (client) / per TagDocuments call", false, "8");
  p.AddValue("threads", "N", "torch intra-op threads, server and model-only (0: all cores)", false, "1");
  p.AddValue("blas-threads", "N", "OpenBLAS threads, server and model-only", false, "1");
  p.AddValue("stats-docs", "N", "abstracts for the tokens-per-abstract statistics", false, "1000");
  p.AddValue("base-batch-tokens", "N", "padded tokens of the BERT-base efficiency batch (0: skip)", false, "1024");
  p.AddValue("base-runs", "N", "timed BERT-base forward passes", false, "2");
  if (auto code = p.ParseCommandLine(argc, argv)) return *code;
  long long rounds = 0, n1 = 0, n5 = 0, window = 0, threads = 0, blas = 0, stats = 0, base_budget = 0, base_runs = 0;
  if (!ReadIntFlags(p, "server_bench",
                    {{"rounds", &rounds, 1},
                     {"docs", &n1, 1},
                     {"docs5", &n5, 1},
                     {"window", &window, 1},
                     {"threads", &threads, 0},
                     {"blas-threads", &blas, 1},
                     {"stats-docs", &stats, 1},
                     {"base-batch-tokens", &base_budget, 0},
                     {"base-runs", &base_runs, 1}})) {
    return 2;
  }
  const Clock::time_point t0 = Clock::now();
  std::printf("load average at start: %s (%u hardware threads)\n", LoadAverage().c_str(),
              std::thread::hardware_concurrency());
  auto fail = [](const Status& s) {
    std::cerr << "server_bench: " << s << "\n";
    return 1;
  };
  // A reference BLAS would make model-only (this process) slower than the server.
  if (Status s = CheckOpenBlas(); !s.ok()) return fail(s);
  if (Status s = SetBlasThreads(static_cast<int>(blas)); !s.ok()) return fail(s);
  const auto vocab = ReadFile(kShared + "/testvectors/vocab/biobert-v1.1/vocab.txt");
  if (!vocab.ok()) return fail(vocab.status());
  const size_t pool_size = static_cast<size_t>(std::max({rounds * n1, rounds * n5, stats}));
  auto pool = ReadAbstracts(p.Get("abstracts"), pool_size);
  if (!pool.ok()) return fail(pool.status());
  if (pool->size() < static_cast<size_t>(rounds * std::max(n1, n5))) {
    return fail(InvalidArgument(p.Get("abstracts") + " has " + std::to_string(pool->size()) +
                                " abstracts; the runs need " + std::to_string(rounds * std::max(n1, n5))));
  }
  // This process has LibTorch (and gRPC) loaded but no model yet: the runtime's share.
  auto runtime = bioner::testing::ReadProcessMemory(::getpid());
  if (!runtime.ok()) return fail(runtime.status());
  const std::string tmp = bioner::testing::MakeTempDir("bioner_server_bench_");
  // Removes the models (~650 MB with BERT-base) on every way out; declared before the
  // servers, so they are killed first.
  struct RemoveOnExit {
    std::string dir;
    ~RemoveOnExit() { bioner::testing::RunProcess("rm -rf " + dir); }
  } remove_tmp{tmp};
  const std::string repo = tmp + "/repo";
  const BertConfig small = Shape(256, 4, 4, 1024);
  auto model_bytes = WriteRandomRepository(repo, kTypes, small, *vocab, 1);
  if (!model_bytes.ok()) return fail(model_bytes.status());
  auto in_process = LoadInProcess(repo, kTypes, static_cast<int>(threads));
  if (!in_process.ok()) return fail(in_process.status());
  const text::TextEncoder& tokenizer = *in_process->models.front().tokenizer;
  auto tok = Tokenize(*pool, tokenizer, ServingWindow(*in_process->models.front().model));
  if (!tok.ok()) return fail(tok.status());

  // Tokens per abstract and the token-weighted mean window length (the attention term of
  // the FLOPs grows with the length of the window a token is in).
  double sum_tokens = 0, sum_sq = 0, windows = 0;
  std::vector<double> per_doc;
  for (size_t d = 0; d < tok->tokens.size(); ++d) {
    per_doc.push_back(static_cast<double>(tok->tokens[d]));
    sum_tokens += static_cast<double>(tok->tokens[d]);
    for (size_t len : tok->windows[d]) {
      sum_sq += static_cast<double>(len * len);
      ++windows;
    }
  }
  const double mean_tokens = sum_tokens / static_cast<double>(per_doc.size());
  const double weighted_len = sum_sq / sum_tokens;
  std::printf("abstracts: %zu from %s; model-input tokens per abstract: mean %.0f, median %.0f, "
              "p99 %.0f; %.3f windows per abstract\n",
              per_doc.size(), p.Get("abstracts").c_str(), mean_tokens, Median(per_doc),
              Quantile(per_doc, 0.99), windows / static_cast<double>(per_doc.size()));

  const int w = static_cast<int>(window);
  Server on, off;
  for (auto [server, batching] : {std::pair{&on, true}, std::pair{&off, false}}) {
    const std::string path = tmp + (batching ? "/on.yaml" : "/off.yaml");
    Status s = WriteFileAtomic(path, ServerYaml(repo, static_cast<int>(threads), static_cast<int>(blas), batching, w));
    if (s.ok()) s = StartServer(path, w, server);
    if (!s.ok()) return fail(s);
  }
  // Resident memory with the five models loaded, before any call.
  auto loaded = bioner::testing::ReadProcessMemory(on.process.pid());
  if (!loaded.ok()) return fail(loaded.status());
  // Warm-up: first calls allocate; not measured.
  {
    const std::vector<Document> warm(pool->begin(), pool->begin() + std::min<size_t>(2, pool->size()));
    int64_t warm_tokens = 0;
    for (size_t d = 0; d < warm.size(); ++d) warm_tokens += tok->tokens[d];
    for (Server* s : {&on, &off}) {
      auto r = RunServer(*s, warm, kTypes, warm_tokens * static_cast<int64_t>(kTypes.size()));
      if (!r.ok()) return fail(r.status().WithContext("warm-up"));
    }
    for (bool b : {true, false}) {
      auto r = RunModelOnly(*in_process, kTypes.size(), warm, w, b);
      if (!r.ok()) return fail(r.status().WithContext("warm-up"));
    }
  }

  std::vector<std::vector<Run>> results(kConfigs.size());
  std::vector<double> in_order_padding;  // "pad to longest", per round, 1 model
  std::vector<PaddingPlan> capped;        // the what-if policy, per round, 1 model
  for (int round = 1; round <= rounds; ++round) {
    for (auto [first, last] : {std::pair{size_t{0}, kGroup1}, std::pair{kGroup1, kConfigs.size()}}) {
      const size_t n = static_cast<size_t>(first == 0 ? n1 : n5);
      const size_t begin = static_cast<size_t>(round - 1) * n;
      const std::vector<Document> docs(pool->begin() + begin, pool->begin() + begin + n);
      int64_t tokens = 0;
      for (size_t d = begin; d < begin + n; ++d) tokens += tok->tokens[d];
      for (size_t k = 0; k < last - first; ++k) {
        const size_t i = first + (k + static_cast<size_t>(round - 1)) % (last - first);
        const Config& c = kConfigs[i];
        const std::vector<std::string> types(kTypes.begin(), kTypes.begin() + c.models);
        StatusOr<Run> r = c.server ? RunServer(c.batching ? on : off, docs, types,
                                               tokens * static_cast<int64_t>(types.size()))
                                   : RunModelOnly(*in_process, c.models, docs, w, c.batching);
        if (!r.ok()) return fail(r.status().WithContext(std::string(c.name) + ", round " + std::to_string(round)));
        PrintRun(round, c, n, *r);
        results[i].push_back(*r);
        if (i == 0) {
          std::vector<size_t> lengths;
          for (size_t d = begin; d < begin + n; ++d) {
            lengths.insert(lengths.end(), tok->windows[d].begin(), tok->windows[d].end());
          }
          const size_t b = static_cast<size_t>(std::max(1.0, std::round(r->windows_per_batch)));
          in_order_padding.push_back(PaddingInOrder(lengths, b));
          std::vector<std::vector<size_t>> groups;
          for (size_t d = begin; d < begin + n; ++d) {
            if ((d - begin) % static_cast<size_t>(w) == 0) groups.emplace_back();
            groups.back().insert(groups.back().end(), tok->windows[d].begin(), tok->windows[d].end());
          }
          capped.push_back(PaddingSortedCapped(groups, kBatchTokensOn, 0.05));
        }
      }
    }
  }
  std::printf("load average after the rounds: %s\n", LoadAverage().c_str());

  auto memory = bioner::testing::ReadProcessMemory(on.process.pid());
  if (!memory.ok()) return fail(memory.status());
  for (Server* s : {&on, &off}) {
    const int code = s->process.Terminate();
    if (code != 0) return fail(Internal("bioner-server exited with " + std::to_string(code)));
  }

  // Summary: medians over the rounds, then the ratios (each round's ratio, then the median).
  std::printf("\n| models | configuration | docs/s | tokens/s | p50 ms | p99 ms | padding | windows/batch | docs/CPU-s |\n"
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  for (size_t i = 0; i < kConfigs.size(); ++i) {
    const auto& v = results[i];
    const double p50 = MedianOf(v, [](const Run& r) { return r.p50_ms; });
    const double p99 = MedianOf(v, [](const Run& r) { return r.p99_ms; });
    char lat[64] = "| — | —";
    if (p50 >= 0) std::snprintf(lat, sizeof lat, "| %.0f | %.0f", p50, p99);
    std::printf("| %zu | %s | %.2f | %.0f %s | %.2f %% | %.1f | %.3f |\n", kConfigs[i].models, kConfigs[i].name,
                MedianOf(v, [](const Run& r) { return r.docs_per_s; }),
                MedianOf(v, [](const Run& r) { return r.tokens_per_s; }), lat,
                100 * MedianOf(v, [](const Run& r) { return r.padding; }),
                MedianOf(v, [](const Run& r) { return r.windows_per_batch; }),
                MedianOf(v, [](const Run& r) { return r.docs_per_cpu_s; }));
  }
  auto ratio = [&](size_t a, size_t b, bool overhead, bool cpu = false) {
    std::vector<double> v;
    for (size_t r = 0; r < results[a].size(); ++r) {
      const double x = cpu ? results[a][r].docs_per_cpu_s / results[b][r].docs_per_cpu_s
                           : results[a][r].docs_per_s / results[b][r].docs_per_s;
      v.push_back(overhead ? 1 - x : x);
    }
    return Median(v);
  };
  std::printf("\nbatching on / off through the server (median of the rounds' ratios): docs/s 1 model %.2fx, "
              "5 models %.2fx; docs/CPU-s 1 model %.2fx, 5 models %.2fx (target >= 5x)\n",
              ratio(0, 1, false), ratio(3, 4, false), ratio(0, 1, false, true), ratio(3, 4, false, true));
  std::printf("server overhead 1 - server/model-only, batching on: docs/s 1 model %.1f%%, 5 models %.1f%%; "
              "docs/CPU-s (server + client vs model-only) 1 model %.1f%%, 5 models %.1f%% (target <= 5%%)\n",
              100 * ratio(0, 2, true), 100 * ratio(3, 5, true), 100 * ratio(0, 2, true, true),
              100 * ratio(3, 5, true, true));
  double real = 0, slots = 0;
  for (const auto& lengths : tok->windows) {
    for (size_t len : lengths) {
      real += static_cast<double>(len);
      slots += 512;
    }
  }
  std::printf("padding, 1 model: token-budget batcher (server) %.2f%%; same windows in arrival order, batches of "
              "the same mean size padded to their longest %.2f%%; padded to 512 %.1f%% (target <= 5%%)\n",
              100 * MedianOf(results[0], [](const Run& r) { return r.padding; }),
              100 * Median(in_order_padding), 100 * (slots - real) / slots);
  std::vector<double> capped_padding, capped_batch;
  for (const PaddingPlan& c : capped) {
    capped_padding.push_back(c.padding);
    capped_batch.push_back(c.windows_per_batch);
  }
  std::printf("what-if (not the server's policy): the windows in flight sorted, batches cut at 5%% padding: "
              "padding %.2f%%, %.1f windows/batch\n",
              100 * Median(capped_padding), Median(capped_batch));
  const double target = 1.2 * static_cast<double>(*model_bytes) + 300e6;
  std::printf("memory, server with 5 models: VmRSS %.0f MB after loading, %.0f MB after the rounds, "
              "VmHWM %.0f MB; model files %.0f MB; target 1.2 x models + 300 MB = %.0f MB: %s\n",
              loaded->rss_bytes / 1e6, memory->rss_bytes / 1e6, memory->hwm_bytes / 1e6,
              *model_bytes / 1e6, target / 1e6,
              memory->hwm_bytes <= target ? "met" : "MISSED");
  std::printf("memory, for scale: this bench process with LibTorch loaded and no model: VmRSS %.0f MB\n",
              runtime->rss_bytes / 1e6);
  const double small_gflops = MedianOf(results[2], [](const Run& r) { return r.tokens_per_s; }) *
                              EncoderFlopsPerToken(small, weighted_len) / 1e9;
  std::printf("small shape (hidden 256, 4 layers), model-only batching on: %.1f GFLOP/s of the encoder products\n",
              small_gflops);

  {
    LoadOptions lo;
    lo.num_threads = static_cast<int>(threads);
    auto model = TokenClassifier::Load(repo + "/" + kTypes.front() + "/1", lo);
    if (!model.ok()) return fail(model.status());
    for (size_t length : {size_t{32}, static_cast<size_t>(std::lround(weighted_len))}) {
      auto c = MeasureBatchCeiling(**model, *pool, tokenizer, length, 8, 5);
      if (!c.ok()) return fail(c.status().WithContext("batching ceiling"));
      std::printf("batching ceiling, model only (small shape, no padding): 8 windows of %zu tokens in one forward "
                  "%.1f ms, one by one %.1f ms: %.2fx\n",
                  c->length, 1e3 * c->batched_s, 1e3 * c->one_by_one_s, c->one_by_one_s / c->batched_s);
    }
  }
  if (base_budget > 0) {
    auto e = MeasureBase(tmp + "/base", *vocab, *pool, tokenizer, weighted_len, static_cast<int>(base_budget),
                         static_cast<int>(base_runs), static_cast<int>(threads));
    if (!e.ok()) return fail(e.status().WithContext("BERT-base"));
    const double eff = e->gflops / e->sgemm_gflops;
    std::printf("BERT-base forward on %zu real windows (%zu tokens): %.2f s, %.0f tokens/s, %.1f GFLOP/s; "
                "sgemm 2048^3 %.1f GFLOP/s; forward / sgemm = %.2f\n",
                e->windows, e->tokens, e->seconds, static_cast<double>(e->tokens) / e->seconds, e->gflops,
                e->sgemm_gflops, eff);
    const double flops_per_token = EncoderFlopsPerToken(Shape(768, 12, 12, 3072), weighted_len);
    const double total = kAbstracts * mean_tokens * 5 * flops_per_token;
    std::printf("PROJECTION (not a measurement): 36M abstracts x %.0f tokens x 5 BERT-base models x %.1f MFLOP/token "
                "(at the token-weighted window length %.0f) = %.3g FLOP; one H100 SXM at 989.4 TFLOP/s dense BF16:\n",
                mean_tokens, flops_per_token / 1e6, weighted_len, total);
    for (double x : {0.2, 0.3, 0.5, eff}) {
      std::printf("  at %2.0f %% of peak: %.1f hours\n", 100 * x, total / (kH100Bf16DenseFlops * x) / 3600);
    }
  }
  std::printf("total %.0f s; load average at the end: %s\n",
              std::chrono::duration<double>(Clock::now() - t0).count(), LoadAverage().c_str());
  return 0;
}

}  // namespace
}  // namespace bioner::bench

int main(int argc, char** argv) { return bioner::bench::Main(argc, argv); }
