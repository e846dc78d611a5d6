#include "core/train/optim.h"

#include <algorithm>
#include <vector>

namespace bioner::train {

std::unique_ptr<torch::optim::AdamW> MakeAdamW(const torch::OrderedDict<std::string, torch::Tensor>& named,
                                               const AdamWSettings& s) {
  std::vector<torch::Tensor> decay, no_decay;
  for (const auto& p : named) {
    const std::string& n = p.key();
    const bool bias = n.size() >= 5 && n.compare(n.size() - 5, 5, ".bias") == 0;
    (bias || n.find("LayerNorm") != std::string::npos ? no_decay : decay).push_back(p.value());
  }
  auto options = [&](double wd) {
    return std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(s.learning_rate).betas({s.beta1, s.beta2}).eps(s.epsilon).weight_decay(wd));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, options(s.weight_decay));
  groups.emplace_back(no_decay, options(0.0));
  return std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(s.learning_rate));
}

double LinearWarmupDecay(int64_t step, int64_t warmup, int64_t total) {
  if (step < warmup) return static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup));
  return std::max(0.0, static_cast<double>(total - step) / static_cast<double>(std::max<int64_t>(1, total - warmup)));
}

void SetLearningRate(torch::optim::AdamW& opt, double lr) {
  for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
}

}  // namespace bioner::train
