// The MLM pretraining loop (includes LibTorch; the public header is torch-free).
#include "core/train/pretrain.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <random>
#include <sstream>

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>
#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/types.h>

#include "core/model/model_folder.h"
#include "core/model/model_io.h"
#include "core/model/safetensors.h"
#include "core/text/tokenizer.h"
#include "core/train/optim.h"
#include "core/train/torch_guard.h"
#include "core/train/work_state.h"
#include "core/util/file.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;
using model_internal::BertNerModel;

// transformers' BertOnlyMLMHead without the decoder matrix, which is tied to the word
// embeddings: dense -> GELU -> LayerNorm, then logits = x · Eᵀ + bias. Parameter names
// below "cls.predictions." are Hugging Face's.
class MlmHeadImpl : public torch::nn::Module {
 public:
  MlmHeadImpl(int64_t hidden, int64_t vocab, double eps) {
    auto transform = register_module("transform", std::make_shared<torch::nn::Module>());
    dense = transform->register_module("dense", torch::nn::Linear(hidden, hidden));
    norm = transform->register_module("LayerNorm",
                                      torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(eps)));
    bias = register_parameter("bias", torch::zeros({vocab}));
  }
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& word_embeddings) {
    torch::Tensor x = norm(torch::gelu(dense(hidden)));
    return torch::matmul(x, word_embeddings.t()) + bias;
  }
  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  torch::Tensor bias;
};
TORCH_MODULE(MlmHead);

constexpr char kHeadPrefix[] = "cls.predictions.";

// The token windows of the whole text collection, flat.
struct Windows {
  std::vector<int32_t> ids;                      // all pieces, concatenated
  std::vector<std::pair<int64_t, int32_t>> at;   // (offset into ids, length) per window
};

struct Data {
  Windows train, eval;
  TextStats stats;
};

StatusOr<Data> LoadData(const PretrainConfig& c, const ExcludedIds& excluded, const text::BertTokenizer& tok,
                        std::ostream* log) {
  Data data;
  const int32_t piece = c.max_seq_len - 2;
  long doc_index = 0;
  Status s = ReadTexts(
      c.inputs, excluded,
      [&](const TextRecord& rec) -> Status {
        ASSIGN_OR_RETURN(text::Encoding enc, tok.Encode(rec.text));
        Windows& w = (doc_index++ % c.eval_every_nth_document == 0) ? data.eval : data.train;
        const int32_t n = static_cast<int32_t>(enc.ids.size());
        for (int32_t start = 0; start < n; start += piece) {
          const int32_t len = std::min(piece, n - start);
          if (len < 8 && start > 0) break;  // a short tail adds little but padding
          w.at.emplace_back(static_cast<int64_t>(w.ids.size()), len);
          w.ids.insert(w.ids.end(), enc.ids.begin() + start, enc.ids.begin() + start + len);
        }
        if (log && doc_index % 5000 == 0) *log << "pretrain: tokenized " << doc_index << " documents" << std::endl;
        return Status::Ok();
      },
      &data.stats);
  RETURN_IF_ERROR(s);
  return data;
}

struct MaskedBatch {
  torch::Tensor ids, attention, positions, targets;  // positions: flat indices into [B*L]
  long tokens = 0;
};

