#include "core/model/bilstm_crf.h"

#include <memory>
#include <tuple>

#include <torch/nn/utils/rnn.h>
#include <torch/torch.h>

namespace bioner::model_internal {

Casing CasingOf(std::string_view word) {
  int64_t digits = 0, upper = 0, lower = 0;
  for (char c : word) {
    digits += c >= '0' && c <= '9';
    upper += c >= 'A' && c <= 'Z';
    lower += c >= 'a' && c <= 'z';
  }
  const auto n = static_cast<int64_t>(word.size());
  if (n > 0 && digits == n) return kCasingNumeric;
  if (2 * digits > n) return kCasingMostlyNumeric;
  if (digits > 0) return kCasingContainsDigit;
  if (upper + lower == 0) return kCasingOther;
  if (upper == 0) return kCasingLower;
  if (lower == 0) return kCasingUpper;
  if (word[0] >= 'A' && word[0] <= 'Z') return kCasingInitialUpper;
  return kCasingMixed;
}

BiLstmCrfImpl::BiLstmCrfImpl(const torch::Tensor& word_vectors, const LabelSet& labels,
                             const BiLstmCrfOptions& o)
    : options_(o) {
  TORCH_CHECK(word_vectors.dim() == 2 && word_vectors.size(0) > 0 && word_vectors.size(1) > 0,
              "BiLstmCrf: word vectors must be a non-empty [V, D] table, got ",
              word_vectors.sizes());
  TORCH_CHECK(o.num_layers == 1 || o.num_layers == 2, "BiLstmCrf: num_layers must be 1 or 2");
  TORCH_CHECK(o.hidden_size > 0 && o.dropout >= 0 && o.dropout < 1,
              "BiLstmCrf: hidden_size must be positive and dropout in [0, 1)");
  TORCH_CHECK(o.num_chars == 0 || (o.char_kernel % 2 == 1 && o.char_dim > 0 && o.char_filters > 0),
              "BiLstmCrf: char_kernel must be odd, char_dim and char_filters positive");
  TORCH_CHECK(o.num_chars == 0 || o.char_encoder == CharEncoder::kCnn || o.char_filters % 2 == 0,
              "BiLstmCrf: a character LSTM needs an even char_filters (half per direction)");
  TORCH_CHECK(o.casing_dim >= 0 && o.num_chars >= 0, "BiLstmCrf: negative size in the options");

  // A child module holding only "weight", so the name is word_embeddings.weight as for an
  // nn::Embedding, without nn::Embedding's random initialisation of a table about to be
  // overwritten (fastText tables have millions of rows).
  auto words = register_module("word_embeddings", std::make_shared<torch::nn::Module>());
  // Frozen vectors are only read, so the module may hold the caller's tensor itself (models over
  // one table share it, word_tagger.cc); trained ones get a copy of their own.
  torch::Tensor vectors = word_vectors.detach().to(torch::kFloat32);
  if (o.train_word_embeddings) vectors = vectors.clone();
  word_embeddings = words->register_parameter("weight", vectors, o.train_word_embeddings);
  int64_t width = word_vectors.size(1);
  if (o.num_chars > 0) {
    char_embeddings = register_module(
        "char_embeddings",
        torch::nn::Embedding(torch::nn::EmbeddingOptions(o.num_chars, o.char_dim).padding_idx(0)));
    if (o.char_encoder == CharEncoder::kCnn) {
      char_cnn = register_module(
          "char_cnn",
          torch::nn::Conv1d(torch::nn::Conv1dOptions(o.char_dim, o.char_filters, o.char_kernel)
                                .padding(o.char_kernel / 2)));
    } else {
      char_lstm = register_module(
          "char_lstm", torch::nn::LSTM(torch::nn::LSTMOptions(o.char_dim, o.char_filters / 2)
                                           .bidirectional(true)
                                           .batch_first(true)));
    }
    width += o.char_filters;
  }
  if (o.casing_dim > 0) {
    casing_embeddings =
        register_module("casing_embeddings", torch::nn::Embedding(kNumCasings, o.casing_dim));
    width += o.casing_dim;
  }
  // Dropout between stacked layers only where there are two (torch warns otherwise).
  lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(width, o.hidden_size)
                                                     .num_layers(o.num_layers)
                                                     .bidirectional(true)
                                                     .batch_first(true)
                                                     .dropout(o.num_layers > 1 ? o.dropout : 0.0)));
  dropout = register_module("dropout", torch::nn::Dropout(o.dropout));
  classifier = register_module("classifier", torch::nn::Linear(2 * o.hidden_size, labels.size()));
  crf = register_module("crf", LinearChainCrf(labels));
}

