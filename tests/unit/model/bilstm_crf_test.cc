// Tests of the BiLSTM-CRF skeleton: casing classes, parameter names, frozen word vectors,
// and that a tiny model overfits a synthetic tagging task.
#include "core/model/bilstm_crf.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace bioner::model_internal {
namespace {

TEST(CasingTest, Classes) {
  EXPECT_EQ(CasingOf("kinase"), kCasingLower);
  EXPECT_EQ(CasingOf("anti-tumor"), kCasingLower);
  EXPECT_EQ(CasingOf("BRCA"), kCasingUpper);
  EXPECT_EQ(CasingOf("Protein"), kCasingInitialUpper);
  EXPECT_EQ(CasingOf("PubMed"), kCasingInitialUpper);
  EXPECT_EQ(CasingOf("mRNA"), kCasingMixed);
  EXPECT_EQ(CasingOf("1995"), kCasingNumeric);
  EXPECT_EQ(CasingOf("p53"), kCasingMostlyNumeric);
  EXPECT_EQ(CasingOf("3.5"), kCasingMostlyNumeric);
  EXPECT_EQ(CasingOf("IL-2"), kCasingContainsDigit);
  EXPECT_EQ(CasingOf("BRCA1"), kCasingContainsDigit);
  EXPECT_EQ(CasingOf("("), kCasingOther);
  EXPECT_EQ(CasingOf(""), kCasingOther);
}

BiLstmCrfOptions SmallOptions() {
  BiLstmCrfOptions o;
  o.num_chars = 257;  // bytes + 1; 0 = padding
  o.char_dim = 8;
  o.char_filters = 8;
  o.casing_dim = 4;
  o.hidden_size = 16;
  o.dropout = 0.1;
  return o;
}

TEST(BiLstmCrfTest, ParameterNames) {
  torch::manual_seed(0);
  const LabelSet labels = LabelSet::ForTypes({"Gene"}, LabelScheme::kBIOES);
  BiLstmCrf model(torch::randn({10, 6}), labels, SmallOptions());
  std::vector<std::string> names;
  for (const auto& p : model->named_parameters()) names.push_back(p.key());
  const std::vector<std::string> expected = {
      "word_embeddings.weight",    "char_embeddings.weight",
      "char_cnn.weight",           "char_cnn.bias",
      "casing_embeddings.weight",  "lstm.weight_ih_l0",
      "lstm.weight_hh_l0",         "lstm.bias_ih_l0",
      "lstm.bias_hh_l0",           "lstm.weight_ih_l0_reverse",
      "lstm.weight_hh_l0_reverse", "lstm.bias_ih_l0_reverse",
      "lstm.bias_hh_l0_reverse",   "classifier.weight",
      "classifier.bias",           "crf.transitions",
      "crf.start_transitions",     "crf.end_transitions"};
  EXPECT_EQ(names, expected);
  EXPECT_FALSE(model->word_embeddings.requires_grad());
}

// Sentences over a small vocabulary; a run of gene words is one Gene entity (B-Gene I-Gene...).
struct Synthetic {
  std::vector<std::string> vocab = {"the",  "of",    "binds", "in",   "cells", "Protein",
                                    "mRNA", "BRCA1", "p53",   "IL-2", "TNF",   "kinase"};
  bool IsGene(int64_t w) const { return w >= 7; }

  BiLstmCrfInput input;
  torch::Tensor tags;

  Synthetic(const LabelSet& labels, int64_t batch, int64_t steps, uint32_t seed) {
    std::mt19937 rng(seed);
    int64_t longest = 0;
    for (const auto& w : vocab) longest = std::max<int64_t>(longest, w.size());
    input.word_ids = torch::zeros({batch, steps}, torch::kLong);
    input.char_ids = torch::zeros({batch, steps, longest}, torch::kLong);
    input.casing_ids = torch::zeros({batch, steps}, torch::kLong);
    input.mask = torch::zeros({batch, steps}, torch::kBool);
    tags = torch::full({batch, steps}, -100, torch::kLong);
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t n = 1 + rng() % steps;
      bool in_gene = false;
      for (int64_t t = 0; t < n; ++t) {
        const int64_t w = rng() % vocab.size();
        input.word_ids[b][t] = w;
        input.casing_ids[b][t] = static_cast<int64_t>(CasingOf(vocab[w]));
        input.mask[b][t] = true;
        for (size_t c = 0; c < vocab[w].size(); ++c) {
          input.char_ids[b][t][c] =
              static_cast<int64_t>(static_cast<unsigned char>(vocab[w][c])) + 1;
        }
        tags[b][t] = IsGene(w) ? labels.Find(in_gene ? 'I' : 'B', "Gene") : labels.outside_id();
        in_gene = IsGene(w);
      }
    }
  }
};

// 80 Adam steps (lr 0.02) on the whole batch in train mode; the first and the last loss.
std::pair<double, double> Fit(BiLstmCrf& model, const Synthetic& train) {
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(0.02));
  model->train();
  double first = 0, last = 0;
  for (int step = 0; step < 80; ++step) {
    adam.zero_grad();
    auto loss = model->Loss(train.input, train.tags).mean();
    loss.backward();
    adam.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  return {first, last};
}