// BERT's masking of windows `order[from, to)`: mask_probability of the real tokens are
// chosen (at least one per window); 80% become [MASK], 10% a random non-special token, 10%
// stay.
MaskedBatch MakeMasked(const Windows& w, const std::vector<size_t>& order, size_t from, size_t to,
                       const text::Vocab& vocab, double p, std::mt19937_64& rng) {
  int64_t l = 0;
  for (size_t i = from; i < to; ++i) l = std::max<int64_t>(l, w.at[order[i]].second + 2);
  const int64_t b = static_cast<int64_t>(to - from);
  MaskedBatch out;
  out.ids = torch::full({b, l}, vocab.pad_id(), torch::kLong);
  out.attention = torch::zeros({b, l}, torch::kLong);
  auto ids = out.ids.accessor<int64_t, 2>();
  auto att = out.attention.accessor<int64_t, 2>();
  std::vector<int64_t> positions, targets;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int32_t first_regular = 5;  // [PAD] [UNK] [CLS] [SEP] [MASK] lead bioner's vocabularies
  std::uniform_int_distribution<int32_t> random_token(std::min(first_regular, vocab.size() - 1), vocab.size() - 1);
  for (int64_t r = 0; r < b; ++r) {
    const auto [offset, len] = w.at[order[from + static_cast<size_t>(r)]];
    ids[r][0] = vocab.cls_id();
    ids[r][len + 1] = vocab.sep_id();
    for (int64_t t = 0; t < len + 2; ++t) att[r][t] = 1;
    const size_t before = positions.size();
    for (int32_t t = 0; t < len; ++t) {
      const int32_t id = w.ids[static_cast<size_t>(offset + t)];
      ids[r][t + 1] = id;
      if (u(rng) < p) {
        positions.push_back(r * l + t + 1);
        targets.push_back(id);
      }
    }
    if (positions.size() == before) {  // at least one prediction per window
      const int32_t t = static_cast<int32_t>(rng() % static_cast<uint64_t>(len));
      positions.push_back(r * l + t + 1);
      targets.push_back(w.ids[static_cast<size_t>(offset + t)]);
    }
    for (size_t k = before; k < positions.size(); ++k) {
      const double x = u(rng);
      const int64_t t = positions[k] - r * l;
      if (x < 0.8) {
        ids[r][t] = vocab.mask_id();
      } else if (x < 0.9) {
        ids[r][t] = random_token(rng);
      }
    }
    out.tokens += len + 2;
  }
  out.positions = torch::tensor(positions, torch::kLong);
  out.targets = torch::tensor(targets, torch::kLong);
  return out;
}

// Summed loss and correct predictions of one masked batch.
std::pair<torch::Tensor, torch::Tensor> MlmLoss(BertNerModel& model, MlmHead& head, const MaskedBatch& mb) {
  torch::Tensor hidden = model->Encode(mb.ids, torch::Tensor(), mb.attention);
  const int64_t h = hidden.size(-1);
  torch::Tensor picked = hidden.reshape({-1, h}).index_select(0, mb.positions);
  torch::Tensor logits = head->forward(picked, model->word_embeddings->weight);
  torch::Tensor loss = torch::nn::functional::cross_entropy(
      logits, mb.targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
  torch::Tensor correct = (logits.argmax(-1) == mb.targets).sum();
  return {loss, correct};
}

struct EvalResult {
  double loss = 0, accuracy = 0;
};

EvalResult Evaluate(BertNerModel& model, MlmHead& head, const Windows& eval, const PretrainConfig& c,
                    const text::Vocab& vocab) {
  torch::NoGradGuard no_grad;
  model->eval();
  head->eval();
  std::vector<size_t> order(std::min<size_t>(eval.at.size(), static_cast<size_t>(c.eval_windows)));
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(c.seed + 7);  // the same masks at every evaluation
  double loss = 0, correct = 0, n = 0;
  for (size_t from = 0; from < order.size(); from += static_cast<size_t>(c.batch_size)) {
    MaskedBatch mb = MakeMasked(eval, order, from, std::min(order.size(), from + c.batch_size), vocab,
                                c.mask_probability, rng);
    auto [l, k] = MlmLoss(model, head, mb);
    loss += l.item<double>();
    correct += k.item<double>();
    n += static_cast<double>(mb.targets.size(0));
  }
  model->train();
  head->train();
  return n > 0 ? EvalResult{loss / n, correct / n} : EvalResult{};
}

StatusOr<text::BertTokenizer> MakeTokenizer(const PretrainConfig& c) {
  if (!c.model.empty()) return text::BertTokenizer::FromModelDir(c.model);
  ASSIGN_OR_RETURN(text::Vocab vocab, text::Vocab::Load(c.vocab));
  text::TokenizerOptions o;
  o.lowercase = c.lowercase;
  return text::BertTokenizer::Create(std::move(vocab), o);
}

// Copies cls.predictions.* of a checkpoint into the head, when it has them all.
Status LoadHead(const ModelWeights& file, MlmHead& head, bool* loaded) {
  torch::NoGradGuard no_grad;
  auto params = head->named_parameters();
  for (const auto& p : params) {
    if (!file.Find(kHeadPrefix + p.key())) return Status::Ok();  // a fresh head
  }
  for (auto& p : params) {
    const TensorView* t = file.Find(kHeadPrefix + p.key());
    if (t->shape != p.value().sizes().vec() || t->dtype != DType::kF32) {
      return InvalidArgument(file.path() + ": tensor '" + t->name + "' has shape " + ShapeToString(t->shape) + " " +
                             DTypeName(t->dtype) + ", expected F32 " + ShapeToString(p.value().sizes().vec()));
    }
    torch::Tensor cpu = torch::empty(t->shape, torch::kFloat);
    std::memcpy(cpu.data_ptr(), t->data, t->nbytes);
    p.value().copy_(cpu);
  }
  *loaded = true;
  return Status::Ok();
}

std::string LogLine(int64_t step, double loss, double lr, double tps, const EvalResult* e) {
  nlohmann::json j = {{"step", step}, {"train_loss", loss}, {"learning_rate", lr}, {"tokens_per_second", tps}};
  if (e) {
    j["eval_loss"] = e->loss;
    j["eval_accuracy"] = e->accuracy;
  }
  return j.dump();
}

}  // namespace

