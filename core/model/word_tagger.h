// INTERNAL to core/model (includes LibTorch): a BiLSTM-CRF tagger (bilstm_crf.h) together
// with its tokenization (WordCharEncoder) and its model folder (docs/FORMATS.md, "BiLSTM-CRF
// model folder"):
//
//   config.json        {"architectures": ["BiLstmCrfForTokenClassification"], "id2label",
//                       "label2id", "embedding": {"sha256", "rows", "dim"}, "bilstm_crf": {the
//                       BiLstmCrfOptions}, "max_chars_per_word", "max_seq_len"}
//   chars.txt          the character vocabulary, one code point per line (char index i + 1)
//   model.safetensors  every parameter, except word_embeddings.weight when the word vectors
//                      were frozen: those are the shared embedding table's, found by hash
//
// The embedding table (embedding_table.h) is found by its content hash, never by a path
// written in the folder: each of `embedding_dirs` is a table folder (used if its hash matches)
// or a store holding tables as <dir>/<sha256>/; last comes the model
// repository's shared store, <model folder>/../../.embeddings/<sha256>/ (MODEL_REPO/.embeddings,
// which the server does not take for an entity type). A missing table or one whose hash
// differs is refused, naming the hash and the places looked in.
//
// Word ids of the encoder map to table rows as: [PAD] [UNK] [CLS] [SEP] -> row 0 (the table's
// <unk>, zeros), id k >= kNumSpecial -> row k - kNumSpecial.
#ifndef BIONER_CORE_MODEL_WORD_TAGGER_H_
#define BIONER_CORE_MODEL_WORD_TAGGER_H_

#include <memory>
#include <string>
#include <vector>

#include <c10/core/Device.h>
#include <torch/types.h>

#include "core/model/labels.h"
#include "core/model/window_model.h"
#include "core/model/bilstm_crf.h"
#include "core/model/safetensors.h"
#include "core/text/word_char_encoder.h"

namespace bioner::model_internal {

inline constexpr char kBiLstmCrfArchitecture[] = "BiLstmCrfForTokenClassification";

struct WordTaggerConfig {
  std::vector<std::string> labels;
  std::string embedding_sha256;
  int64_t embedding_rows = 0, embedding_dim = 0;
  BiLstmCrfOptions options;
  std::vector<std::string> chars;  // character vocabulary (num_chars = chars.size() + 2)
  int max_chars_per_word = 20;
  int max_seq_len = 512;           // packed tokens per window, [CLS]/[SEP] included
};

// True if `dir`/config.json names the BiLSTM-CRF architecture (false if it cannot be read).
bool IsWordTaggerFolder(const std::string& dir);

// Frozen word vectors on the CPU, one tensor per table for all the models of a process that
// use it (the five default models share one table: five copies would be 5 x 35 MB).
struct SharedWordVectors;

struct WordTagger {
  WordTaggerConfig config;
  LabelSet labels;
  std::shared_ptr<const text::WordCharEncoder> encoder;
  BiLstmCrf model{nullptr};
  // Keeps the shared vectors registered for the table's hash while this model lives; null
  // when the model has vectors of its own (fine-tuned, or on an accelerator).
  std::shared_ptr<const SharedWordVectors> shared_vectors;
};

// A new, untrained tagger over `table_dir`'s embedding table: the encoder's words are the
// table's rows, its characters `chars`. config.embedding_* are filled in from the table.
StatusOr<WordTagger> CreateWordTagger(const std::string& table_dir, WordTaggerConfig config,
                                      const c10::Device& device);
// Loads a folder (see the file comment); the model is in eval mode on `device`.
StatusOr<WordTagger> LoadWordTagger(const std::string& dir, const std::vector<std::string>& embedding_dirs,
                                    const c10::Device& device);
// Writes the folder into `dir` (created), weights as F32 or F16.
Status SaveWordTagger(const WordTagger& tagger, const std::string& dir, DType dtype);

// The BiLSTM-CRF input of a batch of encoder ids ([B, T] int64, [CLS] ... [SEP], padding
// where mask is 0): one row per word token, its characters, its casing. word_positions[b][w]
// is the position in the packed sequence of word w of row b (its label's position).
struct UnpackedBatch {
  BiLstmCrfInput input;
  torch::Tensor word_positions;  // [B, W] int64, -1 at padding
};
UnpackedBatch Unpack(const WordTagger& tagger, const torch::Tensor& ids, const torch::Tensor& mask,
                     const c10::Device& device);

// Per packed position [B, T, L] float32 (CPU): for each word, a row whose arg-max is the label
// of the Viterbi path and whose softmax gives that label at least its marginal probability
// (the entity score); the word's characters copy its row; other positions are zero. Eval
// mode, no autograd.
torch::Tensor ViterbiScores(WordTagger& tagger, const torch::Tensor& ids, const torch::Tensor& mask);

// The tagger behind the WindowModel seam (Run from one thread at a time).
std::unique_ptr<WindowModel> MakeWordTaggerWindowModel(std::shared_ptr<WordTagger> tagger);

}  // namespace bioner::model_internal

#endif  // BIONER_CORE_MODEL_WORD_TAGGER_H_
