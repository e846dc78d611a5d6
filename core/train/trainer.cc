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

// One Train() call: the state its phases share, and the phases, one method each; Train() below
// calls them in order. The one record of an epoch (TrainProgress, event kEpoch) is what the
// loop reports, what state.json and train_log.jsonl keep, and what the epoch's log line prints.
class TrainRun {
 public:
  TrainRun(const TrainConfig& c, const TrainOptions& options) : c_(c), options_(options) {}

  // Device and threads; the data, the network (with its tokenization and labels), the
  // examples of each split; the step schedule.
  Status Prepare();
  // The optimizer and torch's seed; the work folder's committed state, if any (a resume);
  // then the kStart report.
  Status Resume();
  int epochs_done() const { return state_.epoch; }
  // Trains, evaluates, keeps and reports epoch `epoch` (the next after epochs_done()).
  Status RunEpoch(int epoch);
  // The selected model: final dev and test metrics, the published version, its promotion.
  StatusOr<TrainOutcome> Finish();

 private:
  // The number of steps, fixed by the training examples and the config.
  struct Schedule {
    int64_t examples = 0, micro_batches = 0, total_steps = 0, warmup = 0;
  };

  // A record of `event` in `epoch` with the run's counters; the caller adds what it measured.
  TrainProgress Record(TrainProgress::Event event, int epoch) const;
  void Report(const TrainProgress& p) const {
    if (options_.progress) options_.progress(p);
  }
  // The phases of one epoch.
  StatusOr<TrainProgress> TrainEpoch(int epoch);      // one pass over the data; kStep reports
  Status EvaluateOnDev(TrainProgress* record);        // the dev scores of the record
  Status SaveEpoch(const TrainProgress& record);      // the best model so far, the state
  void LogEpoch(const TrainProgress& record) const;
  // The phases of Finish().
  StatusOr<std::unique_ptr<TaggerNetwork>> LoadSelected() const;
  StatusOr<CheckpointMetrics> EvaluateSelected(TaggerNetwork& selected);
  Status PublishCheckpoint(TaggerNetwork& selected, CheckpointMetrics* metrics);
  Status PromoteIfAsked();
  DType WeightsDType() const { return c_.weights_dtype == "F16" ? DType::kF16 : DType::kF32; }
  std::string TypeDir() const { return (fs::path(c_.model_repository) / c_.entity_type).string(); }

  const TrainConfig& c_;
  const TrainOptions& options_;
  c10::Device device_{c10::kCPU};
  TrainData data_;
  std::unique_ptr<TaggerNetwork> net_;
  SplitExamples train_, dev_, test_;
  Schedule schedule_;
  std::unique_ptr<torch::optim::AdamW> opt_;
  WorkState state_;
  TrainOutcome outcome_;
};