Status CheckPretrainConfig(const PretrainConfig& c) {
  if (c.inputs.empty()) return InvalidArgument("--in: at least one input file is required");
  for (const std::string& f : c.inputs) {
    if (!fs::is_regular_file(f)) return NotFound("--in " + f + ": no such file");
  }
  if (c.vocab.empty() == c.model.empty()) return InvalidArgument("give exactly one of --vocab (a fresh model) and --model");
  if (!c.vocab.empty() && !fs::is_regular_file(c.vocab)) return NotFound("--vocab " + c.vocab + ": no such file");
  if (!c.model.empty() && !fs::is_regular_file(fs::path(c.model) / "config.json")) {
    return NotFound("--model " + c.model + ": no config.json");
  }
  if (c.out.empty()) return InvalidArgument("--out is required");
  if (fs::exists(c.out)) return AlreadyExists("--out " + c.out + ": exists; pretraining never overwrites a model");
  auto positive = [](long long v, const char* flag) -> Status {
    return v > 0 ? Status::Ok() : InvalidArgument(std::string(flag) + " must be > 0, got " + std::to_string(v));
  };
  RETURN_IF_ERROR(positive(c.hidden_size, "--hidden-size"));
  RETURN_IF_ERROR(positive(c.num_layers, "--layers"));
  RETURN_IF_ERROR(positive(c.num_heads, "--heads"));
  RETURN_IF_ERROR(positive(c.intermediate_size, "--intermediate-size"));
  RETURN_IF_ERROR(positive(c.batch_size, "--batch-size"));
  RETURN_IF_ERROR(positive(c.steps, "--steps"));
  RETURN_IF_ERROR(positive(c.log_interval, "--log-interval"));
  RETURN_IF_ERROR(positive(c.eval_interval, "--eval-interval"));
  RETURN_IF_ERROR(positive(c.eval_every_nth_document, "--eval-every-nth-document"));
  if (c.hidden_size % c.num_heads != 0) return InvalidArgument("--hidden-size must be a multiple of --heads");
  if (c.max_seq_len < 8 || c.max_seq_len > c.max_position_embeddings) {
    return InvalidArgument("--max-seq-len must be in [8, --max-position-embeddings=" +
                           std::to_string(c.max_position_embeddings) + "], got " + std::to_string(c.max_seq_len));
  }
  if (!(c.mask_probability > 0 && c.mask_probability < 1)) return InvalidArgument("--mask-probability must be in (0, 1)");
  if (!(c.learning_rate > 0)) return InvalidArgument("--learning-rate must be > 0");
  if (!(c.warmup_ratio >= 0 && c.warmup_ratio < 1)) return InvalidArgument("--warmup-ratio must be in [0, 1)");
  if (!(c.dropout >= 0 && c.dropout < 1)) return InvalidArgument("--dropout must be in [0, 1)");
  if (c.max_minutes < 0) return InvalidArgument("--max-minutes must be >= 0");
  return Status::Ok();
}

namespace {

// pretrain_report.json: what was trained on what, and how it went (below PretrainRun).
nlohmann::json PretrainReport(const PretrainConfig& c, const PretrainOutcome& outcome, const Data& data,
                              const ExcludedIds& excluded);

// One Pretrain() call: the state its phases share, and the phases, which Pretrain() below
// calls in order. torch's global RNG is drawn by BuildModel (initial weights) and by the steps
// (dropout), the masks by rng_ alone, so the phases keep the order of the draws.
class PretrainRun {
 public:
  PretrainRun(const PretrainConfig& c, const ExcludedIds& excluded, std::ostream* log)
      : c_(c), excluded_(excluded), log_(log), rng_(c.seed) {}

