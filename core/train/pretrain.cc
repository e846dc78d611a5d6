// The MLM pretraining loop (includes LibTorch; the public header is torch-free).
#include "core/train/pretrain.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>
#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/types.h>

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
Status LoadHead(const std::string& dir, MlmHead& head, bool* loaded) {
  ASSIGN_OR_RETURN(SafetensorsFile file, SafetensorsFile::Open((fs::path(dir) / "model.safetensors").string()));
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

StatusOr<PretrainOutcome> Pretrain(const PretrainConfig& c, const ExcludedIds& excluded, std::ostream* log) {
  RETURN_IF_ERROR(CheckPretrainConfig(c));
  PretrainOutcome outcome;
  RETURN_IF_ERROR(GuardTorch("threads", [&] {
    if (c.num_threads > 0) at::set_num_threads(c.num_threads);
    torch::manual_seed(c.seed);
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(text::BertTokenizer tok, MakeTokenizer(c));
  const text::Vocab& vocab = tok.vocab();
  if (vocab.mask_id() == text::Vocab::kAbsent) return InvalidArgument("the vocabulary has no [MASK] token");

  // --- model and head
  BertConfig config;
  std::string vocab_txt;
  if (!c.model.empty()) {
    ASSIGN_OR_RETURN(model_internal::LoadedModel loaded, model_internal::LoadModelFolder(c.model, c10::Device(c10::kCPU)));
    config = loaded.config;
    vocab_txt = loaded.vocab_txt;
  } else {
    config.vocab_size = vocab.size();
    config.hidden_size = c.hidden_size;
    config.num_hidden_layers = c.num_layers;
    config.num_attention_heads = c.num_heads;
    config.intermediate_size = c.intermediate_size;
    config.max_position_embeddings = c.max_position_embeddings;
    config.pad_token_id = vocab.pad_id();
    ASSIGN_OR_RETURN(vocab_txt, ReadFile(c.vocab));
  }
  config.labels.clear();  // an encoder; a checkpoint's classifier is not pretrained
  config.hidden_dropout_prob = config.attention_probs_dropout_prob = c.dropout;
  RETURN_IF_ERROR(ValidateBertConfig(config, "pretrain"));
  if (c.max_seq_len > config.max_position_embeddings) {
    return InvalidArgument("--max-seq-len " + std::to_string(c.max_seq_len) + " exceeds the model's " +
                           std::to_string(config.max_position_embeddings) + " positions");
  }
  BertNerModel model(nullptr);
  MlmHead head(nullptr);
  bool head_loaded = false;
  RETURN_IF_ERROR(GuardTorch("model", [&]() -> Status {
    model = BertNerModel(config);
    model_internal::InitBertWeights(*model, c.seed);
    if (!c.model.empty()) {
      ASSIGN_OR_RETURN(SafetensorsFile file, SafetensorsFile::Open((fs::path(c.model) / "model.safetensors").string()));
      RETURN_IF_ERROR(model_internal::LoadWeights(file, *model));
    }
    head = MlmHead(config.hidden_size, config.vocab_size, config.layer_norm_eps);
    {
      torch::NoGradGuard no_grad;
      head->dense->weight.normal_(0, config.initializer_range);
      head->dense->bias.zero_();
    }
    if (!c.model.empty()) RETURN_IF_ERROR(LoadHead(c.model, head, &head_loaded));
    return Status::Ok();
  }));
  for (const auto& p : model->parameters()) outcome.parameters += p.numel();
  if (log) {
    *log << "pretrain: " << (c.model.empty() ? "fresh model" : "continuing " + c.model) << ", "
         << outcome.parameters << " encoder parameters, vocab " << config.vocab_size << ", "
         << (head_loaded ? "MLM head from the checkpoint" : "fresh MLM head") << std::endl;
  }

  // --- data
  const auto t_data = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(Data data, LoadData(c, excluded, tok, log));
  outcome.text_stats = data.stats;
  outcome.windows = static_cast<long>(data.train.at.size());
  outcome.eval_windows = static_cast<long>(data.eval.at.size());
  if (data.train.at.empty()) return FailedPrecondition("no training text left after exclusion");
  if (log) {
    *log << "pretrain: " << DescribeTextStats(data.stats, excluded) << "\npretrain: " << data.train.at.size()
         << " training windows (" << data.train.ids.size() << " tokens), " << data.eval.at.size()
         << " held-out windows; tokenized in "
         << std::chrono::duration<double>(std::chrono::steady_clock::now() - t_data).count() << " s" << std::endl;
  }

  // --- optimisation
  torch::OrderedDict<std::string, torch::Tensor> named = model->named_parameters();
  for (const auto& p : head->named_parameters()) named.insert(kHeadPrefix + p.key(), p.value());
  std::vector<torch::Tensor> params = named.values();
  std::unique_ptr<torch::optim::AdamW> opt;
  RETURN_IF_ERROR(GuardTorch("optimizer", [&] {
    opt = MakeAdamW(named, {c.learning_rate, 0.9, 0.999, 1e-6, c.weight_decay});
    return Status::Ok();
  }));
  const int64_t warmup = static_cast<int64_t>(std::llround(c.warmup_ratio * static_cast<double>(c.steps)));
  std::mt19937_64 rng(c.seed);
  std::vector<size_t> order(data.train.at.size());
  size_t cursor = order.size();  // reshuffle on first use
  std::ostringstream log_jsonl;
  double window_loss = 0, window_n = 0;
  long window_tokens = 0, total_tokens = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto t_window = t0;
  EvalResult last_eval;
  RETURN_IF_ERROR(GuardTorch("pretraining", [&]() -> Status {
    model->train();
    head->train();
    for (int64_t step = 0; step < c.steps; ++step) {
      if (cursor + static_cast<size_t>(c.batch_size) > order.size()) {
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
        cursor = 0;
      }
      const size_t to = std::min(order.size(), cursor + static_cast<size_t>(c.batch_size));
      MaskedBatch mb = MakeMasked(data.train, order, cursor, to, vocab, c.mask_probability, rng);
      cursor = to;
      auto [sum, correct] = MlmLoss(model, head, mb);
      const double n = static_cast<double>(mb.targets.size(0));
      (sum / n).backward();
      if (c.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(params, c.max_grad_norm);
      const double lr = c.learning_rate * LinearWarmupDecay(step, warmup, c.steps);
      SetLearningRate(*opt, lr);
      opt->step();
      opt->zero_grad();
      window_loss += sum.item<double>();
      window_n += n;
      window_tokens += mb.tokens;
      total_tokens += mb.tokens;
      outcome.steps_done = step + 1;
      const bool last = step + 1 == c.steps;
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const bool out_of_time = c.max_minutes > 0 && elapsed > c.max_minutes * 60;
      if ((step + 1) % c.log_interval == 0 || last || out_of_time) {
        const auto now = std::chrono::steady_clock::now();
        const double secs = std::chrono::duration<double>(now - t_window).count();
        const double tps = secs > 0 ? window_tokens / secs : 0;
        const bool eval_now = (step + 1) % c.eval_interval == 0 || last || out_of_time;
        if (eval_now && !data.eval.at.empty()) last_eval = Evaluate(model, head, data.eval, c, vocab);
        outcome.final_train_loss = window_loss / std::max(1.0, window_n);
        const std::string line = LogLine(step + 1, outcome.final_train_loss, lr, tps, eval_now ? &last_eval : nullptr);
        log_jsonl << line << "\n";
        if (log) *log << "pretrain: " << line << std::endl;
        window_loss = window_n = 0;
        window_tokens = 0;
        t_window = std::chrono::steady_clock::now();
      }
      if (out_of_time) break;
    }
    return Status::Ok();
  }));
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  outcome.tokens_per_second = outcome.seconds > 0 ? total_tokens / outcome.seconds : 0;
  outcome.tokens = total_tokens;
  outcome.eval_loss = last_eval.loss;
  outcome.eval_accuracy = last_eval.accuracy;

  // --- the checkpoint, published by one rename
  const fs::path out(c.out);
  const std::string tmp = TempDir(out.parent_path().empty() ? "." : out.parent_path().string(),
                                  out.filename().string());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  std::vector<std::pair<std::string, at::Tensor>> extra;
  for (const auto& p : head->named_parameters()) extra.emplace_back(kHeadPrefix + p.key(), p.value());
  RETURN_IF_ERROR(model_internal::SaveModelFolder(*model, vocab_txt, tmp, extra));
  RETURN_IF_ERROR(model_internal::WriteTokenizerConfig(tmp, tok.options().lowercase));
  RETURN_IF_ERROR(WriteFileAtomic((fs::path(tmp) / "pretrain_log.jsonl").string(), log_jsonl.str()));
  nlohmann::json report = {
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
  RETURN_IF_ERROR(WriteFileAtomic((fs::path(tmp) / "pretrain_report.json").string(), report.dump(2) + "\n"));
  RETURN_IF_ERROR(Publish(tmp, c.out, PublishMode::kReplace));
  return outcome;
}

}  // namespace bioner::train
