#include "core/train/step_benchmark.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

#include <ATen/Parallel.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/types.h>

#include "core/model/bert_module.h"
#include "core/train/optim.h"

namespace bioner::train {
namespace {

double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

StatusOr<StepBenchmarkResult> MeasureTrainingSteps(const BertConfig& config, const StepBenchmarkOptions& o) {
  if (!config.has_classifier()) return InvalidArgument("step benchmark: the config needs labels");
  if (o.batch < 1 || o.length < 3 || o.length > config.max_position_embeddings || o.threads < 1 || o.steps < 1 ||
      o.rounds < 1) {
    return InvalidArgument("step benchmark: batch, length (<= max_position_embeddings), threads, steps and rounds "
                           "must be positive");
  }
  RETURN_IF_ERROR(ValidateBertConfig(config, "step benchmark"));
  try {
    at::set_num_threads(o.threads);
    torch::manual_seed(0);
    model_internal::BertNerModel model(config);
    model_internal::InitBertWeights(*model, 1);
    model->train();
    auto opt = MakeAdamW(model->named_parameters(), {5e-5, 0.9, 0.999, 1e-8, 0.01});
    std::vector<torch::Tensor> params = model->parameters();
    const int64_t k = static_cast<int64_t>(config.labels.size());
    torch::Tensor ids = torch::randint(5, config.vocab_size, {o.batch, o.length}, torch::kLong);
    torch::Tensor mask = torch::ones({o.batch, o.length}, torch::kLong);
    torch::Tensor labels = torch::randint(0, k, {o.batch, o.length}, torch::kLong);
    auto step = [&] {
      torch::Tensor logits = model->forward(ids, torch::Tensor(), mask);
      torch::nn::functional::cross_entropy(logits.reshape({-1, k}), labels.reshape({-1})).backward();
      torch::nn::utils::clip_grad_norm_(params, 1.0);
      opt->step();
      opt->zero_grad();
    };
    step();  // warm-up: allocations, optimizer state
    std::vector<double> rates, cpu_rates;
    const double tokens = static_cast<double>(o.batch * o.length * o.steps);
    for (int r = 0; r < o.rounds; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      const double c0 = CpuSeconds();
      for (int s = 0; s < o.steps; ++s) step();
      rates.push_back(tokens / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      cpu_rates.push_back(tokens / (CpuSeconds() - c0));
    }
    return StepBenchmarkResult{Median(rates), Median(cpu_rates)};
  } catch (const std::exception& e) {
    return Internal(std::string("step benchmark: LibTorch failed: ") + e.what());
  }
}

}  // namespace bioner::train
