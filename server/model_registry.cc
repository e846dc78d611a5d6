#include "server/model_registry.h"

#include <algorithm>
#include <filesystem>

#include "core/decode/classifier_model.h"
#include "core/decode/smoke.h"
#include "core/repository/repository.h"
#include "core/util/file.h"
#include "core/service/log.h"

namespace bioner::server {
namespace fs = std::filesystem;

ModelRegistry::ModelRegistry(ServerConfig config, ServerMetrics* metrics)
    : config_(std::move(config)), metrics_(metrics) {}

ModelRegistry::~ModelRegistry() {
  StopWatching();
  // A model must be destroyed here, never by the last call releasing it on the model's own
  // worker thread (its Batcher joins that thread). Calls end before the registry does; wait
  // for their last references to go.
  std::vector<std::shared_ptr<const ServingModel>> all = retired_;
  for (const auto& [type, m] : serving_) all.push_back(m);
  serving_.clear();
  retired_.clear();
  for (const auto& m : all) {
    while (m.use_count() > 1) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

StatusOr<std::string> ModelRegistry::ResolveVersion(const std::string& type) const {
  const fs::path dir = fs::path(config_.models.repository) / type;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return NotFound("model repository: no folder " + dir.string() + " for entity type '" + type + "'");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> version, repository::ServedVersion(dir.string()));
  if (!version) return NotFound(dir.string() + ": no `current` file and no numbered version folder");
  return *version;
}

StatusOr<std::shared_ptr<const text::TextEncoder>> ModelRegistry::ShareTokenizer(
    const std::string& dir, std::shared_ptr<const text::TextEncoder> encoder) {
  // Only WordPiece tokenizers are shared: models of one vocabulary are common (BERT types
  // fine-tuned from one encoder), and their tries are the tokenizer's memory.
  auto loaded = std::dynamic_pointer_cast<const text::BertTokenizer>(encoder);
  if (loaded == nullptr) return encoder;
  ASSIGN_OR_RETURN(std::string vocab, ReadFile(dir + "/vocab.txt"));
  const auto& o = loaded->options();
  const std::string key = std::to_string(o.lowercase) + "/" +
                          std::to_string(o.max_input_chars_per_word) + "/" + vocab;
  std::lock_guard<std::mutex> lock(tokenizers_mu_);
  if (auto shared = tokenizers_[key].lock()) return std::shared_ptr<const text::TextEncoder>(shared);
  tokenizers_[key] = loaded;
  return std::shared_ptr<const text::TextEncoder>(loaded);
}

StatusOr<std::shared_ptr<const ServingModel>> ModelRegistry::Load(const std::string& type,
                                                                  const std::string& version) {
  const std::string dir = (fs::path(config_.models.repository) / type / version).string();
  const std::string name = type + "/" + version;
  LoadOptions options;
  options.device = config_.device;
  options.num_threads = static_cast<int>(config_.threads);
  auto loaded = LoadTaggingModel(dir, name, options);
  if (!loaded.ok()) return loaded.status().WithContext("model " + name);
  auto model = std::make_shared<ServingModel>();
  model->entity_type = type;
  model->version = name;
  model->path = dir;
  model->tagging = std::move(loaded).value();
  model->window = WindowOptionsFor(*model->tagging.model);
  // kMaxModelTokensPerByte, on which the limits' check rests, holds from this window up.
  if (model->window.max_seq_len < kMinServedSeqLen) {
    return InvalidArgument("model " + name + ": max_seq_len " +
                           std::to_string(model->window.max_seq_len) + " is below " +
                           std::to_string(kMinServedSeqLen) +
                           ", the shortest window the server's limits allow for");
  }
  auto tokenizer = ShareTokenizer(dir, model->tagging.tokenizer);
  if (!tokenizer.ok()) return tokenizer.status().WithContext("model " + name);
  model->tagging.tokenizer = *tokenizer;
  Status smoke = SmokeTest(model->tagging, model->window).status();
  if (!smoke.ok()) return smoke.WithContext("model " + name + " failed the smoke test");
  std::error_code ec;
  if (fs::exists(dir + "/metrics.json", ec)) {
    auto metrics_json = ReadFile(dir + "/metrics.json");
    if (metrics_json.ok()) model->metrics_json = std::move(metrics_json).value();
  }
  BatcherOptions bo;
  bo.max_batch_tokens = config_.batching.max_batch_tokens;
  bo.max_padding_percent = config_.batching.max_padding_percent;
  bo.max_queue_delay = std::chrono::milliseconds(config_.batching.max_queue_delay_ms);
  bo.max_queued_tokens = config_.batching.max_queued_tokens;
  model->batcher = std::make_unique<Batcher>(model->tagging.model, bo,
                                             metrics_ ? metrics_->ForModel(type) : BatcherMetrics{});
  return std::shared_ptr<const ServingModel>(std::move(model));
}

Status ModelRegistry::LoadAll() {
  std::vector<std::string> types = config_.models.entity_types;
  if (types.empty()) {
    std::error_code ec;
    for (fs::directory_iterator it(config_.models.repository, ec), end; !ec && it != end;
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] != '.' && it->is_directory(ec)) types.push_back(name);
    }
    if (ec) {
      return NotFound("model repository " + config_.models.repository + ": " + ec.message());
    }
    std::sort(types.begin(), types.end());
    if (types.empty()) {
      return NotFound("model repository " + config_.models.repository + " has no entity type folders");
    }
  }
  std::map<std::string, std::shared_ptr<const ServingModel>> loaded;
  for (const std::string& type : types) {
    ASSIGN_OR_RETURN(std::string version, ResolveVersion(type));
    auto model = Load(type, version);
    if (!model.ok()) {
      if (metrics_) metrics_->ModelLoadFailed(type);
      return model.status();
    }
    if (metrics_) {
      metrics_->ModelLoaded(type, /*reload=*/false);
      metrics_->SetServingVersion(type, (*model)->version);
    }
    Log("loaded " + (*model)->version + " from " + (*model)->path);
    loaded[type] = std::move(model).value();
  }
  std::lock_guard<std::mutex> lock(mu_);
  types_ = std::move(types);
  serving_ = std::move(loaded);
  return Status::Ok();
}