  // Threads, torch's seed and the tokenizer (its vocabulary must have [MASK]).
  Status Prepare();
  // The encoder and its MLM head: fresh from the config, or c.model's (with its head if it has
  // one); the count of parameters.
  Status BuildModel();
  // The training and held-out windows of the texts.
  Status ReadWindows();
  // AdamW over encoder and head for c.steps steps (fewer past max_minutes): a log line every
  // log_interval steps, the held-out loss and accuracy every eval_interval.
  Status TrainSteps();
  // The checkpoint folder with pretrain_log.jsonl and pretrain_report.json, published by one
  // rename.
  Status PublishCheckpoint();
  const PretrainOutcome& outcome() const { return outcome_; }

 private:
  // The steps since the last log line.
  struct LogWindow {
    double loss = 0, predictions = 0;
    long tokens = 0;
    std::chrono::steady_clock::time_point started;
  };

  // The next batch_size windows of the shuffled order (a new shuffle when too few are left).
  MaskedBatch NextBatch();
  // One optimizer step on `mb` at `lr`.
  void Step(const MaskedBatch& mb, double lr, const std::vector<torch::Tensor>& params);
  // The log line after `steps` steps (with the held-out scores if `evaluate`); a new window.
  void LogProgress(int64_t steps, double lr, bool evaluate);

