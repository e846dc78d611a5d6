// TokenClassifier: a BERT token-classification model (or a bare encoder) loaded from a
// Hugging Face model folder, behind a torch-free interface.
//
//   LoadOptions opts;              // device "cpu" (default), "cuda" or "cuda:N"
//   ASSIGN_OR_RETURN(auto model, TokenClassifier::Load("models/bc5cdr", opts));
//   Batch batch;
//   batch.input_ids = {{2, 81, 78, 3}, {2, 26, 3}};   // with [CLS]/[SEP], no padding
//   ASSIGN_OR_RETURN(Tensor3 logits, model->Forward(batch));
//   float x = logits.at(0, 1, 2);  // sequence 0, token 1, label 2
//
// A folder holds config.json, model.safetensors (F32, F16 or BF16; computed in float32)
// or pytorch_model.bin (or shards: model_folder.h), and optionally vocab.txt and
// label_map.json (label_map.h: labels() are then the mapped ones, ours). Tensor names may
// carry the "bert." prefix or not and may use the legacy LayerNorm.gamma/beta; pretraining
// heads (cls.*), pooler weights and the position_ids/token_type_ids buffers are ignored; a
// missing tensor, a wrong shape or an unknown tensor is an error naming the file, the tensor
// and both shapes. A folder whose config.json has no id2label is an encoder: Forward
// returns last_hidden_state.
//
// Thread safety: Load and Save are safe anywhere. Forward is const and keeps no state
// between calls, but it shares torch's intra-op thread pool: call it from ONE thread at a
// time per instance (the server gives each model instance its own worker thread).
// LoadOptions::num_threads sets torch's process-wide intra-op thread count.
#ifndef BIONER_CORE_MODEL_TOKEN_CLASSIFIER_H_
#define BIONER_CORE_MODEL_TOKEN_CLASSIFIER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/model/bert_config.h"
#include "core/util/status.h"

namespace bioner {

struct LoadOptions {
  // "cpu", "cuda" or "cuda:N". CUDA on a build or machine without it is FAILED_PRECONDITION.
  std::string device = "cpu";
  // torch intra-op threads (process-wide); 0 leaves the current setting, which bioner
  // initialises to the number of hardware threads on first load. Negative is refused.
  int num_threads = 0;
  // true: the inference path with fused, pre-transposed weights. false: the nn::Module's own
  // forward (the one the trainer differentiates) in eval mode; slower, for cross-checking.
  bool fused_inference = true;
};

// B sequences of token ids of any lengths (each <= max_position_embeddings). Padding and the
// attention mask are built by Forward. token_type_ids: empty (all zero) or one row per
// sequence with the same length as its input_ids.
struct Batch {
  std::vector<std::vector<int32_t>> input_ids;
  std::vector<std::vector<int32_t>> token_type_ids;
};

// Ragged [B][length_b][width] float output: logits (width = number of labels) or hidden
// states (width = hidden_size). rows[b] is row-major length_b x width.
struct Tensor3 {
  int64_t width = 0;
  std::vector<std::vector<float>> rows;

  size_t size() const { return rows.size(); }
  int64_t length(size_t b) const { return width ? static_cast<int64_t>(rows[b].size()) / width : 0; }
  float at(size_t b, int64_t t, int64_t k) const { return rows[b][t * width + k]; }
};

class TokenClassifier {
 public:
  static StatusOr<std::unique_ptr<TokenClassifier>> Load(const std::string& dir, const LoadOptions& options = {});
  ~TokenClassifier();
  TokenClassifier(const TokenClassifier&) = delete;
  TokenClassifier& operator=(const TokenClassifier&) = delete;

  const BertConfig& config() const;
  // Labels ordered by id; empty for an encoder-only model.
  const std::vector<std::string>& labels() const { return config().labels; }
  bool encoder_only() const { return !config().has_classifier(); }
  // "cpu", "cuda:0", ...
  std::string device() const;

  // Logits (or last_hidden_state) for every unpadded position. INVALID_ARGUMENT (naming the
  // sequence and position) for a token id outside [0, vocab_size), a token type outside
  // [0, type_vocab_size), a sequence longer than max_position_embeddings or mismatched
  // token_type_ids; INTERNAL if LibTorch fails (e.g. out of memory).
  StatusOr<Tensor3> Forward(const Batch& batch) const;

  // Writes config.json (with id2label/label2id: our labels, so no label map is needed),
  // model.safetensors (F32, "bert."-prefixed Hugging Face names) and vocab.txt (when the
  // source folder had one) into `dir`, creating it; each file is published atomically.
  // transformers' from_pretrained reads the result.
  Status Save(const std::string& dir) const;

 private:
  struct Impl;
  explicit TokenClassifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Creates a model folder `dir` with Hugging Face-style random weights (normal with
// initializer_range, deterministic in `seed`) for `config`, for tests, benchmarks and the
// trainer. `vocab_txt` is written as vocab.txt; empty writes a placeholder vocabulary of
// vocab_size tokens ([PAD], [UNK], [CLS], [SEP], [MASK], then tok5, tok6, ...).
Status CreateRandomModel(const BertConfig& config, const std::string& dir, uint64_t seed = 0,
                         const std::string& vocab_txt = "");

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_TOKEN_CLASSIFIER_H_