int ModelRegistry::PollOnce() {
  std::lock_guard<std::mutex> poll_lock(poll_mu_);
  std::vector<std::string> types;
  std::map<std::string, std::string> serving_versions;
  {
    std::lock_guard<std::mutex> lock(mu_);
    types = types_;
    for (const auto& [type, m] : serving_) serving_versions[type] = m->version;
  }
  int swapped = 0;
  for (const std::string& type : types) {
    auto version = ResolveVersion(type);
    if (!version.ok()) {
      if (refused_[type] != version.status().message()) {
        Log("not reloading " + type + ": " + version.status().ToString());
        refused_[type] = version.status().message();
      }
      continue;
    }
    const std::string name = type + "/" + *version;
    if (name == serving_versions[type] || refused_[type] == name) continue;
    Log("loading " + name + " beside " + serving_versions[type]);
    auto model = Load(type, *version);
    if (!model.ok()) {
      // The serving version stays; this one is not retried until `current` moves.
      Log("refused " + name + ", still serving " + serving_versions[type] + ": " +
          model.status().ToString());
      if (metrics_) metrics_->ModelLoadFailed(type);
      refused_[type] = name;
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      retired_.push_back(std::move(serving_[type]));
      serving_[type] = *model;
    }
    refused_.erase(type);
    if (metrics_) {
      metrics_->ModelLoaded(type, /*reload=*/true);
      metrics_->SetServingVersion(type, name);
    }
    Log("now serving " + name + " (was " + serving_versions[type] + ")");
    ++swapped;
  }
  ReleaseRetired();
  return swapped;
}

void ModelRegistry::ReleaseRetired() {
  // use_count() == 1: no call holds the model any more and none can take it again, so its
  // batcher (and worker thread) is destroyed here, not on a worker thread of its own.
  retired_.erase(std::remove_if(retired_.begin(), retired_.end(),
                                [](const auto& m) { return m.use_count() == 1; }),
                 retired_.end());
}

void ModelRegistry::StartWatching() {
  if (config_.models.poll_interval_ms <= 0 || watcher_.joinable()) return;
  watcher_ = std::thread([this] { WatchLoop(); });
}

void ModelRegistry::StopWatching() {
  {
    std::lock_guard<std::mutex> lock(watch_mu_);
    stop_watch_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

void ModelRegistry::WatchLoop() {
  const auto interval = std::chrono::milliseconds(config_.models.poll_interval_ms);
  std::unique_lock<std::mutex> lock(watch_mu_);
  while (!watch_cv_.wait_for(lock, interval, [this] { return stop_watch_; })) {
    lock.unlock();
    PollOnce();
    lock.lock();
  }
}

StatusOr<std::vector<std::shared_ptr<const ServingModel>>> ModelRegistry::Select(
    const std::vector<std::string>& types) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (serving_.empty()) return Unavailable("the models are still loading");
  std::vector<std::shared_ptr<const ServingModel>> out;
  if (types.empty()) {
    for (const std::string& t : types_) out.push_back(serving_.at(t));
    return out;
  }
  for (const std::string& t : types) {
    auto it = serving_.find(t);
    if (it == serving_.end()) {
      std::string known;
      for (const std::string& k : types_) known += (known.empty() ? "" : ", ") + k;
      return InvalidArgument("unknown entity type '" + t + "' (served: " + known + ")");
    }
    if (std::find(out.begin(), out.end(), it->second) == out.end()) out.push_back(it->second);
  }
  return out;
}

std::vector<std::shared_ptr<const ServingModel>> ModelRegistry::All() const {
  auto all = Select({});
  return all.ok() ? std::move(all).value() : std::vector<std::shared_ptr<const ServingModel>>{};
}

}  // namespace bioner::server
