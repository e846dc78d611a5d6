// TrainConfig: everything `bioner-trainer train --config FILE.yaml` reads, as one typed struct
// with its defaults stated here once (docs/TRAINING.md documents every key).
//
// ParseTrainConfig is the only code that touches yaml-cpp: it refuses unknown keys, wrong
// types and out-of-range values with a message naming the file and key (never clamps).
// CheckTrainConfig then checks the world before any work starts: the model folder and its
// files, the JSONL files, the corpus names (against the registry) and the entity type.
//
// Plain values and stateless functions; thread-safe.
#ifndef BIONER_CORE_TRAIN_TRAIN_CONFIG_H_
#define BIONER_CORE_TRAIN_TRAIN_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace bioner::train {

struct TrainConfig {
  // --- architecture
  std::string architecture = "bert";    // "bert" (fine-tune `model`) or "bilstm_crf" (over `embeddings`)

  // --- data
  std::string model;                    // bert: required, a Hugging Face model folder
  std::string entity_type;              // required: Gene, Chemical, Disease, ... (any non-empty name)
  std::vector<std::string> corpora;     // registry names; empty + no train_files: every corpus of the type
  std::string corpus_root;              // mirror or cache folder of the corpora (required with corpora)
  std::vector<std::string> train_files; // JSONL (bioner-trainer corpus export); replace corpora
  std::vector<std::string> dev_files;
  std::vector<std::string> test_files;
  std::string scheme = "BIO";           // "BIO" or "BIOES" for a fresh head
  std::optional<bool> lowercase;        // overrides the model folder's do_lower_case

  // --- bilstm_crf only (core/model/bilstm_crf.h); dropout and max_seq_len below apply too
  std::string embeddings;               // required: a `bioner-trainer embed` table folder
  bool train_embeddings = false;        // fine-tune the word vectors (false: frozen, shared by hash)
  int char_dim = 25;                    // character embedding width; 0: no character features
  std::string char_encoder = "cnn";     // "cnn" (max-pooled CNN) or "lstm" (BiLSTM final states)
  int char_filters = 50;                // the per-word character feature width (lstm: even)
  int char_kernel = 3;                  // odd (cnn only)
  int casing_dim = 8;                   // 0: no casing feature
  int lstm_hidden = 100;                // per direction
  int lstm_layers = 1;                  // 1 or 2
  int max_chars_per_word = 20;

  // --- output
  std::string model_repository;         // required: MODEL_REPO (docs/FORMATS.md)
  std::string work_dir;                 // resumable state; default MODEL_REPO/<type>/.work
  int64_t version = 0;                  // 0: one more than the highest version present
  bool promote = true;                  // try to make the new version `current` (quality gate)
  std::string weights_dtype = "F32";    // model.safetensors: "F32" or "F16" (half the bytes; the
                                        // final evaluation runs on the rounded weights)

  // --- optimisation
  int epochs = 3;
  int batch_size = 16;                  // windows per optimizer micro-batch
  int gradient_accumulation = 1;        // micro-batches per optimizer step
  double learning_rate = 5e-5;
  double weight_decay = 0.01;           // not applied to biases and LayerNorm weights
  double warmup_ratio = 0.1;            // fraction of optimizer steps of linear warm-up
  double adam_beta1 = 0.9, adam_beta2 = 0.999, adam_epsilon = 1e-8;
  double max_grad_norm = 1.0;           // 0 disables clipping
  std::optional<double> dropout;        // overrides hidden and attention dropout of the model
  int max_seq_len = 128;                // tokens per window, [CLS]/[SEP] included (bilstm_crf: a word
                                        // and each of its characters are tokens)
  uint64_t seed = 42;

  // --- runtime
  std::string device = "cpu";           // "cpu", "cuda", "cuda:N"
  bool mixed_precision = false;         // bf16 autocast; CUDA only
  int num_threads = 0;                  // torch intra-op threads; 0: leave torch's default
  int eval_batch_tokens = 8192;
};

// Parses YAML text. `source` (the file name) prefixes every message.
StatusOr<TrainConfig> ParseTrainConfig(std::string_view yaml_text, const std::string& source);
StatusOr<TrainConfig> ReadTrainConfig(const std::string& path);

// Checks files, folders and names (see the header comment); errors name the key and file.
Status CheckTrainConfig(const TrainConfig& config, const std::string& source);

// The config as JSON text (for metrics.json).
std::string TrainConfigToJson(const TrainConfig& config);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_TRAIN_CONFIG_H_
