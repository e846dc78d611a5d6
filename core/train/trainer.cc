// The training loop (includes LibTorch; the public header is torch-free).
#include "core/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
#include <torch/types.h>
#include <torch/nn/module.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adamw.h>
#include <torch/serialize.h>

#include "core/decode/tagger.h"
#include "core/eval/evaluate.h"
#include "core/train/data.h"
#include "core/train/examples.h"
#include "core/train/metrics.h"
#include "core/train/network.h"
#include "core/train/optim.h"
#include "core/train/torch_guard.h"
#include "core/train/train_log.h"
#include "core/train/work_state.h"
#include "core/util/file.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;

void Log(const TrainOptions& o, const std::string& line) {
  if (o.log) *o.log << line << std::endl;
}

// Loss over examples in eval mode, batched by length; `corpus_of[i]` names example i's corpus.
StatusOr<std::pair<LossSum, std::map<std::string, LossSum>>> EvalLoss(TaggerNetwork& net,
                                                                     const std::vector<Example>& examples,
                                                                     const std::vector<std::string>& corpus_of,
                                                                     const TrainConfig& config,
                                                                     const c10::Device& device) {
  LossSum total;
  std::map<std::string, LossSum> per_corpus;
  Status s = GuardTorch("dev/test loss", [&] {
    torch::NoGradGuard no_grad;
    net.module().eval();
    // One example per forward keeps per-corpus attribution trivial; eval sets are small
    // compared to training, and the tagger's evaluation pass dominates anyway.
    std::vector<size_t> order(examples.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    const size_t batch = static_cast<size_t>(std::max(1, config.batch_size));
    for (size_t start = 0; start < order.size(); start += batch) {
      std::vector<const Example*> part;
      for (size_t i = start; i < std::min(order.size(), start + batch); ++i) part.push_back(&examples[order[i]]);
      TensorBatch tb = MakeBatch(part, device);
      // Per-row loss, so each row can be attributed to its corpus.
      torch::Tensor rows = net.RowLosses(tb);
      torch::Tensor counts = (tb.labels != kIgnoreLabel).sum(1).to(torch::kCPU);
      for (size_t i = 0; i < part.size(); ++i) {
        LossSum l{rows[i].item<double>(), counts[i].item<int64_t>()};
        total += l;
        per_corpus[corpus_of[start + i]] += l;
      }
    }
    return Status::Ok();
  });
  RETURN_IF_ERROR(s);
  return std::make_pair(total, per_corpus);
}

// The in-training network behind the tagger's WindowModel seam, for dev/test evaluation.
class NetworkWindowModel final : public WindowModel {
 public:
  NetworkWindowModel(TaggerNetwork* net, int max_seq_len, c10::Device device)
      : net_(net), max_seq_len_(max_seq_len), device_(device) {}
  const LabelSet& labels() const override { return net_->labels(); }
  int max_seq_len() const override { return max_seq_len_; }
  StatusOr<std::vector<std::vector<float>>> Run(const std::vector<std::vector<int32_t>>& inputs) override {
    std::vector<std::vector<float>> out(inputs.size());
    RETURN_IF_ERROR(GuardTorch("evaluation forward", [&] {
      torch::NoGradGuard no_grad;
      net_->module().eval();
      std::vector<Example> ex(inputs.size());
      std::vector<const Example*> ptrs;
      for (size_t i = 0; i < inputs.size(); ++i) {
        ex[i].input_ids = inputs[i];
        ex[i].labels.assign(inputs[i].size(), kIgnoreLabel);
        ptrs.push_back(&ex[i]);
      }
      torch::Tensor scores = net_->Scores(MakeBatch(ptrs, device_));
      const int64_t l = scores.size(1), k = scores.size(2);
      const float* base = scores.data_ptr<float>();
      for (size_t i = 0; i < inputs.size(); ++i) {
        const float* row = base + static_cast<int64_t>(i) * l * k;
        out[i].assign(row, row + static_cast<int64_t>(inputs[i].size()) * k);
      }
      return Status::Ok();
    }));
    return out;
  }

 private:
  TaggerNetwork* net_;  // not owned; outlives the evaluation
  int max_seq_len_;
  c10::Device device_;
};

// Examples of one split, with the corpus of each example.
struct SplitExamples {
  std::vector<Example> examples;
  std::vector<std::string> corpus_of;
};

StatusOr<SplitExamples> BuildSplit(const std::vector<Document>& docs, const text::TextEncoder& tok,
                                   const LabelSet& labels, const TrainConfig& c, ExampleStats* stats) {
  SplitExamples out;
  for (const Document& d : docs) {
    ASSIGN_OR_RETURN(std::vector<Example> ex, BuildExamples({d}, tok, labels, c.entity_type, c.max_seq_len, stats));
    for (auto& e : ex) {
      out.examples.push_back(std::move(e));
      out.corpus_of.push_back(d.corpus());
    }
  }
  return out;
}

// Tags `gold` (copies without entities) with the network, scores them, and adds the loss.
StatusOr<SplitMetrics> EvaluateSplit(TaggerNetwork& net, const std::vector<Document>& gold,
                                     const SplitExamples& ex, const TrainConfig& c, const c10::Device& device) {
  SplitMetrics m;
  std::vector<Document> pred = gold;
  for (Document& d : pred) d.ClearEntities();
  TaggingModel tm{net.encoder(), std::make_shared<NetworkWindowModel>(&net, c.max_seq_len, device), "train"};
  TagOptions to;
  to.max_batch_tokens = c.eval_batch_tokens;
  RETURN_IF_ERROR(TagDocuments({tm}, to, &pred));
  ASSIGN_OR_RETURN(m.eval, Evaluate(gold, pred));
  ASSIGN_OR_RETURN(auto loss, EvalLoss(net, ex.examples, ex.corpus_of, c, device));
  m.loss = loss.first;
  m.corpus_loss = loss.second;
  return m;
}

std::unique_ptr<torch::optim::AdamW> MakeOptimizer(TaggerNetwork& net, const TrainConfig& c) {
  return MakeAdamW(net.module().named_parameters(),
                   {c.learning_rate, c.adam_beta1, c.adam_beta2, c.adam_epsilon, c.weight_decay});
}

Status SaveEpochState(const TrainConfig& c, const WorkState& state, TaggerNetwork& net, torch::optim::AdamW& opt) {
  const std::string tmp = TempDir(c.work_dir, "epoch-" + std::to_string(state.epoch));
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return Unavailable(tmp + ": cannot create: " + ec.message());
  RETURN_IF_ERROR(GuardTorch(tmp, [&] {
    torch::serialize::OutputArchive archive;
    net.module().save(archive);
    archive.save_to((fs::path(tmp) / "model.pt").string());
    torch::save(opt, (fs::path(tmp) / "optimizer.pt").string());
    torch::Tensor rng;
    {
      auto gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(gen.mutex());
      rng = gen.get_state();
    }
    torch::save(rng, (fs::path(tmp) / "rng.pt").string());
    return Status::Ok();
  }));
  RETURN_IF_ERROR(WriteFileAtomic((fs::path(tmp) / "state.json").string(), WorkStateToJson(state)));
  RETURN_IF_ERROR(Publish(tmp, EpochDir(c.work_dir, state.epoch), PublishMode::kReplace));
  RETURN_IF_ERROR(CommitEpoch(c.work_dir, state.epoch));
  return Prune(c.work_dir, state.epoch, state.best_epoch);
}

StatusOr<WorkState> LoadEpochState(const TrainConfig& c, int epoch, TaggerNetwork& net, torch::optim::AdamW& opt) {
  const std::string dir = EpochDir(c.work_dir, epoch);
  ASSIGN_OR_RETURN(std::string text, ReadFile((fs::path(dir) / "state.json").string()));
  ASSIGN_OR_RETURN(WorkState state, ParseWorkState(text, dir + "/state.json"));
  if (state.config_json != TrainConfigToJson(c)) {
    return FailedPrecondition(c.work_dir + " holds the state of a run with a different config; remove it or set "
                              "another work_dir");
  }
  RETURN_IF_ERROR(GuardTorch(dir, [&] {
    torch::serialize::InputArchive archive;
    archive.load_from((fs::path(dir) / "model.pt").string());
    net.module().load(archive);
    torch::load(opt, (fs::path(dir) / "optimizer.pt").string());
    torch::Tensor rng;
    torch::load(rng, (fs::path(dir) / "rng.pt").string());
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(rng);
    return Status::Ok();
  }));
  return state;
}

}  // namespace

