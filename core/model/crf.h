// INTERNAL to core/model (includes LibTorch): a linear-chain conditional random field, the
// output layer of the BiLSTM-CRF tagger. Given emission scores e[t][y] from the network below
// it, the score of a label path y_0..y_{n-1} of a sequence of length n is
//
//   s(y) = start[y_0] + sum_t e[t][y_t] + sum_{t>=1} transitions[y_{t-1}][y_t] + end[y_{n-1}]
//
// and p(y | x) = exp(s(y)) / Z with Z = sum over all allowed paths of exp(s(y)).
//
// Constraints. Built from a LabelSet, the CRF knows which paths are ill-formed under the
// label set's scheme and gives them no probability and no chance in Viterbi:
//   BIO:   start -> I-X, O -> I-X, B-X/I-X -> I-Y (Y != X) are forbidden; any label may end.
//   BIOES: after B-X or I-X only I-X or E-X may follow, and neither may end the sequence;
//          at the start and after O, E-X or S-X only O, B-Y or S-Y may follow.
// The forbidden entries are replaced by -infinity (not a large negative constant) each time
// the scores are used, in LogPartition, Score and Viterbi alike: exp(-inf) is exactly 0, so
// no emission, however large, can make an ill-formed path win or carry probability mass, and
// the gradient of a forbidden entry is exactly 0. -inf is safe for autograd here because
// every logsumexp has at least one finite term (one over only -inf terms would give NaN
// gradients, -inf - -inf): O is always allowed at the start, after O and at the end, and under
// BIO/BIOES every label has an allowed predecessor that may start a path, so every label is
// reachable from position 1 on. CrfConstraints::Validate checks exactly this for custom
// constraints. The parameters themselves stay finite; the masks are not parameters and are
// not saved.
//
// Parameters (all float32 unless the module is converted; registered under these names, so
// under a parent module that registers this one as "crf" the safetensors names are
// crf.transitions, crf.start_transitions, crf.end_transitions):
//   transitions        [L, L]  transitions[i][j]: score of label j following label i
//   start_transitions  [L]     score of a path starting with label j
//   end_transitions    [L]     score of a path ending with label j
// They start at zero (deterministic, needs no seed): an untrained CRF is a per-token softmax
// restricted to well-formed paths.
//
// Tensor conventions for every method: emissions [B, T, L] in the parameters' dtype and on
// their device; mask [B, T] bool, true at real positions, left-aligned (each row true then
// false; a row may be all false, an empty sequence); tags [B, T] int64 in [0, L) at real
// positions, anything (e.g. -100) at padding. Values at padding positions, even NaN, never
// change a result or receive a gradient. Violations throw c10::Error (TORCH_CHECK).
//
// Numerics: the forward algorithm runs in log space with torch::logsumexp (max-shifted), so
// it neither overflows nor underflows in float32; the tests compare it with a double-precision
// brute force to 1e-4.
//
// Thread safety: like any torch::nn::Module, not thread-safe while trained; Viterbi,
// LogPartition and Score do not mutate the module and may run concurrently on one instance.
#ifndef BIONER_CORE_MODEL_CRF_H_
#define BIONER_CORE_MODEL_CRF_H_

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "core/model/labels.h"
#include "core/util/status.h"

namespace bioner::model_internal {

// Which transitions a label set allows (true = allowed); plain vectors so that callers and
// tests can read them without torch.
struct CrfConstraints {
  int64_t num_labels = 0;
  std::vector<std::vector<bool>> transition;  // [from][to]
  std::vector<bool> start, end;

  // Everything allowed.
  static CrfConstraints None(int64_t num_labels);
  // The BIO or BIOES rules above, for labels.scheme().
  static CrfConstraints ForLabels(const LabelSet& labels);
  // OK if the -inf masking is safe (see above): every label has an allowed predecessor that
  // is allowed at the start, and some label is allowed both at the start and at the end.
  // Then every length has an allowed path. INVALID_ARGUMENT naming a label otherwise.
  Status Validate() const;
  // True if `path` (label ids) is allowed: every id in range and every transition, its
  // first label and its last label allowed. The empty path is allowed.
  bool Allows(const std::vector<int64_t>& path) const;
};

class LinearChainCrfImpl : public torch::nn::Module {
 public:
  // Constrained by the label set's scheme; L = labels.size().
  explicit LinearChainCrfImpl(const LabelSet& labels);
  // Unconstrained, L = num_labels >= 1.
  explicit LinearChainCrfImpl(int64_t num_labels);
  // Custom constraints; throws c10::Error unless constraints.Validate() is OK.
  explicit LinearChainCrfImpl(CrfConstraints constraints);

  // log Z per sequence, [B]; 0 for an empty sequence. Differentiable.
  torch::Tensor LogPartition(const torch::Tensor& emissions, const torch::Tensor& mask) const;
  // s(tags) per sequence, [B]; 0 for an empty sequence, -inf if the path is forbidden.
  // Differentiable.
  torch::Tensor Score(const torch::Tensor& emissions, const torch::Tensor& tags,
                      const torch::Tensor& mask) const;
  // The training loss per sequence, LogPartition - Score, [B] (>= 0; +inf for a forbidden
  // gold path, which EncodeSpans never produces). Not reduced, so that the caller chooses
  // the mean over sequences or over tokens.
  torch::Tensor NegLogLikelihood(const torch::Tensor& emissions, const torch::Tensor& tags,
                                 const torch::Tensor& mask) const;
  // The arg-max allowed path of each sequence, over its real positions only (an empty
  // vector for an empty sequence). Runs without autograd. Ties go to the lower label id as
  // far as torch's max does so; they need exactly equal float sums.
  std::vector<std::vector<int64_t>> Viterbi(const torch::Tensor& emissions,
                                            const torch::Tensor& mask) const;

  int64_t num_labels() const { return constraints_.num_labels; }
  const CrfConstraints& constraints() const { return constraints_; }

  torch::Tensor transitions, start_transitions, end_transitions;

 private:
  // The parameters with forbidden entries set to -inf, on the parameters' device.
  struct Masked {
    torch::Tensor transitions, start, end;
  };
  Masked MaskedScores() const;
  // Checks shapes and dtypes; returns the emissions with padding positions zeroed.
  torch::Tensor CheckAndClean(const torch::Tensor& emissions, const torch::Tensor& mask) const;

  CrfConstraints constraints_;
  // true = forbidden, bool on the CPU; moved to the parameters' device per call (tiny).
  torch::Tensor forbidden_transitions_, forbidden_start_, forbidden_end_;
};
TORCH_MODULE(LinearChainCrf);

}  // namespace bioner::model_internal

#endif  // BIONER_CORE_MODEL_CRF_H_
