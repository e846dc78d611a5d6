#include "core/model/crf.h"

#include <limits>
#include <string>
#include <utility>

#include <torch/torch.h>

namespace bioner::model_internal {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// B-X and I-X open a span that must go on (BIOES) or may go on (BIO) with I-X.
bool Opens(const Label& l) { return l.prefix == 'B' || l.prefix == 'I'; }

bool MayStart(const Label& to, LabelScheme scheme) {
  if (scheme == LabelScheme::kBIO) return to.prefix != 'I';
  return to.prefix == 'O' || to.prefix == 'B' || to.prefix == 'S';
}

bool MayFollow(const Label& from, const Label& to, LabelScheme scheme) {
  if (scheme == LabelScheme::kBIO) {
    return to.prefix != 'I' || (Opens(from) && from.type == to.type);
  }
  if (Opens(from)) return (to.prefix == 'I' || to.prefix == 'E') && to.type == from.type;
  return MayStart(to, scheme);  // after O, E-X, S-X: as at the start
}

bool MayEnd(const Label& from, LabelScheme scheme) {
  return scheme == LabelScheme::kBIO || !Opens(from);
}

// A bool tensor, true where `allowed` is false.
torch::Tensor Forbidden(const std::vector<bool>& allowed) {
  auto t = torch::zeros({static_cast<int64_t>(allowed.size())}, torch::kBool);
  auto a = t.accessor<bool, 1>();
  for (size_t i = 0; i < allowed.size(); ++i) a[i] = !allowed[i];
  return t;
}

}  // namespace

CrfConstraints CrfConstraints::None(int64_t num_labels) {
  CrfConstraints c;
  c.num_labels = num_labels;
  c.transition.assign(num_labels, std::vector<bool>(num_labels, true));
  c.start.assign(num_labels, true);
  c.end.assign(num_labels, true);
  return c;
}

CrfConstraints CrfConstraints::ForLabels(const LabelSet& labels) {
  const int n = labels.size();
  CrfConstraints c = None(n);
  for (int j = 0; j < n; ++j) {
    c.start[j] = MayStart(labels.at(j), labels.scheme());
    c.end[j] = MayEnd(labels.at(j), labels.scheme());
    for (int i = 0; i < n; ++i) {
      c.transition[i][j] = MayFollow(labels.at(i), labels.at(j), labels.scheme());
    }
  }
  return c;
}

Status CrfConstraints::Validate() const {
  const auto n = static_cast<size_t>(num_labels);
  if (num_labels < 1) return InvalidArgument("a CRF needs at least one label");
  if (start.size() != n || end.size() != n || transition.size() != n) {
    return InvalidArgument("CRF constraints: start, end and transition need " + std::to_string(n) +
                           " entries");
  }
  for (const auto& row : transition) {
    if (row.size() != n) return InvalidArgument("CRF constraints: transition is not square");
  }
  bool some_single = false;
  for (size_t j = 0; j < n; ++j) {
    some_single |= start[j] && end[j];
    bool reachable = false;
    for (size_t i = 0; i < n && !reachable; ++i) reachable = start[i] && transition[i][j];
    if (!reachable) {
      return InvalidArgument("CRF constraints: label " + std::to_string(j) +
                             " cannot follow any label that may start a path");
    }
  }
  if (!some_single) return InvalidArgument("CRF constraints: no label may both start and end");
  return Status();
}

bool CrfConstraints::Allows(const std::vector<int64_t>& path) const {
  for (int64_t id : path) {
    if (id < 0 || id >= num_labels) return false;
  }
  if (path.empty()) return true;
  if (!start[path.front()] || !end[path.back()]) return false;
  for (size_t t = 1; t < path.size(); ++t) {
    if (!transition[path[t - 1]][path[t]]) return false;
  }
  return true;
}

LinearChainCrfImpl::LinearChainCrfImpl(const LabelSet& labels)
    : LinearChainCrfImpl(CrfConstraints::ForLabels(labels)) {}

LinearChainCrfImpl::LinearChainCrfImpl(int64_t num_labels)
    : LinearChainCrfImpl(CrfConstraints::None(num_labels)) {}