StatusOr<TrainOutcome> Train(const TrainConfig& c, const TrainOptions& options) {
  TrainOutcome outcome;
  c10::Device device(c10::kCPU);
  RETURN_IF_ERROR(GuardTorch("device", [&] {
    device = c10::Device(c.device);
    if (device.is_cuda() && !torch::cuda::is_available()) {
      return FailedPrecondition("device '" + c.device + "' requested but CUDA is not available");
    }
    if (c.num_threads > 0) at::set_num_threads(c.num_threads);
    if (c.mixed_precision) at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    return Status::Ok();
  }));
  // --- data, network (with its tokenization and labels)
  ASSIGN_OR_RETURN(TrainData data, LoadTrainData(c));
  if (data.train.empty()) return FailedPrecondition("no training documents of type '" + c.entity_type + "'");
  if (data.dev.empty()) return FailedPrecondition("no dev documents of type '" + c.entity_type + "' (model selection)");
  ASSIGN_OR_RETURN(std::unique_ptr<TaggerNetwork> net, BuildNetwork(c, data.train, device));
  const LabelSet& labels = net->labels();
  const text::TextEncoder& tok = *net->encoder();
  ExampleStats stats;
  ASSIGN_OR_RETURN(SplitExamples train, BuildSplit(data.train, tok, labels, c, &stats));
  ASSIGN_OR_RETURN(SplitExamples dev, BuildSplit(data.dev, tok, labels, c, nullptr));
  ASSIGN_OR_RETURN(SplitExamples test, BuildSplit(data.test, tok, labels, c, nullptr));
  Log(options, "train: " + std::to_string(data.train.size()) + " documents, " + std::to_string(stats.windows) +
                   " windows, " + std::to_string(stats.entities) + " entities (" + std::to_string(stats.widened) +
                   " widened to words, " + std::to_string(stats.dropped_crossing + stats.dropped_overlapping) +
                   " dropped); dev " + std::to_string(data.dev.size()) + ", test " + std::to_string(data.test.size()) +
                   " documents");

  // --- optimizer, resumable state
  std::unique_ptr<torch::optim::AdamW> opt;
  RETURN_IF_ERROR(GuardTorch("optimizer", [&] {
    opt = MakeOptimizer(*net, c);
    torch::manual_seed(c.seed);
    return Status::Ok();
  }));
  std::error_code ec;
  fs::create_directories(c.work_dir, ec);
  if (ec) return Unavailable(c.work_dir + ": cannot create work folder: " + ec.message());
  WorkState state;
  state.config_json = TrainConfigToJson(c);
  ASSIGN_OR_RETURN(std::optional<int> latest, ReadLatest(c.work_dir));
  if (latest) {
    ASSIGN_OR_RETURN(state, LoadEpochState(c, *latest, *net, *opt));
    outcome.resumed_from_epoch = state.epoch;
    Log(options, "resuming after epoch " + std::to_string(state.epoch) + " from " + c.work_dir);
  }
  RETURN_IF_ERROR(Prune(c.work_dir, state.epoch, state.best_epoch));

  const int64_t n = static_cast<int64_t>(train.examples.size());
  const int64_t micro_batches = (n + c.batch_size - 1) / c.batch_size;
  const int64_t steps_per_epoch = (micro_batches + c.gradient_accumulation - 1) / c.gradient_accumulation;
  const int64_t total_steps = steps_per_epoch * c.epochs;
  const int64_t warmup = static_cast<int64_t>(std::llround(c.warmup_ratio * static_cast<double>(total_steps)));
  std::vector<torch::Tensor> params = net->module().parameters();
  const auto report = [&](TrainProgress p) {
    if (!options.progress) return;
    p.epochs = c.epochs;
    p.step = state.step;
    p.total_steps = total_steps;
    options.progress(p);
  };
  TrainProgress start;
  start.epoch = state.epoch;
  report(start);

  for (int epoch = state.epoch + 1; epoch <= c.epochs; ++epoch) {
    // The order of epoch e depends only on (seed, e): a resumed run sees the same batches.
    std::vector<size_t> order(static_cast<size_t>(n));
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937_64 rng(c.seed * 1000003ULL + static_cast<uint64_t>(epoch));
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);

    EpochRecord rec;
    rec.epoch = epoch;
    LossSum train_loss;
    long tokens = 0;
    const auto t0 = std::chrono::steady_clock::now();
    RETURN_IF_ERROR(GuardTorch("training epoch " + std::to_string(epoch), [&] {
      net->module().train();
      opt->zero_grad();
      for (int64_t mb = 0; mb < micro_batches; ++mb) {
        std::vector<const Example*> part;
        for (int64_t i = mb * c.batch_size; i < std::min(n, (mb + 1) * c.batch_size); ++i) {
          part.push_back(&train.examples[order[static_cast<size_t>(i)]]);
        }
        TensorBatch tb = MakeBatch(part, device);
        torch::Tensor sum = net->SummedLoss(tb, c.mixed_precision);
        train_loss += LossSum{sum.item<double>(), tb.labelled};
        tokens += tb.tokens;
        // Mean over the micro-batch's labelled tokens, averaged over the accumulation group.
        (sum / static_cast<double>(std::max(1L, tb.labelled)) / c.gradient_accumulation).backward();
        const bool group_end = (mb + 1) % c.gradient_accumulation == 0 || mb + 1 == micro_batches;
        if (!group_end) continue;
        if (c.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(params, c.max_grad_norm);
        rec.learning_rate = c.learning_rate * LinearWarmupDecay(state.step, warmup, total_steps);
        SetLearningRate(*opt, rec.learning_rate);
        opt->step();
        opt->zero_grad();
        ++state.step;
        if (options.progress) {
          TrainProgress p;
          p.event = TrainProgress::Event::kStep;
          p.epoch = epoch;
          p.train_loss = train_loss.Mean();
          p.learning_rate = rec.learning_rate;
          const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          p.tokens_per_second = s > 0 ? static_cast<double>(tokens) / s : 0;
          report(p);
        }
      }
      return Status::Ok();
    }));
    rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rec.tokens_per_second = rec.seconds > 0 ? static_cast<double>(tokens) / rec.seconds : 0;
    rec.step = state.step;
    rec.train_loss = train_loss.Mean();
    if (!std::isfinite(rec.train_loss)) {
      return Internal("epoch " + std::to_string(epoch) + ": training loss is not finite (learning_rate too high?)");
    }
    ASSIGN_OR_RETURN(SplitMetrics dm, EvaluateSplit(*net, data.dev, dev, c, device));
    rec.dev_loss = dm.loss.Mean();
    rec.dev_precision = dm.eval.strict.micro.Precision();
    rec.dev_recall = dm.eval.strict.micro.Recall();
    rec.dev_f1 = dm.eval.strict.micro.F1();
    state.records.push_back(rec);
    state.epoch = epoch;
    ++outcome.epochs_run;
    if (rec.dev_f1 > state.best_f1) {
      state.best_f1 = rec.dev_f1;
      state.best_epoch = epoch;
      const std::string tmp = TempDir(c.work_dir, "best-" + std::to_string(epoch));
      RETURN_IF_ERROR(net->SaveFolder(tmp, DType::kF32));
      RETURN_IF_ERROR(Publish(tmp, BestDir(c.work_dir, epoch), PublishMode::kReplace));
    }
    RETURN_IF_ERROR(SaveEpochState(c, state, *net, *opt));
    char line[256];
    std::snprintf(line, sizeof line, "epoch %d/%d: train loss %.4f, dev loss %.4f, dev P %.4f R %.4f F1 %.4f, %.0f tokens/s",
                  epoch, c.epochs, rec.train_loss, rec.dev_loss, rec.dev_precision, rec.dev_recall, rec.dev_f1,
                  rec.tokens_per_second);
    Log(options, line);
    TrainProgress p;
    p.event = TrainProgress::Event::kEpoch;
    p.epoch = epoch;
    p.train_loss = rec.train_loss;
    p.learning_rate = rec.learning_rate;
    p.tokens_per_second = rec.tokens_per_second;
    p.dev_loss = rec.dev_loss;
    p.dev_precision = rec.dev_precision;
    p.dev_recall = rec.dev_recall;
    p.dev_f1 = rec.dev_f1;
    report(p);
  }

  // --- the selected model: final dev and test metrics, checkpoint, promotion
  ASSIGN_OR_RETURN(std::unique_ptr<TaggerNetwork> selected, net->LoadFolder(BestDir(c.work_dir, state.best_epoch), device));
  const DType weights_dtype = c.weights_dtype == "F16" ? DType::kF16 : DType::kF32;
  if (weights_dtype == DType::kF16) {
    // The shipped weights are rounded to F16: evaluate exactly those.
    RETURN_IF_ERROR(GuardTorch("rounding to F16", [&] {
      torch::NoGradGuard no_grad;
      for (auto& p : selected->module().parameters()) p.copy_(p.to(torch::kHalf).to(torch::kFloat));
      return Status::Ok();
    }));
  }
  CheckpointMetrics metrics;
  metrics.entity_type = c.entity_type;
  metrics.commit = SourceCommit();
  metrics.corpora = data.corpora;
  metrics.config_json = state.config_json;
  metrics.selected_epoch = state.best_epoch;
  metrics.epochs = c.epochs;
  ASSIGN_OR_RETURN(metrics.dev, EvaluateSplit(*selected, data.dev, dev, c, device));
  if (!data.test.empty()) {
    ASSIGN_OR_RETURN(metrics.test, EvaluateSplit(*selected, data.test, test, c, device));
    outcome.test_f1 = metrics.test->eval.strict.micro.F1();
  }
  outcome.dev_f1 = metrics.dev->eval.strict.micro.F1();
  outcome.selected_epoch = state.best_epoch;

  const std::string type_dir = (fs::path(c.model_repository) / c.entity_type).string();
  fs::create_directories(type_dir, ec);
  if (ec) return Unavailable(type_dir + ": cannot create: " + ec.message());
  int64_t version = c.version;
  if (version == 0) {
    ASSIGN_OR_RETURN(std::vector<int64_t> versions, repository::ListVersions(type_dir));
    version = versions.empty() ? 1 : versions.back() + 1;
  }
  metrics.version = version;
  const std::string staging = repository::StagingFolder(type_dir, version);
  fs::remove_all(staging, ec);
  RETURN_IF_ERROR(selected->SaveFolder(staging, weights_dtype));
  const auto put = [&](const char* name, const std::string& text) {
    return WriteFileAtomic((fs::path(staging) / name).string(), text);
  };
  RETURN_IF_ERROR(put("metrics.json", CheckpointMetricsJson(metrics)));
  RETURN_IF_ERROR(put("train_log.jsonl", TrainLogJsonl(state.records)));
  RETURN_IF_ERROR(put("train_summary.md", TrainSummaryMarkdown(c.entity_type + " version " + std::to_string(version),
                                                               state.records, state.best_epoch)));
  RETURN_IF_ERROR(put("learning_curves.svg", LearningCurvesSvg(state.records)));
  RETURN_IF_ERROR(selected->InstallShared(c.model_repository));
  if (Status s = repository::PublishVersion(staging, type_dir, version); !s.ok()) {
    fs::remove_all(staging, ec);
    return s;
  }
  outcome.version = version;
  outcome.version_dir = (fs::path(type_dir) / std::to_string(version)).string();
  Log(options, "published " + outcome.version_dir);
  if (c.promote) {
    ASSIGN_OR_RETURN(outcome.promotion, repository::Promote(type_dir, version, options.force));
  } else {
    outcome.promotion.reason = "promote: false in the config";
  }
  Log(options, std::string(outcome.promotion.promoted ? "promoted: " : "not promoted: ") + outcome.promotion.reason);
  fs::remove_all(c.work_dir, ec);  // the run is complete; its state would only resume a finished run
  return outcome;
}

}  // namespace bioner::train
