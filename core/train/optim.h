// INTERNAL to core/train (includes LibTorch): the optimiser set-up shared by fine-tuning
// (trainer.cc) and MLM pretraining (pretrain.cc), as Hugging Face's Trainer does it.
#ifndef BIONER_CORE_TRAIN_OPTIM_H_
#define BIONER_CORE_TRAIN_OPTIM_H_

#include <cstdint>
#include <memory>
#include <string>

#include <torch/optim/adamw.h>
#include <torch/ordered_dict.h>

namespace bioner::train {

struct AdamWSettings {
  double learning_rate = 5e-5;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  double weight_decay = 0.01;
};

// AdamW with two parameter groups: decoupled weight decay on every parameter except biases
// and LayerNorm weights (by name, as transformers' Trainer).
std::unique_ptr<torch::optim::AdamW> MakeAdamW(const torch::OrderedDict<std::string, torch::Tensor>& named,
                                               const AdamWSettings& s);

// transformers' get_linear_schedule_with_warmup: the factor of the peak learning rate at
// optimizer step `step` of `total`, rising linearly over `warmup` steps, then falling to 0.
double LinearWarmupDecay(int64_t step, int64_t warmup, int64_t total);

void SetLearningRate(torch::optim::AdamW& opt, double lr);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_OPTIM_H_