  const PretrainConfig& c_;
  const ExcludedIds& excluded_;
  std::ostream* log_;
  std::optional<text::BertTokenizer> tok_;
  BertConfig config_;
  std::string vocab_txt_;
  BertNerModel model_{nullptr};
  MlmHead head_{nullptr};
  Data data_;
  std::unique_ptr<torch::optim::AdamW> opt_;
  std::mt19937_64 rng_;        // shuffles and masks
  std::vector<size_t> order_;  // of the training windows
  size_t cursor_ = 0;          // into order_
  LogWindow window_;
  long total_tokens_ = 0;
  EvalResult last_eval_;
  std::ostringstream log_jsonl_;
  PretrainOutcome outcome_;
};

Status PretrainRun::Prepare() {
  RETURN_IF_ERROR(GuardTorch("threads", [&] {
    if (c_.num_threads > 0) at::set_num_threads(c_.num_threads);
    torch::manual_seed(c_.seed);
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(tok_, MakeTokenizer(c_));
  if (tok_->vocab().mask_id() == text::Vocab::kAbsent) return InvalidArgument("the vocabulary has no [MASK] token");
  return Status::Ok();
}

Status PretrainRun::BuildModel() {
  const text::Vocab& vocab = tok_->vocab();
  if (!c_.model.empty()) {
    ASSIGN_OR_RETURN(config_, ReadModelFolderConfig(c_.model));
    const std::string vocab_path = (fs::path(c_.model) / kVocabFile).string();
    std::error_code ec;
    if (fs::exists(vocab_path, ec)) {
      ASSIGN_OR_RETURN(vocab_txt_, ReadFile(vocab_path));
    }
  } else {
    config_.vocab_size = vocab.size();
    config_.hidden_size = c_.hidden_size;
    config_.num_hidden_layers = c_.num_layers;
    config_.num_attention_heads = c_.num_heads;
    config_.intermediate_size = c_.intermediate_size;
    config_.max_position_embeddings = c_.max_position_embeddings;
    config_.pad_token_id = vocab.pad_id();
    ASSIGN_OR_RETURN(vocab_txt_, ReadFile(c_.vocab));
  }
  config_.labels.clear();  // an encoder; a checkpoint's classifier is not pretrained
  config_.hidden_dropout_prob = config_.attention_probs_dropout_prob = c_.dropout;
  RETURN_IF_ERROR(ValidateBertConfig(config_, "pretrain"));
  if (c_.max_seq_len > config_.max_position_embeddings) {
    return InvalidArgument("--max-seq-len " + std::to_string(c_.max_seq_len) + " exceeds the model's " +
                           std::to_string(config_.max_position_embeddings) + " positions");
  }
  bool head_loaded = false;
  // Any of transformers' weight layouts: safetensors, pytorch_model.bin, sharded.
  std::optional<ModelWeights> weights;
  if (!c_.model.empty()) {
    ASSIGN_OR_RETURN(weights, ModelWeights::Open(c_.model));
    RETURN_IF_ERROR(model_internal::CheckConfigFitsWeights(config_, weights->tensors(), c_.model));
  }
  RETURN_IF_ERROR(GuardTorch("model", [&]() -> Status {
    model_ = BertNerModel(config_);
    model_internal::InitBertWeights(*model_, c_.seed);
    if (weights) {
      RETURN_IF_ERROR(model_internal::LoadWeights(weights->path(), weights->tensors(), *model_));
    }
    head_ = MlmHead(config_.hidden_size, config_.vocab_size, config_.layer_norm_eps);
    {
      torch::NoGradGuard no_grad;
      head_->dense->weight.normal_(0, config_.initializer_range);
      head_->dense->bias.zero_();
    }
    if (weights) RETURN_IF_ERROR(LoadHead(*weights, head_, &head_loaded));
    return Status::Ok();
  }));
  for (const auto& p : model_->parameters()) outcome_.parameters += p.numel();
  if (log_) {
    *log_ << "pretrain: " << (c_.model.empty() ? "fresh model" : "continuing " + c_.model) << ", "
          << outcome_.parameters << " encoder parameters, vocab " << config_.vocab_size << ", "
          << (head_loaded ? "MLM head from the checkpoint" : "fresh MLM head") << std::endl;
  }
  return Status::Ok();
}

Status PretrainRun::ReadWindows() {
  const auto t_data = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(data_, LoadData(c_, excluded_, *tok_, log_));
  outcome_.text_stats = data_.stats;
  outcome_.windows = static_cast<long>(data_.train.at.size());
  outcome_.eval_windows = static_cast<long>(data_.eval.at.size());
  if (data_.train.at.empty()) return FailedPrecondition("no training text left after exclusion");
  if (log_) {
    *log_ << "pretrain: " << DescribeTextStats(data_.stats, excluded_) << "\npretrain: " << data_.train.at.size()
          << " training windows (" << data_.train.ids.size() << " tokens), " << data_.eval.at.size()
          << " held-out windows; tokenized in "
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - t_data).count() << " s" << std::endl;
  }
  return Status::Ok();
}

Status PretrainRun::TrainSteps() {
  torch::OrderedDict<std::string, torch::Tensor> named = model_->named_parameters();
  for (const auto& p : head_->named_parameters()) named.insert(kHeadPrefix + p.key(), p.value());
  const std::vector<torch::Tensor> params = named.values();
  RETURN_IF_ERROR(GuardTorch("optimizer", [&] {
    opt_ = MakeAdamW(named, {c_.learning_rate, 0.9, 0.999, 1e-6, c_.weight_decay});
    return Status::Ok();
  }));
  const int64_t warmup = static_cast<int64_t>(std::llround(c_.warmup_ratio * static_cast<double>(c_.steps)));
  order_.resize(data_.train.at.size());
  cursor_ = order_.size();  // reshuffle on first use
  const auto t0 = std::chrono::steady_clock::now();
  window_.started = t0;
  RETURN_IF_ERROR(GuardTorch("pretraining", [&]() -> Status {
    model_->train();
    head_->train();
    for (int64_t step = 0; step < c_.steps; ++step) {
      const MaskedBatch mb = NextBatch();
      const double lr = c_.learning_rate * LinearWarmupDecay(step, warmup, c_.steps);
      Step(mb, lr, params);
      outcome_.steps_done = step + 1;
      const bool last = step + 1 == c_.steps;
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const bool out_of_time = c_.max_minutes > 0 && elapsed > c_.max_minutes * 60;
      if ((step + 1) % c_.log_interval == 0 || last || out_of_time) {
        LogProgress(step + 1, lr, (step + 1) % c_.eval_interval == 0 || last || out_of_time);
      }
      if (out_of_time) break;
    }
    return Status::Ok();
  }));
  outcome_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  outcome_.tokens_per_second = outcome_.seconds > 0 ? total_tokens_ / outcome_.seconds : 0;
  outcome_.tokens = total_tokens_;
  outcome_.eval_loss = last_eval_.loss;
  outcome_.eval_accuracy = last_eval_.accuracy;
  return Status::Ok();
}

MaskedBatch PretrainRun::NextBatch() {
  if (cursor_ + static_cast<size_t>(c_.batch_size) > order_.size()) {
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng_() % i]);
    cursor_ = 0;
  }
  const size_t to = std::min(order_.size(), cursor_ + static_cast<size_t>(c_.batch_size));
  MaskedBatch mb = MakeMasked(data_.train, order_, cursor_, to, tok_->vocab(), c_.mask_probability, rng_);
  cursor_ = to;
  return mb;
}

void PretrainRun::Step(const MaskedBatch& mb, double lr, const std::vector<torch::Tensor>& params) {
  auto [sum, correct] = MlmLoss(model_, head_, mb);
  const double n = static_cast<double>(mb.targets.size(0));
  (sum / n).backward();
  if (c_.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(params, c_.max_grad_norm);
  SetLearningRate(*opt_, lr);
  opt_->step();
  opt_->zero_grad();
  window_.loss += sum.item<double>();
  window_.predictions += n;
  window_.tokens += mb.tokens;
  total_tokens_ += mb.tokens;
}

void PretrainRun::LogProgress(int64_t steps, double lr, bool evaluate) {
  const auto now = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(now - window_.started).count();
  const double tps = secs > 0 ? window_.tokens / secs : 0;
  if (evaluate && !data_.eval.at.empty()) last_eval_ = Evaluate(model_, head_, data_.eval, c_, tok_->vocab());
  outcome_.final_train_loss = window_.loss / std::max(1.0, window_.predictions);
  const std::string line = LogLine(steps, outcome_.final_train_loss, lr, tps, evaluate ? &last_eval_ : nullptr);
  log_jsonl_ << line << "\n";
  if (log_) *log_ << "pretrain: " << line << std::endl;
  window_ = LogWindow();
  window_.started = std::chrono::steady_clock::now();
}

Status PretrainRun::PublishCheckpoint() {
  const fs::path out(c_.out);
  const std::string tmp = TempDir(out.parent_path().empty() ? "." : out.parent_path().string(),
                                  out.filename().string());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  std::vector<std::pair<std::string, at::Tensor>> extra;
  for (const auto& p : head_->named_parameters()) extra.emplace_back(kHeadPrefix + p.key(), p.value());
  RETURN_IF_ERROR(model_internal::SaveModelFolder(*model_, vocab_txt_, tmp, extra));
  RETURN_IF_ERROR(model_internal::WriteTokenizerConfig(tmp, tok_->options().lowercase));
  RETURN_IF_ERROR(WriteFileAtomic((fs::path(tmp) / "pretrain_log.jsonl").string(), log_jsonl_.str()));
  const nlohmann::json report = PretrainReport(c_, outcome_, data_, excluded_);
  RETURN_IF_ERROR(WriteFileAtomic((fs::path(tmp) / "pretrain_report.json").string(), report.dump(2) + "\n"));
  return Publish(tmp, c_.out, PublishMode::kReplace);
}

nlohmann::json PretrainReport(const PretrainConfig& c, const PretrainOutcome& outcome, const Data& data,
                              const ExcludedIds& excluded) {
  return {
      {"steps", outcome.steps_done},
      {"steps_planned", c.steps},
      {"batch_size", c.batch_size},
      {"max_seq_len", c.max_seq_len},
      {"learning_rate", c.learning_rate},
      {"mask_probability", c.mask_probability},
      {"seed", c.seed},
      {"parameters", outcome.parameters},
      {"training_windows", outcome.windows},
      {"training_tokens_available", static_cast<long>(data.train.ids.size())},
      {"tokens_seen", outcome.tokens},
      {"eval_windows", outcome.eval_windows},
      {"eval_loss", outcome.eval_loss},
      {"eval_accuracy", outcome.eval_accuracy},
      {"seconds", outcome.seconds},
      {"tokens_per_second", outcome.tokens_per_second},
      {"inputs", c.inputs},
      {"documents_read", data.stats.documents_read},
      {"documents_kept", data.stats.documents_kept},
      {"documents_removed_by_id", data.stats.documents_excluded},
      {"exclusion_ids", excluded.ids_read},
      {"exclusion_ids_unmatchable", excluded.ids_unmatchable},
      {"exclusion_sources", excluded.sources},
      {"from_model", c.model},
  };
}

}  // namespace

StatusOr<PretrainOutcome> Pretrain(const PretrainConfig& c, const ExcludedIds& excluded, std::ostream* log) {
  RETURN_IF_ERROR(CheckPretrainConfig(c));
  PretrainRun run(c, excluded, log);
  RETURN_IF_ERROR(run.Prepare());
  RETURN_IF_ERROR(run.BuildModel());
  RETURN_IF_ERROR(run.ReadWindows());
  RETURN_IF_ERROR(run.TrainSteps());
  RETURN_IF_ERROR(run.PublishCheckpoint());
  return run.outcome();
}

}  // namespace bioner::train