torch::Tensor BiLstmCrfImpl::CharFeatures(const torch::Tensor& char_ids) {
  const int64_t b = char_ids.size(0), t = char_ids.size(1), c = char_ids.size(2);
  if (c == 0) return torch::zeros({b, t, options_.char_filters}, word_embeddings.options());
  const torch::Tensor flat = char_ids.reshape({b * t, c});
  return (char_cnn ? CharCnn(flat) : CharLstm(flat)).view({b, t, options_.char_filters});
}

torch::Tensor BiLstmCrfImpl::CharCnn(const torch::Tensor& flat) {
  const torch::Tensor x = char_embeddings(flat).transpose(1, 2);  // [B*T, char_dim, C]
  // After ReLU every value is >= 0, so zeroing the padding characters keeps them out of the
  // max without -inf (a word with no characters, i.e. a padding word, pools to 0, not -inf).
  torch::Tensor h = torch::relu(char_cnn(x)).masked_fill((flat == 0).unsqueeze(1), 0);
  return h.amax(2);
}

torch::Tensor BiLstmCrfImpl::CharLstm(const torch::Tensor& flat) {
  // Characters are left-aligned (id 0 pads the tail); packing makes the forward state stop at
  // the word's last character and the backward one start there. The feature is the final
  // forward state next to the final backward state (Lample et al. 2016). A word with no
  // characters (a padding word) runs as length 1 and is zeroed afterwards.
  const torch::Tensor lengths = (flat != 0).sum(1);
  const auto packed = torch::nn::utils::rnn::pack_padded_sequence(
      char_embeddings(flat), lengths.clamp_min(1).cpu(), /*batch_first=*/true, /*enforce_sorted=*/false);
  const torch::Tensor h = std::get<0>(std::get<1>(char_lstm->forward_with_packed_input(packed)));  // [2, N, H]
  return torch::cat({h[0], h[1]}, 1).masked_fill((lengths == 0).unsqueeze(1), 0);
}

torch::Tensor BiLstmCrfImpl::forward(const BiLstmCrfInput& in) {
  const torch::Tensor& mask = in.mask;
  TORCH_CHECK(in.word_ids.dim() == 2 && in.word_ids.scalar_type() == torch::kLong,
              "BiLstmCrf: word_ids must be int64 [B, T]");
  TORCH_CHECK(mask.scalar_type() == torch::kBool && mask.sizes() == in.word_ids.sizes(),
              "BiLstmCrf: mask must be bool ", in.word_ids.sizes());
  const int64_t batch = mask.size(0), steps = mask.size(1);
  if (steps == 0) return torch::zeros({batch, 0, crf->num_labels()}, word_embeddings.options());
  // Padding ids may be anything; id 0 stands in so every lookup is in range.
  std::vector<torch::Tensor> features = {
      torch::embedding(word_embeddings, in.word_ids.masked_fill(~mask, 0))};
  if (char_embeddings) {
    TORCH_CHECK(in.char_ids.defined() && in.char_ids.dim() == 3 && in.char_ids.size(0) == batch &&
                    in.char_ids.size(1) == steps,
                "BiLstmCrf: char_ids must be int64 [B, T, C]");
    features.push_back(CharFeatures(in.char_ids.masked_fill(~mask.unsqueeze(2), 0)));
  }
  if (casing_embeddings) {
    TORCH_CHECK(in.casing_ids.defined() && in.casing_ids.sizes() == mask.sizes(),
                "BiLstmCrf: casing_ids must be int64 [B, T]");
    features.push_back(casing_embeddings(in.casing_ids.masked_fill(~mask, kCasingPadding)));
  }
  const torch::Tensor x = dropout(torch::cat(features, 2));
  // Packing keeps the backward direction from reading padding. An empty sequence runs as one
  // (padding) word because packing refuses length 0; the CRF ignores its emissions anyway.
  const torch::Tensor lengths = mask.sum(1).clamp_min(1).cpu();
  const auto packed = torch::nn::utils::rnn::pack_padded_sequence(x, lengths, /*batch_first=*/true,
                                                                  /*enforce_sorted=*/false);
  const auto out_packed = std::get<0>(lstm->forward_with_packed_input(packed));
  const torch::Tensor out = std::get<0>(torch::nn::utils::rnn::pad_packed_sequence(
      out_packed, /*batch_first=*/true, /*padding_value=*/0.0, /*total_length=*/steps));
  return classifier(dropout(out));
}

torch::Tensor BiLstmCrfImpl::Loss(const BiLstmCrfInput& input, const torch::Tensor& tags) {
  return crf->NegLogLikelihood(forward(input), tags, input.mask);
}

std::vector<std::vector<int64_t>> BiLstmCrfImpl::Decode(const BiLstmCrfInput& input) {
  torch::NoGradGuard no_grad;
  return crf->Viterbi(forward(input), input.mask);
}

}  // namespace bioner::model_internal
