// WindowModel: the seam between text processing and the neural network (STYLE.md §8).
//
// A WindowModel maps model inputs (token ids of one window, [CLS] ... [SEP] included) to
// per-position logits over its labels. The real implementation wraps the LibTorch BERT
// (core/model/); tests and the server's batcher tests use fakes with scripted outputs,
// latency or failures.
//
// Thread safety: Run() is called by one thread at a time per instance (the server gives
// each model its own worker thread); the const accessors may be called from any thread.
#ifndef BIONER_CORE_MODEL_WINDOW_MODEL_H_
#define BIONER_CORE_MODEL_WINDOW_MODEL_H_

#include <cstdint>
#include <vector>

#include "core/model/labels.h"
#include "core/util/status.h"

namespace bioner {

class WindowModel {
 public:
  virtual ~WindowModel() = default;

  virtual const LabelSet& labels() const = 0;
  // Longest input the model accepts, special tokens included (max_position_embeddings).
  virtual int max_seq_len() const = 0;

  // For each input, its logits row-major [input length][labels().size()]. Inputs of one
  // call form one batch; they may differ in length (the model pads).
  virtual StatusOr<std::vector<std::vector<float>>> Run(
      const std::vector<std::vector<int32_t>>& inputs) = 0;
};

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_WINDOW_MODEL_H_
