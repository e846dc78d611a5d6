// ModelRegistry: the models being served, one per entity type, read from a model
// repository (docs/FORMATS.md "The model repository"), with hot reload.
//
// Each serving model is an immutable ServingModel held by shared_ptr<const>: its tokenizer
// (shared with other models whose vocabulary and casing are the same, so a document is
// tokenized once per distinct tokenizer), its network, and the Batcher whose worker thread
// is the only one to run that network. A call takes the shared_ptrs it needs once and keeps
// them to the end, so in-flight work finishes on the version it started with.
//
// Hot reload (after Triton's model_lifecycle): a watcher thread polls each type's `current`
// pointer; a new version is loaded BESIDE the serving one, must tag a smoke input, and is
// then swapped in atomically. A version that fails is logged, counted and remembered (not
// retried until `current` names another version); the old version keeps serving. Retired
// versions are released by the watcher once no call holds them.
//
// Thread safety: Select(), All() and PollOnce() may be called from any thread.
#ifndef BIONER_SERVER_MODEL_REGISTRY_H_
#define BIONER_SERVER_MODEL_REGISTRY_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/decode/tagger.h"
#include "core/text/tokenizer.h"
#include "server/batcher.h"
#include "server/config.h"
#include "server/metrics.h"

namespace bioner::server {

struct ServingModel {
  std::string entity_type;   // "Disease"
  std::string version;       // "Disease/3"
  std::string path;          // the version folder
  std::string metrics_json;  // metrics.json verbatim, "" if absent
  TaggingModel tagging;
  WindowOptions window;
  std::unique_ptr<Batcher> batcher;
};

class ModelRegistry {
 public:
  ModelRegistry(ServerConfig config, ServerMetrics* metrics);
  ~ModelRegistry();  // stops the watcher; models are released when the last call ends

  // Loads the current version of every configured entity type (every sub-folder of the
  // repository if none are configured). Any failure is an error naming the type and folder.
  Status LoadAll();

  // Starts the watcher thread (no-op when models.poll_interval_ms is 0).
  void StartWatching();
  void StopWatching();

  // One watcher round: reloads every type whose `current` moved. Returns the number of
  // versions swapped in.
  int PollOnce();

  // The serving models of `types` (all when empty), in the order asked for.
  // INVALID_ARGUMENT naming an unknown type; UNAVAILABLE before LoadAll() succeeded.
  StatusOr<std::vector<std::shared_ptr<const ServingModel>>> Select(
      const std::vector<std::string>& types) const;
  std::vector<std::shared_ptr<const ServingModel>> All() const;

 private:
  // The version `current` names, or the highest integer version when it is absent.
  StatusOr<std::string> ResolveVersion(const std::string& type) const;
  StatusOr<std::shared_ptr<const ServingModel>> Load(const std::string& type,
                                                     const std::string& version);
  StatusOr<std::shared_ptr<const text::TextEncoder>> ShareTokenizer(
      const std::string& dir, std::shared_ptr<const text::TextEncoder> encoder);
  void WatchLoop();
  void ReleaseRetired();

  const ServerConfig config_;
  ServerMetrics* const metrics_;

  mutable std::mutex mu_;  // guards serving_ and types_
  std::vector<std::string> types_;
  std::map<std::string, std::shared_ptr<const ServingModel>> serving_;

  std::mutex poll_mu_;  // one poll at a time; guards refused_ and retired_
  std::mutex tokenizers_mu_;
  std::map<std::string, std::weak_ptr<const text::BertTokenizer>> tokenizers_;
  std::map<std::string, std::string> refused_;  // type -> the version last refused
  std::vector<std::shared_ptr<const ServingModel>> retired_;

  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool stop_watch_ = false;
  std::thread watcher_;
};

}  // namespace bioner::server

#endif  // BIONER_SERVER_MODEL_REGISTRY_H_
