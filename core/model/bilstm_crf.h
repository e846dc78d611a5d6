// INTERNAL to core/model (includes LibTorch): the BiLSTM-CRF tagger (Lample et al. 2016;
// Reimers & Gurevych 2017 for the casing feature), the second architecture beside BERT.
// Saved and loaded by word_tagger.h, trained by core/train/bilstm_network.cc.
//
// Per word: [ word vector (a provided [V, D] table, e.g. fastText) ;
//             character feature: a max-pooled CNN over its characters (Ma & Hovy 2016) or
//             the final states of a BiLSTM over them (Lample et al. 2016) ;
//             casing embedding ]  -> dropout -> BiLSTM (1-2 layers) -> dropout -> linear to L
// emissions -> LinearChainCrf (crf.h), constrained by the label set's BIO/BIOES scheme.
//
// Parameter names (stable, for safetensors):
//   word_embeddings.weight [V, D]   the provided table (a copy when trained); a parameter
//                                   even when frozen, which word_tagger.h saves only if trained
//   char_embeddings.weight [C, Dc]  (row 0 = padding, kept zero), then char_cnn.weight/.bias
//                                   or char_lstm.weight_ih_l0, ... (and _reverse)
//   casing_embeddings.weight [kNumCasings, Dk]
//   lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0, ..._reverse, _l1
//   classifier.weight [L, 2H], classifier.bias [L]
//   crf.transitions, crf.start_transitions, crf.end_transitions
// The char and casing parts are absent when disabled in the options.
//
// Thread safety: as any torch::nn::Module; not thread-safe while trained.
#ifndef BIONER_CORE_MODEL_BILSTM_CRF_H_
#define BIONER_CORE_MODEL_BILSTM_CRF_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>

#include "core/model/labels.h"
#include "core/model/crf.h"

namespace bioner::model_internal {

// The casing class of a word (Reimers & Gurevych 2017), judged on ASCII letters and digits;
// any other byte (punctuation, UTF-8 of Greek letters) counts as "other".
enum Casing : int64_t {
  kCasingPadding = 0,        // no word (padding positions)
  kCasingLower = 1,          // letters all lower case: "kinase", "anti-tumor"
  kCasingUpper = 2,          // letters all upper case: "BRCA", "DNA-"
  kCasingInitialUpper = 3,   // both cases, first byte upper case: "Protein", "PubMed"
  kCasingMixed = 4,          // both cases, first not upper: "mRNA", "siRNA"
  kCasingNumeric = 5,        // digits only: "1995"
  kCasingMostlyNumeric = 6,  // more than half digits: "p53", "3.5"
  kCasingContainsDigit = 7,  // some digits: "IL-2", "BRCA1"
  kCasingOther = 8,          // no letters or digits: "-", "(", ""
};
constexpr int64_t kNumCasings = 9;
Casing CasingOf(std::string_view word);

enum class CharEncoder { kCnn, kLstm };

struct BiLstmCrfOptions {
  bool train_word_embeddings = false;  // false: the table is frozen (requires_grad false)
  int64_t num_chars = 0;  // character vocabulary incl. id 0 = padding; 0: no character feature
  int64_t char_dim = 25;
  CharEncoder char_encoder = CharEncoder::kCnn;
  int64_t char_filters = 50;  // width of the per-word character feature (LSTM: even, half per direction)
  int64_t char_kernel = 3;    // CNN: odd, so that 'same' padding keeps the length
  int64_t casing_dim = 8;     // 0: no casing feature
  int64_t hidden_size = 100;  // per direction
  int64_t num_layers = 1;     // 1 or 2
  double dropout = 0.5;       // on the word features and on the LSTM output (train mode)
};

// One batch, words left-aligned as the CRF requires.
struct BiLstmCrfInput {
  torch::Tensor word_ids;    // [B, T] int64 in [0, V)
  torch::Tensor char_ids;    // [B, T, C] int64, 0 = padding; undefined if num_chars == 0
  torch::Tensor casing_ids;  // [B, T] int64 Casing; undefined if casing_dim == 0
  torch::Tensor mask;        // [B, T] bool, true at real words, left-aligned
};

class BiLstmCrfImpl : public torch::nn::Module {
 public:
  // word_vectors [V, D]: copied when trained; held as given (after a conversion to F32, if
  // any) when frozen. Throws c10::Error on inconsistent options.
  BiLstmCrfImpl(const torch::Tensor& word_vectors, const LabelSet& labels,
                const BiLstmCrfOptions& options);

  // Emission scores [B, T, L]; values at padding positions are meaningless (the CRF ignores
  // them).
  torch::Tensor forward(const BiLstmCrfInput& input);
  // The training loss per sequence (CRF negative log-likelihood), [B].
  torch::Tensor Loss(const BiLstmCrfInput& input, const torch::Tensor& tags);
  // The best well-formed label path of each sequence; call in eval mode for inference.
  std::vector<std::vector<int64_t>> Decode(const BiLstmCrfInput& input);

  const BiLstmCrfOptions& options() const { return options_; }

  torch::Tensor word_embeddings;  // the "weight" of the child "word_embeddings"
  torch::nn::Embedding char_embeddings{nullptr}, casing_embeddings{nullptr};
  torch::nn::Conv1d char_cnn{nullptr};
  torch::nn::LSTM char_lstm{nullptr};
  torch::nn::LSTM lstm{nullptr};
  torch::nn::Dropout dropout{nullptr};
  torch::nn::Linear classifier{nullptr};
  LinearChainCrf crf{nullptr};

 private:
  torch::Tensor CharFeatures(const torch::Tensor& char_ids);  // [B, T, char_filters]
  torch::Tensor CharCnn(const torch::Tensor& flat);            // [B*T, C] -> [B*T, char_filters]
  torch::Tensor CharLstm(const torch::Tensor& flat);

  BiLstmCrfOptions options_;
};
TORCH_MODULE(BiLstmCrf);

}  // namespace bioner::model_internal

#endif  // BIONER_CORE_MODEL_BILSTM_CRF_H_
