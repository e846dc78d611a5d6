// The hyper-parameters of a BERT model, as Hugging Face's config.json spells them.
//
// Required keys: vocab_size, hidden_size, num_hidden_layers, num_attention_heads,
// intermediate_size, max_position_embeddings. Optional keys take Hugging Face's defaults
// (type_vocab_size 2, hidden_act "gelu", layer_norm_eps 1e-12, dropouts 0.1,
// initializer_range 0.02, pad_token_id 0). Only hidden_act "gelu" (exact erf GELU) and
// position_embedding_type "absolute" are supported; others are refused by name.
// id2label/label2id give the labels of a token-classification head, ordered by id; absent
// labels mean an encoder-only model. Errors are INVALID_ARGUMENT naming the file and key.
// Torch-free. A BertConfig is a plain value.
#ifndef BIONER_CORE_MODEL_BERT_CONFIG_H_
#define BIONER_CORE_MODEL_BERT_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace bioner {

struct BertConfig {
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t intermediate_size = 0;
  int64_t max_position_embeddings = 0;
  int64_t type_vocab_size = 2;
  std::string hidden_act = "gelu";
  double layer_norm_eps = 1e-12;
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  double initializer_range = 0.02;
  int64_t pad_token_id = 0;
  // labels[i] is the label of id i. Empty: encoder-only (no classifier).
  std::vector<std::string> labels;

  bool has_classifier() const { return !labels.empty(); }
  int64_t head_size() const { return hidden_size / num_attention_heads; }
};

// Checks sizes (positive, hidden_size divisible by num_attention_heads), hidden_act,
// eps/dropout ranges and label uniqueness. `source` (a file name) prefixes every message.
Status ValidateBertConfig(const BertConfig& config, const std::string& source);

// Parses config.json text; `source` names it in errors.
StatusOr<BertConfig> ParseBertConfig(std::string_view json_text, const std::string& source);
StatusOr<BertConfig> ReadBertConfig(const std::string& path);

// config.json text that Hugging Face's BertConfig.from_pretrained reads back (with
// id2label/label2id, architectures and model_type "bert").
std::string BertConfigToJson(const BertConfig& config);
// Validates, then writes atomically.
Status WriteBertConfig(const BertConfig& config, const std::string& path);

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_BERT_CONFIG_H_
