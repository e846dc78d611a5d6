// Tests of the linear-chain CRF against brute force: every label path of small instances is
// enumerated, its score computed in double, and LogPartition, Score and Viterbi (float32)
// compared with the results.
#include "core/model/crf.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace bioner::model_internal {
namespace {

using Path = std::vector<int64_t>;

// The parameters of a CRF as double arrays, for scoring paths by hand.
struct Params {
  std::vector<std::vector<double>> trans;
  std::vector<double> start, end;
};

Params ReadParams(const LinearChainCrf& crf) {
  const int64_t n = crf->num_labels();
  auto tr = crf->transitions.detach().to(torch::kDouble).cpu();
  auto st = crf->start_transitions.detach().to(torch::kDouble).cpu();
  auto en = crf->end_transitions.detach().to(torch::kDouble).cpu();
  Params p{std::vector<std::vector<double>>(n, std::vector<double>(n)), {}, {}};
  for (int64_t i = 0; i < n; ++i) {
    p.start.push_back(st[i].item<double>());
    p.end.push_back(en[i].item<double>());
    for (int64_t j = 0; j < n; ++j) p.trans[i][j] = tr[i][j].item<double>();
  }
  return p;
}

// Emissions of sequence b over its first n positions, as double.
std::vector<std::vector<double>> Rows(const torch::Tensor& emissions, int64_t b, int64_t n) {
  auto e = emissions.detach().to(torch::kDouble)[b];
  std::vector<std::vector<double>> rows(n);
  for (int64_t t = 0; t < n; ++t) {
    for (int64_t k = 0; k < e.size(1); ++k) rows[t].push_back(e[t][k].item<double>());
  }
  return rows;
}

double PathScore(const Params& p, const std::vector<std::vector<double>>& e, const Path& y) {
  if (y.empty()) return 0;
  double s = p.start[y[0]] + p.end[y.back()];
  for (size_t t = 0; t < y.size(); ++t) s += e[t][y[t]] + (t ? p.trans[y[t - 1]][y[t]] : 0.0);
  return s;
}

// Every path of length n over L labels, in lexicographic order.
std::vector<Path> AllPaths(int64_t labels, int64_t n) {
  std::vector<Path> out;
  Path y(n, 0);
  while (true) {
    out.push_back(y);
    int64_t i = n - 1;
    while (i >= 0 && ++y[i] == labels) y[i--] = 0;
    if (i < 0) return out;
  }
}

struct Brute {
  double log_z = 0;
  Path best;
};

// log-sum-exp and arg-max over the ALLOWED paths only, in double.
Brute BruteForce(const LinearChainCrf& crf, const torch::Tensor& emissions, int64_t b, int64_t n) {
  const Params p = ReadParams(crf);
  const auto e = Rows(emissions, b, n);
  std::vector<double> scores;
  Brute r;
  double best = -std::numeric_limits<double>::infinity();
  for (const Path& y : AllPaths(crf->num_labels(), n)) {
    if (!crf->constraints().Allows(y)) continue;
    scores.push_back(PathScore(p, e, y));
    if (scores.back() > best) {
      best = scores.back();
      r.best = y;
    }
  }
  double sum = 0;
  for (double s : scores) sum += std::exp(s - best);
  r.log_z = n == 0 ? 0.0 : best + std::log(sum);
  return r;
}

// Random parameters (zero ones would leave transitions untested) and emissions.
void Randomize(LinearChainCrf& crf, uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;
  for (auto& p : crf->parameters()) p.copy_(torch::randn(p.sizes()));
}

// Left-aligned mask [B, T] for the given lengths.
torch::Tensor MaskFor(const std::vector<int64_t>& lengths, int64_t steps) {
  auto mask = torch::zeros({static_cast<int64_t>(lengths.size()), steps}, torch::kBool);
  for (size_t b = 0; b < lengths.size(); ++b) mask[b].slice(0, 0, lengths[b]).fill_(true);
  return mask;
}

LabelSet Bio() { return LabelSet::ForTypes({"X", "Y"}, LabelScheme::kBIO); }  // 5 labels
LabelSet Bioes() { return LabelSet::ForTypes({"X"}, LabelScheme::kBIOES); }   // 5 labels

// The instances of the brute-force tests: unconstrained L = 3, 4, 5 and the two schemes.
std::vector<LinearChainCrf> Crfs() {
  return {LinearChainCrf(3), LinearChainCrf(4), LinearChainCrf(5), LinearChainCrf(Bio()),
          LinearChainCrf(Bioes())};
}

TEST(CrfConstraintsTest, BioRules) {
  const LabelSet l = Bio();
  const CrfConstraints c = CrfConstraints::ForLabels(l);
  auto id = [&](const char* name) { return l.Find(name[0], name[0] == 'O' ? "" : name + 2); };
  EXPECT_FALSE(c.start[id("I-X")]);
  EXPECT_TRUE(c.start[id("B-X")] && c.start[id("O")]);
  EXPECT_FALSE(c.transition[id("O")][id("I-X")]);
  EXPECT_FALSE(c.transition[id("B-X")][id("I-Y")]);
  EXPECT_FALSE(c.transition[id("I-X")][id("I-Y")]);
  EXPECT_TRUE(c.transition[id("B-X")][id("I-X")] && c.transition[id("I-X")][id("I-X")]);
  EXPECT_TRUE(c.transition[id("I-X")][id("O")] && c.transition[id("I-X")][id("B-Y")]);
  EXPECT_TRUE(c.transition[id("B-X")][id("B-X")]);
  for (bool e : c.end) EXPECT_TRUE(e);
}

TEST(CrfConstraintsTest, BioesRules) {
  const LabelSet l = LabelSet::ForTypes({"X", "Y"}, LabelScheme::kBIOES);
  const CrfConstraints c = CrfConstraints::ForLabels(l);
  auto id = [&](const char* name) { return l.Find(name[0], name[0] == 'O' ? "" : name + 2); };
  EXPECT_FALSE(c.transition[id("B-X")][id("O")]);
  EXPECT_FALSE(c.transition[id("I-X")][id("O")]);
  EXPECT_FALSE(c.transition[id("B-X")][id("B-X")]);
  EXPECT_FALSE(c.transition[id("B-X")][id("E-Y")]);
  EXPECT_FALSE(c.transition[id("E-X")][id("I-X")]);
  EXPECT_FALSE(c.transition[id("S-X")][id("E-X")]);
  EXPECT_FALSE(c.transition[id("O")][id("E-X")]);
  EXPECT_TRUE(c.transition[id("B-X")][id("E-X")] && c.transition[id("I-X")][id("I-X")]);
  EXPECT_TRUE(c.transition[id("E-X")][id("B-Y")] && c.transition[id("S-X")][id("S-X")]);
  EXPECT_FALSE(c.start[id("E-X")] || c.start[id("I-X")]);
  EXPECT_TRUE(c.start[id("S-X")] && c.start[id("B-Y")]);
  EXPECT_FALSE(c.end[id("B-X")] || c.end[id("I-X")]);
  EXPECT_TRUE(c.end[id("E-X")] && c.end[id("S-X")] && c.end[id("O")]);
}

// The CRF's notion of well-formed agrees with the project's decoder: a path is allowed
// exactly when decoding it into spans and encoding the spans again gives it back.
TEST(CrfConstraintsTest, AllowedIffSpansRoundTrip) {
  for (LabelScheme scheme : {LabelScheme::kBIO, LabelScheme::kBIOES}) {
    const LabelSet l = LabelSet::ForTypes({"X", "Y"}, scheme);
    const CrfConstraints c = CrfConstraints::ForLabels(l);
    for (int64_t n = 1; n <= 4; ++n) {
      for (const Path& y : AllPaths(l.size(), n)) {
        std::vector<int> ids(y.begin(), y.end());
        std::vector<std::string> names;
        for (int id : ids) names.push_back(l.names()[id]);
        const bool round_trip = EncodeSpans(DecodeSpans(l, ids), n, scheme) == names;
        ASSERT_EQ(c.Allows(y), round_trip) << ::testing::PrintToString(names);
      }
    }
  }
}

TEST(CrfConstraintsTest, RefusesConstraintsThatWouldGiveNaNGradients) {
  CrfConstraints c = CrfConstraints::None(3);
  for (int i = 0; i < 3; ++i) c.transition[i][2] = false;  // label 2 unreachable after t = 0
  EXPECT_FALSE(c.Validate().ok());
  EXPECT_THROW(LinearChainCrf{c}, c10::Error);
  EXPECT_TRUE(CrfConstraints::ForLabels(Bioes()).Validate().ok());
  EXPECT_TRUE(CrfConstraints::ForLabels(Bio()).Validate().ok());
}

TEST(CrfTest, ParameterNamesUnderParent) {
  torch::nn::Module parent;
  parent.register_module("crf", LinearChainCrf(Bio()));
  std::vector<std::string> names;
  for (const auto& p : parent.named_parameters()) names.push_back(p.key());
  EXPECT_EQ(names, (std::vector<std::string>{"crf.transitions", "crf.start_transitions",
                                             "crf.end_transitions"}));
  EXPECT_TRUE(parent.named_buffers().is_empty());  // the masks are not saved
}

// (1), (2): LogPartition, Score and Viterbi against enumeration, batches of mixed lengths.
TEST(CrfTest, MatchesBruteForce) {
  uint64_t seed = 1;
  for (LinearChainCrf crf : Crfs()) {
    for (int rep = 0; rep < 4; ++rep) {
      Randomize(crf, ++seed);
      const std::vector<int64_t> lengths = {5, 1, 3, 4, 2};
      const torch::Tensor mask = MaskFor(lengths, 5);
      const torch::Tensor emissions = 2 * torch::randn({5, 5, crf->num_labels()});
      const torch::Tensor log_z = crf->LogPartition(emissions, mask);
      const auto paths = crf->Viterbi(emissions, mask);
      auto tags = torch::zeros({5, 5}, torch::kLong);
      std::vector<Brute> brute;
      for (size_t b = 0; b < lengths.size(); ++b) {
        brute.push_back(BruteForce(crf, emissions, b, lengths[b]));
        for (int64_t t = 0; t < lengths[b]; ++t) tags[b][t] = brute.back().best[t];
      }
      const torch::Tensor score = crf->Score(emissions, tags, mask);
      const Params p = ReadParams(crf);
      for (size_t b = 0; b < lengths.size(); ++b) {
        SCOPED_TRACE("L=" + std::to_string(crf->num_labels()) + " b=" + std::to_string(b));
        EXPECT_NEAR(log_z[b].item<double>(), brute[b].log_z, 1e-4);
        EXPECT_EQ(paths[b], brute[b].best);
        EXPECT_NEAR(score[b].item<double>(),
                    PathScore(p, Rows(emissions, b, lengths[b]), brute[b].best), 1e-4);
      }
      const torch::Tensor nll = crf->NegLogLikelihood(emissions, tags, mask);
      EXPECT_TRUE(torch::allclose(nll, log_z - score));
      EXPECT_TRUE((nll >= -1e-5).all().item<bool>());
    }
  }
}

// (3): no emission, however large, buys an ill-formed path or probability mass for one.
TEST(CrfTest, NeverReturnsIllFormedPaths) {
  for (const LabelSet& l : {Bio(), Bioes(), LabelSet::ForTypes({"X", "Y"}, LabelScheme::kBIOES)}) {
    LinearChainCrf crf(l);
    Randomize(crf, 7);
    const int64_t i_x = l.Find('I', "X"), b_x = l.Find('B', "X");
    // I-X strongly favoured everywhere: the best allowed path starts with B-X instead.
    auto e = torch::zeros({1, 4, l.size()});
    e.select(2, i_x).fill_(1e6);
    const auto paths = crf->Viterbi(e, MaskFor({4}, 4));
    EXPECT_TRUE(crf->constraints().Allows(paths[0]));
    EXPECT_EQ(paths[0][0], b_x);
    // One position, zero parameters: Z counts exactly the labels that may start and end.
    LinearChainCrf fresh(l);
    auto one = torch::zeros({1, 1, l.size()});
    one[0][0][i_x] = 50;
    int allowed = 0;
    for (int j = 0; j < l.size(); ++j) allowed += fresh->constraints().Allows({j});
    EXPECT_NEAR(fresh->LogPartition(one, MaskFor({1}, 1)).item<double>(), std::log(allowed), 1e-6);
    // An ill-formed gold path scores -inf (infinite loss, not a silent wrong one).
    auto tags = torch::full({1, 1}, i_x, torch::kLong);
    EXPECT_TRUE(std::isinf(fresh->Score(one, tags, MaskFor({1}, 1)).item<double>()));
    // Random emissions with a huge spread, many batches of mixed lengths.
    torch::manual_seed(11);
    for (int rep = 0; rep < 50; ++rep) {
      auto big = 1e4 * torch::randn({8, 6, l.size()});
      for (const Path& y : crf->Viterbi(big, MaskFor({6, 5, 4, 3, 2, 1, 6, 1}, 6))) {
        ASSERT_TRUE(crf->constraints().Allows(y));
      }
    }
  }
}

// Gradients of LogPartition and Score (autograd) against central differences, in double.
TEST(CrfTest, GradientsMatchFiniteDifferences) {
  for (LinearChainCrf crf : {LinearChainCrf(4), LinearChainCrf(Bio())}) {
    Randomize(crf, 3);
    crf->to(torch::kDouble);
    const torch::Tensor mask = MaskFor({3, 2}, 3);
    const torch::Tensor emissions = torch::randn({2, 3, crf->num_labels()}, torch::kDouble);
    const torch::Tensor tags = torch::tensor({0, 1, 2, 3, 3, -100}, torch::kLong).view({2, 3});
    auto loss = [&](const torch::Tensor& e) {
      return (crf->NegLogLikelihood(e, tags, mask) * torch::tensor({1.0, 0.7}, torch::kDouble))
          .sum();
    };
    auto leaf = emissions.clone().requires_grad_(true);
    crf->zero_grad();
    loss(leaf).backward();
    std::vector<std::pair<torch::Tensor, torch::Tensor>> checks = {{emissions, leaf.grad()}};
    for (auto& p : crf->parameters()) checks.push_back({p, p.grad()});
    torch::NoGradGuard no_grad;
    for (auto& [value, grad] : checks) {
      auto flat = value.view({-1});
      for (int64_t k = 0; k < flat.numel(); ++k) {
        const double saved = flat[k].item<double>(), h = 1e-6;
        flat[k] = saved + h;
        const double up = loss(emissions).item<double>();
        flat[k] = saved - h;
        const double down = loss(emissions).item<double>();
        flat[k] = saved;
        ASSERT_NEAR(grad.view({-1})[k].item<double>(), (up - down) / (2 * h), 1e-5) << k;
      }
    }
    // Forbidden transitions get exactly zero gradient.
    const auto& c = crf->constraints();
    for (int64_t i = 0; i < c.num_labels; ++i) {
      for (int64_t j = 0; j < c.num_labels; ++j) {
        if (!c.transition[i][j]) {
          EXPECT_EQ(crf->transitions.grad()[i][j].item<double>(), 0.0);
        }
      }
    }
  }
}

// (5): padding, whatever its values and tags, changes nothing at real positions.
TEST(CrfTest, PaddingDoesNotChangeResults) {
  LinearChainCrf crf(Bio());
  Randomize(crf, 5);
  const std::vector<int64_t> lengths = {5, 3, 1, 0};
  auto emissions = torch::randn({4, 5, 5});
  const torch::Tensor mask = MaskFor(lengths, 5);
  // Gold paths that are allowed (a random one would score -inf): best paths of other scores.
  auto tags = torch::zeros({4, 5}, torch::kLong);
  const auto gold = crf->Viterbi(torch::randn({4, 5, 5}), mask);
  for (size_t b = 0; b < gold.size(); ++b) {
    for (size_t t = 0; t < gold[b].size(); ++t) tags[b][t] = gold[b][t];
  }
  emissions.masked_fill_(~mask.unsqueeze(2), std::numeric_limits<float>::quiet_NaN());
  tags.masked_fill_(~mask, -100);
  auto leaf = emissions.clone().requires_grad_(true);
  const torch::Tensor nll = crf->NegLogLikelihood(leaf, tags, mask);
  nll.sum().backward();
  EXPECT_FALSE(torch::isnan(leaf.grad()).any().item<bool>());
  EXPECT_TRUE((leaf.grad().masked_select(~mask.unsqueeze(2)) == 0).all().item<bool>());
  for (const auto& p : crf->parameters()) EXPECT_FALSE(torch::isnan(p.grad()).any().item<bool>());
  const auto paths = crf->Viterbi(emissions, mask);
  const torch::Tensor log_z = crf->LogPartition(emissions, mask);
  for (size_t b = 0; b < lengths.size(); ++b) {
    const int64_t n = lengths[b];
    const auto alone_e = emissions.slice(0, b, b + 1).slice(1, 0, n);
    const auto alone_t = tags.slice(0, b, b + 1).slice(1, 0, n);
    const auto alone_m = torch::ones({1, n}, torch::kBool);
    EXPECT_NEAR(log_z[b].item<double>(), crf->LogPartition(alone_e, alone_m).item<double>(), 1e-5);
    EXPECT_NEAR(nll[b].item<double>(),
                crf->NegLogLikelihood(alone_e, alone_t, alone_m).item<double>(), 1e-5);
    EXPECT_EQ(paths[b], crf->Viterbi(alone_e, alone_m)[0]);
    EXPECT_EQ(static_cast<int64_t>(paths[b].size()), n);
  }
  EXPECT_EQ(log_z[3].item<double>(), 0.0);  // the empty sequence
}

TEST(CrfTest, RefusesBadInput) {
  LinearChainCrf crf(3);
  auto e = torch::randn({2, 3, 3});
  auto gap = torch::tensor({1, 0, 1, 1, 1, 1}, torch::kBool).view({2, 3});
  EXPECT_THROW(crf->LogPartition(e, gap), c10::Error);
  EXPECT_THROW(crf->LogPartition(e.to(torch::kDouble), MaskFor({3, 3}, 3)), c10::Error);
  EXPECT_THROW(crf->LogPartition(torch::randn({2, 3, 4}), MaskFor({3, 3}, 3)), c10::Error);
  EXPECT_THROW(crf->Score(e, torch::full({2, 3}, 3, torch::kLong), MaskFor({3, 3}, 3)), c10::Error);
  EXPECT_THROW(crf->Viterbi(e, MaskFor({3, 3}, 3).to(torch::kLong)), c10::Error);
}

// (4): emissions from a word -> label table plus the CRF, trained with Adam. Words 1 and 2
// are entity words of types X and Y; a run of them is B-X I-X ... (B-Y I-Y ...). An emission
// cannot tell B from I, so the task is solvable only through learned transitions.
TEST(CrfTest, LearnsToyTaggingTask) {
  const auto started = std::chrono::steady_clock::now();
  const LabelSet l = Bio();
  torch::manual_seed(0);
  std::mt19937 rng(0);
  auto make = [&](int64_t batch, int64_t steps, torch::Tensor* words, torch::Tensor* tags,
                  torch::Tensor* mask) {
    *words = torch::zeros({batch, steps}, torch::kLong);
    *tags = torch::full({batch, steps}, -100, torch::kLong);
    std::vector<int64_t> lengths;
    for (int64_t b = 0; b < batch; ++b) {
      lengths.push_back(1 + rng() % steps);
      int64_t prev = 0;
      for (int64_t t = 0; t < lengths.back(); ++t) {
        const int64_t w = rng() % 3;
        const std::string type = w == 1 ? "X" : "Y";
        (*words)[b][t] = w;
        (*tags)[b][t] = w == 0 ? l.outside_id() : l.Find(prev == w ? 'I' : 'B', type);
        prev = w;
      }
    }
    *mask = MaskFor(lengths, steps);
  };
  torch::Tensor words, tags, mask;
  make(64, 8, &words, &tags, &mask);
  LinearChainCrf crf(l);
  auto table = torch::zeros({3, l.size()}, torch::requires_grad());
  std::vector<torch::Tensor> params = crf->parameters();
  params.push_back(table);
  torch::optim::Adam adam(params, torch::optim::AdamOptions(0.1));
  double first = 0, last = 0;
  for (int step = 0; step < 400; ++step) {
    adam.zero_grad();
    auto loss = crf->NegLogLikelihood(table.index({words}), tags, mask).mean();
    loss.backward();
    adam.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_GT(first, 1.0);
  EXPECT_LT(last, 0.01);
  torch::Tensor test_words, test_tags, test_mask;
  make(200, 10, &test_words, &test_tags, &test_mask);
  const auto paths = crf->Viterbi(table.index({test_words}).detach(), test_mask);
  for (size_t b = 0; b < paths.size(); ++b) {
    for (size_t t = 0; t < paths[b].size(); ++t) {
      ASSERT_EQ(paths[b][t], test_tags[b][t].item<int64_t>()) << b << " " << t;
    }
  }
  // About 1 s on two busy cores; printed, not asserted, so a loaded machine cannot fail it.
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("toy task: NLL %.3f -> %.5f in %.2f s\n", first, last, seconds);
}

}  // namespace
}  // namespace bioner::model_internal
