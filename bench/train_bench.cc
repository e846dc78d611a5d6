// Fine-tuning throughput of bioner (core/train/step_benchmark.h: the per-micro-batch work of
// `bioner-trainer train`) on random windows, for the default models' shape and BERT-base.
// bench/pytorch_train.py is the same model, batch and optimizer in a plain PyTorch loop;
// scripts/run-train-bench.sh alternates the two (docs/BENCHMARKS.md).
//
//   OPENBLAS_NUM_THREADS=1 build/bench/train_bench --shape default --threads 1
// Prints one JSON line: median tokens/s, tokens per CPU-second, peak RSS of the process.
#include <sys/resource.h>

#include <cstdio>
#include <string>
#include <type_traits>

#include "core/train/step_benchmark.h"
#include "core/util/args.h"

namespace {

// "default": the embedded default models (models/*/config.json); "base": BERT-base cased.
bioner::BertConfig Shape(const std::string& name) {
  bioner::BertConfig c;
  c.labels = {"O", "B-Gene", "I-Gene"};
  const bool base = name == "base";
  c.vocab_size = base ? 28996 : 12000;
  c.hidden_size = base ? 768 : 128;
  c.num_hidden_layers = base ? 12 : 4;
  c.num_attention_heads = base ? 12 : 2;
  c.intermediate_size = base ? 3072 : 512;
  c.max_position_embeddings = base ? 512 : 128;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  bioner::ArgParser args("train_bench", "Training-step throughput of bioner's fine-tuning loop on random windows.");
  args.AddValue("shape", "default|base", "model shape", false, "default");
  args.AddValue("batch", "N", "windows per step", false, "16");
  args.AddValue("length", "L", "tokens per window", false, "128");
  args.AddValue("threads", "N", "torch intra-op threads", false, "1");
  args.AddValue("steps", "N", "timed steps per round", false, "20");
  args.AddValue("rounds", "N", "rounds (median reported)", false, "3");
  if (auto code = args.ParseCommandLine(argc, argv)) return *code;
  if (args.Get("shape") != "default" && args.Get("shape") != "base") {
    std::fprintf(stderr, "train_bench: --shape must be default or base\n");
    return 2;
  }
  bioner::train::StepBenchmarkOptions o;
  auto get = [&](const char* name, auto* out) {
    auto v = args.GetInt(name);
    if (!v.ok()) {
      std::fprintf(stderr, "train_bench: %s\n", v.status().ToString().c_str());
      return false;
    }
    *out = static_cast<std::remove_pointer_t<decltype(out)>>(*v);
    return true;
  };
  if (!get("batch", &o.batch) || !get("length", &o.length) || !get("threads", &o.threads) ||
      !get("steps", &o.steps) || !get("rounds", &o.rounds)) {
    return 2;
  }
  auto r = bioner::train::MeasureTrainingSteps(Shape(args.Get("shape")), o);
  if (!r.ok()) {
    std::fprintf(stderr, "train_bench: %s\n", r.status().ToString().c_str());
    return 1;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "{\"impl\": \"bioner\", \"shape\": \"%s\", \"batch\": %lld, \"length\": %lld, \"threads\": %d, "
      "\"tokens_per_s\": %.1f, \"tokens_per_cpu_s\": %.1f, \"peak_rss_mb\": %.1f}\n",
      args.Get("shape").c_str(), static_cast<long long>(o.batch), static_cast<long long>(o.length), o.threads,
      r->tokens_per_second, r->tokens_per_cpu_second, static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