TEST(BiLstmCrfTest, OverfitsSyntheticTask) {
  const auto started = std::chrono::steady_clock::now();
  torch::manual_seed(0);
  const LabelSet labels = LabelSet::ForTypes({"Gene"}, LabelScheme::kBIO);
  const Synthetic train(labels, 16, 8, 1);
  const torch::Tensor vectors = torch::randn({12, 10});
  BiLstmCrf model(vectors, labels, SmallOptions());
  const auto [first, last] = Fit(model, train);
  model->eval();
  const auto paths = model->Decode(train.input);
  for (size_t b = 0; b < paths.size(); ++b) {
    ASSERT_EQ(static_cast<int64_t>(paths[b].size()), train.input.mask[b].sum().item<int64_t>());
    for (size_t t = 0; t < paths[b].size(); ++t) {
      ASSERT_EQ(paths[b][t], train.tags[b][t].item<int64_t>()) << b << " " << t;
    }
  }
  EXPECT_LT(last, 0.1 * first);
  EXPECT_TRUE(torch::equal(model->word_embeddings, vectors));  // frozen: unchanged
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("bilstm-crf synthetic: loss %.3f -> %.4f in %.2f s\n", first, last, seconds);
}

// The character BiLSTM (Lample et al.): its parameters, a word's feature independent of the
// other words of the batch and of its padding (packing, and the final states returned in the
// batch's order), a padding word in the batch changing nothing; and it learns the synthetic
// task too.
TEST(BiLstmCrfTest, CharacterLstmFeaturesAndLearning) {
  torch::manual_seed(0);
  const LabelSet labels = LabelSet::ForTypes({"Gene"}, LabelScheme::kBIO);
  BiLstmCrfOptions o = SmallOptions();
  o.char_encoder = CharEncoder::kLstm;
  o.char_filters = 12;
  BiLstmCrf model(torch::randn({12, 10}), labels, o);
  std::vector<std::string> names;
  for (const auto& p : model->named_parameters()) names.push_back(p.key());
  EXPECT_NE(std::find(names.begin(), names.end(), "char_lstm.weight_ih_l0_reverse"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "char_cnn.weight"), names.end());
  model->eval();

  // Words of lengths 3, 1, 5 and a padding word, as one batch of 4 sequences of one word,
  // then each alone with no extra padding.
  const std::vector<std::vector<int64_t>> words = {{5, 6, 7}, {9}, {3, 4, 5, 6, 7}, {}};
  torch::Tensor chars = torch::zeros({4, 1, 7}, torch::kLong);
  for (size_t w = 0; w < words.size(); ++w) {
    for (size_t c = 0; c < words[w].size(); ++c) chars[w][0][c] = words[w][c];
  }
  auto features = [&](const torch::Tensor& ids) {
    torch::NoGradGuard no_grad;
    BiLstmCrfInput in;
    in.word_ids = torch::zeros({ids.size(0), 1}, torch::kLong);
    in.char_ids = ids;
    in.casing_ids = torch::ones({ids.size(0), 1}, torch::kLong);
    in.mask = torch::ones({ids.size(0), 1}, torch::kBool);
    return model->forward(in);  // emissions: a function of the character feature here
  };
  const torch::Tensor together = features(chars);
  for (int64_t w = 0; w < 3; ++w) {
    const auto n = static_cast<int64_t>(words[w].size());
    const torch::Tensor alone = features(chars.index({torch::indexing::Slice(w, w + 1), torch::indexing::Slice(),
                                                      torch::indexing::Slice(0, n)}));
    EXPECT_TRUE(torch::allclose(together[w], alone[0], 1e-5, 1e-6)) << "word " << w;
  }
  EXPECT_FALSE(torch::allclose(together[0], together[2]));

  // Learns the synthetic task.
  torch::manual_seed(0);
  const Synthetic train(labels, 16, 8, 1);
  BiLstmCrf learner(torch::randn({12, 10}), labels, o);
  const auto [first, last] = Fit(learner, train);
  EXPECT_LT(last, 0.1 * first);
}

TEST(BiLstmCrfTest, TrainableWordVectorsChange) {
  torch::manual_seed(0);
  const LabelSet labels = LabelSet::ForTypes({"Gene"}, LabelScheme::kBIO);
  const Synthetic data(labels, 4, 5, 2);
  const torch::Tensor vectors = torch::randn({12, 10});
  BiLstmCrfOptions o = SmallOptions();
  o.train_word_embeddings = true;
  o.num_chars = 0;  // and the parts are optional
  o.casing_dim = 0;
  o.num_layers = 2;
  BiLstmCrf model(vectors, labels, o);
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(0.01));
  adam.zero_grad();
  model->Loss(data.input, data.tags).mean().backward();
  adam.step();
  EXPECT_FALSE(torch::equal(model->word_embeddings, vectors));
  const auto emissions = model->forward(data.input);
  EXPECT_EQ(emissions.sizes(), (std::vector<int64_t>{4, 5, labels.size()}));
}

}  // namespace
}  // namespace bioner::model_internal