LinearChainCrfImpl::LinearChainCrfImpl(CrfConstraints constraints)
    : constraints_(std::move(constraints)) {
  const Status valid = constraints_.Validate();
  TORCH_CHECK(valid.ok(), "LinearChainCrf: ", valid.message());
  const int64_t n = constraints_.num_labels;
  transitions = register_parameter("transitions", torch::zeros({n, n}));
  start_transitions = register_parameter("start_transitions", torch::zeros({n}));
  end_transitions = register_parameter("end_transitions", torch::zeros({n}));
  std::vector<bool> flat;
  for (const auto& row : constraints_.transition) flat.insert(flat.end(), row.begin(), row.end());
  forbidden_transitions_ = Forbidden(flat).view({n, n});
  forbidden_start_ = Forbidden(constraints_.start);
  forbidden_end_ = Forbidden(constraints_.end);
}

LinearChainCrfImpl::Masked LinearChainCrfImpl::MaskedScores() const {
  // masked_fill (not adding a -inf tensor to the parameter) keeps the parameter's gradient
  // at forbidden entries exactly 0 rather than 0 * something.
  const torch::Device device = transitions.device();
  return {transitions.masked_fill(forbidden_transitions_.to(device), kNegInf),
          start_transitions.masked_fill(forbidden_start_.to(device), kNegInf),
          end_transitions.masked_fill(forbidden_end_.to(device), kNegInf)};
}

torch::Tensor LinearChainCrfImpl::CheckAndClean(const torch::Tensor& emissions,
                                                const torch::Tensor& mask) const {
  TORCH_CHECK(emissions.dim() == 3 && emissions.size(2) == num_labels(),
              "LinearChainCrf: emissions must be [B, T, ", num_labels(), "], got ",
              emissions.sizes());
  TORCH_CHECK(emissions.scalar_type() == transitions.scalar_type(),
              "LinearChainCrf: emissions are ", emissions.scalar_type(), ", parameters ",
              transitions.scalar_type());
  TORCH_CHECK(emissions.device() == transitions.device() && mask.device() == transitions.device(),
              "LinearChainCrf: emissions and mask must be on ", transitions.device());
  TORCH_CHECK(mask.scalar_type() == torch::kBool && mask.dim() == 2 &&
                  mask.size(0) == emissions.size(0) && mask.size(1) == emissions.size(1),
              "LinearChainCrf: mask must be bool [B, T] = ", emissions.sizes().slice(0, 2),
              ", got ", mask.scalar_type(), " ", mask.sizes());
  const int64_t t = mask.size(1);
  if (t > 1) {
    // A true after a false would be a gap; the recursions below would skip it silently.
    // (One device sync per call; negligible beside the network that made the emissions.)
    const bool gap = (mask.slice(1, 1, t) & ~mask.slice(1, 0, t - 1)).any().item<bool>();
    TORCH_CHECK(!gap, "LinearChainCrf: mask rows must be true then false (left-aligned)");
  }
  // Zeroing (not multiplying: NaN * 0 is NaN) keeps whatever the network put at padding out
  // of both the values and, through masked_fill's backward, the gradients.
  return emissions.masked_fill(~mask.unsqueeze(2), 0);
}

torch::Tensor LinearChainCrfImpl::LogPartition(const torch::Tensor& emissions,
                                               const torch::Tensor& mask) const {
  const torch::Tensor e = CheckAndClean(emissions, mask);
  const int64_t steps = e.size(1);
  if (steps == 0) return torch::zeros({e.size(0)}, e.options());
  const Masked m = MaskedScores();
  const torch::Tensor trans = m.transitions.unsqueeze(0);  // [1, from, to]
  // alpha[b][j]: log of the summed exp-scores of all allowed prefixes ending in label j.
  torch::Tensor alpha = m.start.unsqueeze(0) + e.select(1, 0);
  for (int64_t t = 1; t < steps; ++t) {
    torch::Tensor next = torch::logsumexp(alpha.unsqueeze(2) + trans, 1) + e.select(1, t);
    // Past a sequence's end alpha stays as it was, so end scores are added once, below.
    alpha = torch::where(mask.select(1, t).unsqueeze(1), next, alpha);
  }
  torch::Tensor log_z = torch::logsumexp(alpha + m.end.unsqueeze(0), 1);
  return log_z.masked_fill(~mask.select(1, 0), 0);  // an empty sequence: one path, score 0
}

