// Forward pass of a BERT-base-shaped token classifier (random weights: 12 layers, hidden
// 768, 12 heads, intermediate 3072, 9 labels) at batch x length 32x128 and 8x512, in tokens/s,
// plus the float32 GEMM rate of the BLAS that LibTorch uses, so that the forward pass can be
// read against the machine's ceiling. Compare with bench/pytorch_forward.py (same shapes,
// PyTorch's fused nn.TransformerEncoder); commands and figures in docs/BENCHMARKS.md.
//
//   BIONER_BENCH_THREADS=2 build/bench/forward_bench --benchmark_repetitions=3
//   OPENBLAS_NUM_THREADS=1 BIONER_BENCH_THREADS=1 build/bench/forward_bench   # per-core figure
// BIONER_BENCH_THREADS sets torch's intra-op threads (default: hardware threads).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "core/model/blas_check.h"
#include "core/model/token_classifier.h"

namespace {

// Forward FLOPs per token of the encoder's matrix products (2 * multiply-adds): QKV, output
// projection, FFN, plus the two attention products, for sequence length l.
double FlopsPerToken(int64_t l) {
  const double h = 768, inter = 3072, layers = 12;
  return layers * 2.0 * (4 * h * h + 2 * h * inter + 2 * l * h);
}

int Threads() {
  if (const char* t = std::getenv("BIONER_BENCH_THREADS")) return std::atoi(t);
  return static_cast<int>(std::thread::hardware_concurrency());
}

bioner::TokenClassifier* Model() {
  static std::unique_ptr<bioner::TokenClassifier> model = [] {
    bioner::BertConfig c;
    c.vocab_size = 28996;
    c.hidden_size = 768;
    c.num_hidden_layers = 12;
    c.num_attention_heads = 12;
    c.intermediate_size = 3072;
    c.max_position_embeddings = 512;
    c.labels = {"O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease", "B-Gene", "I-Gene", "B-Species", "I-Species"};
    const auto dir = std::filesystem::temp_directory_path() / ("bioner_forward_bench_" + std::to_string(::getpid()));
    bioner::Status s = bioner::CreateRandomModel(c, dir.string(), 1);
    if (!s.ok()) {
      std::cerr << s << "\n";
      std::exit(1);
    }
    bioner::LoadOptions options;
    options.num_threads = Threads();
    auto m = bioner::TokenClassifier::Load(dir.string(), options);
    std::filesystem::remove_all(dir);
    if (!m.ok()) {
      std::cerr << m.status() << "\n";
      std::exit(1);
    }
    return std::move(m).value();
  }();
  return model.get();
}

void BM_Forward(benchmark::State& state) {
  const int64_t batch = state.range(0), length = state.range(1);
  bioner::TokenClassifier* model = Model();
  std::mt19937 rng(42);
  std::uniform_int_distribution<int32_t> id(5, 28995);
  bioner::Batch b;
  for (int64_t i = 0; i < batch; ++i) {
    std::vector<int32_t> row(length);
    for (auto& x : row) x = id(rng);
    row.front() = 2;
    row.back() = 3;
    b.input_ids.push_back(std::move(row));
  }
  for (auto _ : state) {
    auto out = model->Forward(b);
    if (!out.ok()) state.SkipWithError(out.status().ToString().c_str());
    benchmark::DoNotOptimize(out);
  }
  const double tokens = static_cast<double>(batch * length);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * tokens));
  state.counters["tokens_per_s"] = benchmark::Counter(tokens, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOPs"] =
      benchmark::Counter(tokens * FlopsPerToken(length) / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}
// CPU time is the whole process's (BLAS threads included): on a shared machine, tokens per
// CPU-second at one thread is the figure that other jobs disturb least.
BENCHMARK(BM_Forward)
    ->Args({32, 128})
    ->Args({8, 512})
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

void BM_SgemmPeak(benchmark::State& state) {
  Model();  // same thread settings as the forward pass
  const int n = static_cast<int>(state.range(0));
  double gflops = 0;
  for (auto _ : state) {
    auto g = bioner::MeasureSgemmGflops(n, 3);
    if (!g.ok()) state.SkipWithError(g.status().ToString().c_str());
    gflops = g.ok() ? *g : 0;
  }
  state.counters["GFLOPs"] = gflops;
}
BENCHMARK(BM_SgemmPeak)->Arg(2048)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