Status TrainRun::Prepare() {
  RETURN_IF_ERROR(GuardTorch("device", [&] {
    device_ = c10::Device(c_.device);
    if (device_.is_cuda() && !torch::cuda::is_available()) {
      return FailedPrecondition("device '" + c_.device + "' requested but CUDA is not available");
    }
    if (c_.num_threads > 0) at::set_num_threads(c_.num_threads);
    if (c_.mixed_precision) at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(data_, LoadTrainData(c_));
  if (data_.train.empty()) return FailedPrecondition("no training documents of type '" + c_.entity_type + "'");
  if (data_.dev.empty()) {
    return FailedPrecondition("no dev documents of type '" + c_.entity_type + "' (model selection)");
  }
  ASSIGN_OR_RETURN(net_, BuildNetwork(c_, data_.train, device_));
  const LabelSet& labels = net_->labels();
  const text::TextEncoder& tok = *net_->encoder();
  ExampleStats stats;
  ASSIGN_OR_RETURN(train_, BuildSplit(data_.train, tok, labels, c_, &stats));
  ASSIGN_OR_RETURN(dev_, BuildSplit(data_.dev, tok, labels, c_, nullptr));
  ASSIGN_OR_RETURN(test_, BuildSplit(data_.test, tok, labels, c_, nullptr));
  Log(options_, "train: " + std::to_string(data_.train.size()) + " documents, " + std::to_string(stats.windows) +
                    " windows, " + std::to_string(stats.entities) + " entities (" + std::to_string(stats.widened) +
                    " widened to words, " + std::to_string(stats.dropped_crossing + stats.dropped_overlapping) +
                    " dropped); dev " + std::to_string(data_.dev.size()) + ", test " +
                    std::to_string(data_.test.size()) + " documents");
  Schedule& s = schedule_;
  s.examples = static_cast<int64_t>(train_.examples.size());
  s.micro_batches = (s.examples + c_.batch_size - 1) / c_.batch_size;
  const int64_t steps_per_epoch = (s.micro_batches + c_.gradient_accumulation - 1) / c_.gradient_accumulation;
  s.total_steps = steps_per_epoch * c_.epochs;
  s.warmup = static_cast<int64_t>(std::llround(c_.warmup_ratio * static_cast<double>(s.total_steps)));
  return Status::Ok();
}

Status TrainRun::Resume() {
  RETURN_IF_ERROR(GuardTorch("optimizer", [&] {
    opt_ = MakeOptimizer(*net_, c_);
    torch::manual_seed(c_.seed);
    return Status::Ok();
  }));
  std::error_code ec;
  fs::create_directories(c_.work_dir, ec);
  if (ec) return Unavailable(c_.work_dir + ": cannot create work folder: " + ec.message());
  state_.config_json = TrainConfigToJson(c_);
  ASSIGN_OR_RETURN(std::optional<int> latest, ReadLatest(c_.work_dir));
  if (latest) {
    ASSIGN_OR_RETURN(state_, LoadEpochState(c_, *latest, *net_, *opt_));
    outcome_.resumed_from_epoch = state_.epoch;
    Log(options_, "resuming after epoch " + std::to_string(state_.epoch) + " from " + c_.work_dir);
    // Records of a state written before they carried these counters (the config is the same).
    for (TrainProgress& r : state_.records) {
      if (r.epochs == 0) {
        r.epochs = c_.epochs;
        r.total_steps = schedule_.total_steps;
      }
    }
  }
  RETURN_IF_ERROR(Prune(c_.work_dir, state_.epoch, state_.best_epoch));
  Report(Record(TrainProgress::Event::kStart, state_.epoch));
  return Status::Ok();
}

TrainProgress TrainRun::Record(TrainProgress::Event event, int epoch) const {
  TrainProgress p;
  p.event = event;
  p.epoch = epoch;
  p.epochs = c_.epochs;
  p.step = state_.step;
  p.total_steps = schedule_.total_steps;
  return p;
}

Status TrainRun::RunEpoch(int epoch) {
  ASSIGN_OR_RETURN(TrainProgress record, TrainEpoch(epoch));
  RETURN_IF_ERROR(EvaluateOnDev(&record));
  RETURN_IF_ERROR(SaveEpoch(record));
  LogEpoch(record);
  Report(record);
  return Status::Ok();
}

StatusOr<TrainProgress> TrainRun::TrainEpoch(int epoch) {
  const Schedule& s = schedule_;
  // The order of epoch e depends only on (seed, e): a resumed run sees the same batches.
  std::vector<size_t> order(static_cast<size_t>(s.examples));
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(c_.seed * 1000003ULL + static_cast<uint64_t>(epoch));
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);

  const std::vector<torch::Tensor> params = net_->module().parameters();
  LossSum train_loss;
  long tokens = 0;
  double learning_rate = 0;  // of the last step
  const auto t0 = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(GuardTorch("training epoch " + std::to_string(epoch), [&] {
    net_->module().train();
    opt_->zero_grad();
    for (int64_t mb = 0; mb < s.micro_batches; ++mb) {
      std::vector<const Example*> part;
      for (int64_t i = mb * c_.batch_size; i < std::min(s.examples, (mb + 1) * c_.batch_size); ++i) {
        part.push_back(&train_.examples[order[static_cast<size_t>(i)]]);
      }
      TensorBatch tb = MakeBatch(part, device_);
      torch::Tensor sum = net_->SummedLoss(tb, c_.mixed_precision);
      train_loss += LossSum{sum.item<double>(), tb.labelled};
      tokens += tb.tokens;
      // Mean over the micro-batch's labelled tokens, averaged over the accumulation group.
      (sum / static_cast<double>(std::max(1L, tb.labelled)) / c_.gradient_accumulation).backward();
      const bool group_end = (mb + 1) % c_.gradient_accumulation == 0 || mb + 1 == s.micro_batches;
      if (!group_end) continue;
      if (c_.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(params, c_.max_grad_norm);
      learning_rate = c_.learning_rate * LinearWarmupDecay(state_.step, s.warmup, s.total_steps);
      SetLearningRate(*opt_, learning_rate);
      opt_->step();
      opt_->zero_grad();
      ++state_.step;
      if (options_.progress) {  // the clock only when someone listens
        TrainProgress p = Record(TrainProgress::Event::kStep, epoch);
        p.train_loss = train_loss.Mean();
        p.learning_rate = learning_rate;
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        p.tokens_per_second = secs > 0 ? static_cast<double>(tokens) / secs : 0;
        Report(p);
      }
    }
    return Status::Ok();
  }));
  TrainProgress record = Record(TrainProgress::Event::kEpoch, epoch);
  record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  record.tokens_per_second = record.seconds > 0 ? static_cast<double>(tokens) / record.seconds : 0;
  record.learning_rate = learning_rate;
  record.train_loss = train_loss.Mean();
  if (!std::isfinite(record.train_loss)) {
    return Internal("epoch " + std::to_string(epoch) + ": training loss is not finite (learning_rate too high?)");
  }
  return record;
}

Status TrainRun::EvaluateOnDev(TrainProgress* record) {
  ASSIGN_OR_RETURN(SplitMetrics dm, EvaluateSplit(*net_, data_.dev, dev_, c_, device_));
  record->dev_loss = dm.loss.Mean();
  record->dev_precision = dm.eval.strict.micro.Precision();
  record->dev_recall = dm.eval.strict.micro.Recall();
  record->dev_f1 = dm.eval.strict.micro.F1();
  return Status::Ok();
}

// The epoch's record joins the state; a better dev F1 than all before (ties: the earlier
// epoch) publishes the network as best-<epoch>/ before the state that names it is committed.
Status TrainRun::SaveEpoch(const TrainProgress& record) {
  const int epoch = record.epoch;
  state_.records.push_back(record);
  state_.epoch = epoch;
  ++outcome_.epochs_run;
  if (record.dev_f1 > state_.best_f1) {
    state_.best_f1 = record.dev_f1;
    state_.best_epoch = epoch;
    const std::string tmp = TempDir(c_.work_dir, "best-" + std::to_string(epoch));
    RETURN_IF_ERROR(net_->SaveFolder(tmp, DType::kF32));
    RETURN_IF_ERROR(Publish(tmp, BestDir(c_.work_dir, epoch), PublishMode::kReplace));
  }
  return SaveEpochState(c_, state_, *net_, *opt_);
}

void TrainRun::LogEpoch(const TrainProgress& r) const {
  char line[256];
  std::snprintf(line, sizeof line, "epoch %d/%d: train loss %.4f, dev loss %.4f, dev P %.4f R %.4f F1 %.4f, %.0f tokens/s",
                r.epoch, c_.epochs, r.train_loss, r.dev_loss, r.dev_precision, r.dev_recall, r.dev_f1,
                r.tokens_per_second);
  Log(options_, line);
}

StatusOr<TrainOutcome> TrainRun::Finish() {
  ASSIGN_OR_RETURN(std::unique_ptr<TaggerNetwork> selected, LoadSelected());
  ASSIGN_OR_RETURN(CheckpointMetrics metrics, EvaluateSelected(*selected));
  RETURN_IF_ERROR(PublishCheckpoint(*selected, &metrics));
  RETURN_IF_ERROR(PromoteIfAsked());
  std::error_code ec;
  fs::remove_all(c_.work_dir, ec);  // the run is complete; its state would only resume a finished run
  return outcome_;
}

StatusOr<std::unique_ptr<TaggerNetwork>> TrainRun::LoadSelected() const {
  ASSIGN_OR_RETURN(std::unique_ptr<TaggerNetwork> selected,
                   net_->LoadFolder(BestDir(c_.work_dir, state_.best_epoch), device_));
  if (WeightsDType() == DType::kF16) {
    // The shipped weights are rounded to F16: evaluate exactly those.
    RETURN_IF_ERROR(GuardTorch("rounding to F16", [&] {
      torch::NoGradGuard no_grad;
      for (auto& p : selected->module().parameters()) p.copy_(p.to(torch::kHalf).to(torch::kFloat));
      return Status::Ok();
    }));
  }
  return selected;
}

StatusOr<CheckpointMetrics> TrainRun::EvaluateSelected(TaggerNetwork& selected) {
  CheckpointMetrics metrics;
  metrics.entity_type = c_.entity_type;
  metrics.commit = SourceCommit();
  metrics.corpora = data_.corpora;
  metrics.config_json = state_.config_json;
  metrics.selected_epoch = state_.best_epoch;
  metrics.epochs = c_.epochs;
  ASSIGN_OR_RETURN(metrics.dev, EvaluateSplit(selected, data_.dev, dev_, c_, device_));
  if (!data_.test.empty()) {
    ASSIGN_OR_RETURN(metrics.test, EvaluateSplit(selected, data_.test, test_, c_, device_));
    outcome_.test_f1 = metrics.test->eval.strict.micro.F1();
  }
  outcome_.dev_f1 = metrics.dev->eval.strict.micro.F1();
  outcome_.selected_epoch = state_.best_epoch;
  return metrics;
}

// The next version (or config.version) of the type, staged with its metrics, log, summary and
// curves, and published by one rename (core/repository).
Status TrainRun::PublishCheckpoint(TaggerNetwork& selected, CheckpointMetrics* metrics) {
  const std::string type_dir = TypeDir();
  std::error_code ec;
  fs::create_directories(type_dir, ec);
  if (ec) return Unavailable(type_dir + ": cannot create: " + ec.message());
  int64_t version = c_.version;
  if (version == 0) {
    ASSIGN_OR_RETURN(std::vector<int64_t> versions, repository::ListVersions(type_dir));
    version = versions.empty() ? 1 : versions.back() + 1;
  }
  metrics->version = version;
  const std::string staging = repository::StagingFolder(type_dir, version);
  fs::remove_all(staging, ec);
  RETURN_IF_ERROR(selected.SaveFolder(staging, WeightsDType()));
  const auto put = [&](const char* name, const std::string& text) {
    return WriteFileAtomic((fs::path(staging) / name).string(), text);
  };
  RETURN_IF_ERROR(put("metrics.json", CheckpointMetricsJson(*metrics)));
  RETURN_IF_ERROR(put("train_log.jsonl", TrainLogJsonl(state_.records)));
  RETURN_IF_ERROR(put("train_summary.md", TrainSummaryMarkdown(c_.entity_type + " version " + std::to_string(version),
                                                               state_.records, state_.best_epoch)));
  RETURN_IF_ERROR(put("learning_curves.svg", LearningCurvesSvg(state_.records)));
  RETURN_IF_ERROR(selected.InstallShared(c_.model_repository));
  if (Status s = repository::PublishVersion(staging, type_dir, version); !s.ok()) {
    fs::remove_all(staging, ec);
    return s;
  }
  outcome_.version = version;
  outcome_.version_dir = (fs::path(type_dir) / std::to_string(version)).string();
  Log(options_, "published " + outcome_.version_dir);
  return Status::Ok();
}

Status TrainRun::PromoteIfAsked() {
  if (c_.promote) {
    ASSIGN_OR_RETURN(outcome_.promotion, repository::Promote(TypeDir(), outcome_.version, options_.force));
  } else {
    outcome_.promotion.reason = "promote: false in the config";
  }
  Log(options_, std::string(outcome_.promotion.promoted ? "promoted: " : "not promoted: ") +
                    outcome_.promotion.reason);
  return Status::Ok();
}

}  // namespace

StatusOr<TrainOutcome> Train(const TrainConfig& c, const TrainOptions& options) {
  TrainRun run(c, options);
  RETURN_IF_ERROR(run.Prepare());
  RETURN_IF_ERROR(run.Resume());
  for (int epoch = run.epochs_done() + 1; epoch <= c.epochs; ++epoch) RETURN_IF_ERROR(run.RunEpoch(epoch));
  return run.Finish();
}

}  // namespace bioner::train