torch::Tensor LinearChainCrfImpl::Score(const torch::Tensor& emissions, const torch::Tensor& tags,
                                        const torch::Tensor& mask) const {
  const torch::Tensor e = CheckAndClean(emissions, mask);
  TORCH_CHECK(tags.scalar_type() == torch::kLong && tags.sizes() == mask.sizes() &&
                  tags.device() == mask.device(),
              "LinearChainCrf: tags must be int64 ", mask.sizes(), " on the mask's device");
  const int64_t steps = e.size(1);
  if (steps == 0) return torch::zeros({e.size(0)}, e.options());
  // Padding tags may be anything (-100 is common); label 0 stands in so indexing is valid.
  const torch::Tensor safe = tags.masked_fill(~mask, 0);
  TORCH_CHECK(((safe >= 0) & (safe < num_labels())).all().item<bool>(),
              "LinearChainCrf: a tag at a real position is outside [0, ", num_labels(), ")");
  const Masked m = MaskedScores();
  torch::Tensor score = e.gather(2, safe.unsqueeze(2)).squeeze(2).sum(1);  // padding adds 0
  score = score + m.start.index_select(0, safe.select(1, 0));
  if (steps > 1) {
    const torch::Tensor pairs =
        m.transitions.index({safe.slice(1, 0, steps - 1), safe.slice(1, 1, steps)});
    // masked_fill, not where-multiply: a padding pair may be a forbidden (-inf) one.
    score = score + pairs.masked_fill(~mask.slice(1, 1, steps), 0).sum(1);
  }
  const torch::Tensor last_pos = (mask.sum(1) - 1).clamp_min(0).unsqueeze(1);
  score = score + m.end.index_select(0, safe.gather(1, last_pos).squeeze(1));
  return score.masked_fill(~mask.select(1, 0), 0);
}

torch::Tensor LinearChainCrfImpl::NegLogLikelihood(const torch::Tensor& emissions,
                                                   const torch::Tensor& tags,
                                                   const torch::Tensor& mask) const {
  return LogPartition(emissions, mask) - Score(emissions, tags, mask);
}

std::vector<std::vector<int64_t>> LinearChainCrfImpl::Viterbi(const torch::Tensor& emissions,
                                                              const torch::Tensor& mask) const {
  torch::NoGradGuard no_grad;
  const torch::Tensor e = CheckAndClean(emissions, mask);
  const int64_t batch = e.size(0), steps = e.size(1);
  std::vector<std::vector<int64_t>> paths(batch);
  if (steps == 0) return paths;
  const Masked m = MaskedScores();
  const torch::Tensor trans = m.transitions.unsqueeze(0);
  // The same recursion as LogPartition with max for logsumexp. -inf entries never win a max
  // while a finite candidate exists, and CrfConstraints::Validate guarantees one does.
  torch::Tensor score = m.start.unsqueeze(0) + e.select(1, 0);
  std::vector<torch::Tensor> back;  // back[t-1][b][j]: best label at t-1 before j at t
  back.reserve(steps - 1);
  for (int64_t t = 1; t < steps; ++t) {
    auto [best, arg] = torch::max(score.unsqueeze(2) + trans, 1);
    score = torch::where(mask.select(1, t).unsqueeze(1), best + e.select(1, t), score);
    back.push_back(arg);
  }
  // One transfer of everything the backtrace needs, then plain loops on the CPU.
  const torch::Tensor last = (score + m.end.unsqueeze(0)).argmax(1).cpu();
  const torch::Tensor lengths = mask.sum(1).cpu();
  const torch::Tensor pointers =
      steps > 1 ? torch::stack(back).cpu() : torch::zeros({0, batch, num_labels()}, torch::kLong);
  const auto last_a = last.accessor<int64_t, 1>();
  const auto len_a = lengths.accessor<int64_t, 1>();
  const auto ptr_a = pointers.accessor<int64_t, 3>();
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t n = len_a[b];
    if (n == 0) continue;
    std::vector<int64_t>& path = paths[b];
    path.resize(n);
    path[n - 1] = last_a[b];
    for (int64_t t = n - 1; t >= 1; --t) path[t - 1] = ptr_a[t - 1][b][path[t]];
  }
  return paths;
}

}  // namespace bioner::model_internal
