// INTERNAL to core/model (includes LibTorch): the BERT encoder + token-classification head
// as a torch::nn::Module whose parameter names are exactly Hugging Face's
// (bert.embeddings.word_embeddings.weight, bert.encoder.layer.N.attention.self.query.weight,
// ..., classifier.weight), so that state dicts map 1:1 onto model.safetensors.
//
// Semantics follow transformers' BertForTokenClassification: post-LayerNorm layers, exact
// (erf) GELU, layer_norm_eps from the config, an additive attention mask for padding, dropout
// only in train mode. BertNerModel::forward is the autograd path (the trainer trains it);
// FastBertInference is a read-only inference path over the same weights (fused QKV GEMM,
// in-place elementwise ops) used by TokenClassifier.
//
// Thread safety: a module is not thread-safe (training mutates it). FastBertInference::Forward
// is const and allocates its own activations, but torch's intra-op pool is shared: call it
// from one thread at a time per instance.
#ifndef BIONER_CORE_MODEL_BERT_MODULE_H_
#define BIONER_CORE_MODEL_BERT_MODULE_H_

#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "core/model/bert_config.h"
#include "core/util/status.h"

namespace bioner::model_internal {

// One post-LayerNorm transformer layer, registered as Hugging Face nests it:
// attention.self.{query,key,value}, attention.output.{dense,LayerNorm}, intermediate.dense,
// output.{dense,LayerNorm}.
class BertLayerImpl : public torch::nn::Module {
 public:
  explicit BertLayerImpl(const BertConfig& config);
  // x: [B, L, H]; additive_mask: [B, 1, 1, L] or undefined.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& additive_mask);

  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr}, attention_dense{nullptr};
  torch::nn::LayerNorm attention_norm{nullptr};
  torch::nn::Linear intermediate_dense{nullptr}, output_dense{nullptr};
  torch::nn::LayerNorm output_norm{nullptr};
  torch::nn::Dropout attention_dropout{nullptr}, hidden_dropout{nullptr};
  int64_t num_heads = 0;
};
TORCH_MODULE(BertLayer);

class BertNerModelImpl : public torch::nn::Module {
 public:
  // Parameters are left as LibTorch initialises them; see InitBertWeights.
  explicit BertNerModelImpl(const BertConfig& config);

  // input_ids, token_type_ids (may be undefined = zeros), attention_mask (1 = token,
  // 0 = padding; may be undefined = all tokens): int64 [B, L]. Returns last_hidden_state
  // [B, L, H].
  torch::Tensor Encode(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                       const torch::Tensor& attention_mask);
  // Logits [B, L, num_labels]; last_hidden_state for an encoder-only model.
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const torch::Tensor& attention_mask);

  const BertConfig& config() const { return config_; }

  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr}, token_type_embeddings{nullptr};
  torch::nn::LayerNorm embeddings_norm{nullptr};
  torch::nn::Dropout embeddings_dropout{nullptr}, classifier_dropout{nullptr};
  std::vector<BertLayer> layers;
  torch::nn::Linear classifier{nullptr};  // null for an encoder-only model

 private:
  BertConfig config_;
};
TORCH_MODULE(BertNerModel);

// Hugging Face's _init_weights: normal(0, initializer_range) for Linear and Embedding weights,
// zero biases, LayerNorm weight 1 / bias 0. Deterministic for a given seed.
void InitBertWeights(BertNerModelImpl& model, uint64_t seed);

// Inference over a model's weights without copying them: it holds the module's own tensors,
// and construction re-points the module's query/key/value weights and biases into one fused
// tensor per layer, which both paths then read. The module stays usable (forward, Save);
// in-place changes to its weights are seen by this path.
class FastBertInference {
 public:
  explicit FastBertInference(BertNerModelImpl& model);
  // input_ids/token_type_ids: int64 [B, L] on the weights' device (token_type_ids may be
  // undefined); lengths: the unpadded length of each row (positions >= length are padding).
  // Returns float [B, L, width].
  torch::Tensor Forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const std::vector<int64_t>& lengths) const;

 private:
  struct Layer {
    torch::Tensor qkv_w, qkv_b;  // [3H, H], [3H]: query, key, value rows
    torch::Tensor out_w, out_b, norm1_w, norm1_b;
    torch::Tensor inter_w, inter_b, out2_w, out2_b, norm2_w, norm2_b;
  };
  BertConfig config_;
  torch::Tensor word_, position_, token_type_, emb_norm_w_, emb_norm_b_;
  std::vector<Layer> layers_;
  torch::Tensor classifier_w_, classifier_b_;
};

// Maps a Hugging Face state-dict name onto ours: accepts names without the "bert." prefix
// and legacy LayerNorm.gamma/beta. Exposed for the loader and its tests.
std::vector<std::string> CheckpointNamesFor(const std::string& parameter_name);

}  // namespace bioner::model_internal

#endif  // BIONER_CORE_MODEL_BERT_MODULE_H_
