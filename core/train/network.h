// INTERNAL to core/train (includes LibTorch): the network being fine-tuned, whatever its
// architecture, as the training loop (trainer.cc) sees it. The loop batches examples, steps
// the optimizer over module()'s parameters, saves and restores module() for resumption, asks
// for losses and per-position scores, and saves the selected network as a model folder that
// the tagging loaders read (core/decode/classifier_model.h LoadTaggingModel). Everything that
// depends on the architecture (which folder it starts from, its labels, its loss, its folder
// layout) lives behind this interface, in one file per architecture:
//   bert_network.cc     BERT token classifier from a Hugging Face folder (cross-entropy)
//   bilstm_network.cc   BiLSTM-CRF over a word-embedding table (CRF negative log-likelihood)
//
// Not thread-safe: one training loop owns a network.
#ifndef BIONER_CORE_TRAIN_NETWORK_H_
#define BIONER_CORE_TRAIN_NETWORK_H_

#include <memory>
#include <string>
#include <vector>

#include <c10/core/Device.h>
#include <torch/nn/module.h>
#include <torch/types.h>

#include "core/model/labels.h"
#include "core/doc/document.h"
#include "core/model/safetensors.h"
#include "core/text/text_encoder.h"
#include "core/train/examples.h"
#include "core/train/train_config.h"
#include "core/util/status.h"

namespace bioner::train {

// Padded model inputs for a list of examples: ids and mask [B, T] (int64), labels [B, T] with
// kIgnoreLabel at unlabelled and padding positions.
struct TensorBatch {
  torch::Tensor ids, mask, labels;
  long labelled = 0, tokens = 0;  // labelled positions; real (unpadded) positions
};

TensorBatch MakeBatch(const std::vector<const Example*>& examples, const c10::Device& device);

class TaggerNetwork {
 public:
  virtual ~TaggerNetwork() = default;

  // The module whose parameters are trained and whose state a resumed run restores.
  virtual torch::nn::Module& module() = 0;
  // The tokenization the examples and the tagger use.
  virtual std::shared_ptr<const text::TextEncoder> encoder() const = 0;
  virtual const LabelSet& labels() const = 0;
  // Longest model input, [CLS]/[SEP] included.
  virtual int max_seq_len() const = 0;

  // The loss summed over the batch (float32, differentiable); the loop divides by the
  // batch's labelled positions. `autocast`: bf16 autocast on CUDA, where supported.
  virtual torch::Tensor SummedLoss(const TensorBatch& batch, bool autocast) = 0;
  // The loss of each row [B] (double, on the CPU), summed over its labelled positions.
  virtual torch::Tensor RowLosses(const TensorBatch& batch) = 0;
  // Per-position scores [B, T, L] (float32, CPU, contiguous) whose arg-max per position is the
  // prediction, as the tagger's WindowModel seam reads them.
  virtual torch::Tensor Scores(const TensorBatch& batch) = 0;

  // Writes a complete model folder into `dir` (created), weights in `dtype` (F32 or F16).
  virtual Status SaveFolder(const std::string& dir, DType dtype) = 0;
  // A network of the same architecture loaded from a folder SaveFolder wrote, on `device`.
  virtual StatusOr<std::unique_ptr<TaggerNetwork>> LoadFolder(const std::string& dir,
                                                              const c10::Device& device) const = 0;
  // Puts what saved folders need beside them into the model repository, before a version is
  // published there (the BiLSTM-CRF's shared embedding table); nothing by default.
  virtual Status InstallShared(const std::string& model_repository) {
    (void)model_repository;
    return Status::Ok();
  }
};

// The network `config.architecture` names, ready to train on `device`: BERT from
// config.model (labels: the checkpoint's own if it has a head, else the entity type's in
// config.scheme), or a fresh BiLSTM-CRF over config.embeddings whose character vocabulary
// comes from `train_docs`.
StatusOr<std::unique_ptr<TaggerNetwork>> BuildNetwork(const TrainConfig& config,
                                                      const std::vector<Document>& train_docs,
                                                      const c10::Device& device);

// One file per architecture (internal).
StatusOr<std::unique_ptr<TaggerNetwork>> BuildBertNetwork(const TrainConfig& config,
                                                          const c10::Device& device);
StatusOr<std::unique_ptr<TaggerNetwork>> BuildBiLstmNetwork(const TrainConfig& config,
                                                            const std::vector<Document>& train_docs,
                                                            const c10::Device& device);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_NETWORK_H_
