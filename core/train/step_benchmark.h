// A measurement of fine-tuning throughput that benchmarks can call without LibTorch headers:
// the exact per-micro-batch work of `bioner-trainer train` (forward of the BertNerModel
// module, token cross-entropy, backward, global-norm clipping, AdamW step with the trainer's
// parameter groups) on random windows of one shape. bench/train_bench.cc is its command line;
// bench/pytorch_train.py is the plain-PyTorch baseline it is compared with.
//
// Thread safety: sets torch's global thread count; one call per process at a time.
#ifndef BIONER_CORE_TRAIN_STEP_BENCHMARK_H_
#define BIONER_CORE_TRAIN_STEP_BENCHMARK_H_

#include <cstdint>

#include "core/model/bert_config.h"
#include "core/util/status.h"

namespace bioner::train {

struct StepBenchmarkOptions {
  int64_t batch = 16, length = 128;
  int threads = 1;
  int steps = 20;   // timed steps per round (after one warm-up step)
  int rounds = 3;
};

struct StepBenchmarkResult {
  double tokens_per_second = 0;      // median over rounds, wall clock
  double tokens_per_cpu_second = 0;  // median over rounds, CPU time of the process
};

// `config` must have labels (a classifier head). Errors: INVALID_ARGUMENT for bad options,
// INTERNAL if LibTorch fails.
StatusOr<StepBenchmarkResult> MeasureTrainingSteps(const BertConfig& config, const StepBenchmarkOptions& options);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_STEP_BENCHMARK_H_
