// ServerMetrics: every Prometheus metric of bioner-server, built once on one injected
// registry (STYLE.md §10). Names follow Prometheus conventions: `bioner_` prefix, base units
// (seconds, tokens), `_total` for counters. Labels are low-cardinality: the RPC method and
// status code, the entity type of a model; the serving version only on the info metric.
// Counter children that can be known in advance (each method with the codes it can end with,
// each model's load counters once it loads) are created at 0, so that increase() sees the
// first event.
//
// Thread safety: prometheus-cpp metrics are thread-safe; the family getters below add
// children under the family's own lock. Model info updates are serialised by a mutex here.
#ifndef BIONER_SERVER_METRICS_H_
#define BIONER_SERVER_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace bioner::server {

// The metrics of one model's batcher (one entity type; shared by the versions of that type,
// which is why the queue depth is moved with Increment/Decrement rather than Set).
struct BatcherMetrics {
  prometheus::Histogram* batch_tokens = nullptr;     // padded tokens per model call
  prometheus::Histogram* batch_items = nullptr;      // windows per model call
  prometheus::Histogram* padding_ratio = nullptr;    // padding / padded tokens per call
  prometheus::Histogram* queue_wait = nullptr;       // seconds from enqueue to batch
  prometheus::Histogram* batch_duration = nullptr;   // seconds per model call
  prometheus::Gauge* queue_depth = nullptr;          // queued tokens
  prometheus::Counter* tokens = nullptr;             // tokens run through the model
  prometheus::Counter* rejected = nullptr;           // windows refused (queue full)
};

class ServerMetrics {
 public:
  explicit ServerMetrics(std::shared_ptr<prometheus::Registry> registry);

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

  // One finished RPC: `code` as gRPC spells it ("OK", "INVALID_ARGUMENT").
  void ObserveRequest(const std::string& method, const std::string& code, double seconds);
  void AddDocuments(double n) { documents_->Increment(n); }

  // Also creates the type's load/reload/failure counters at 0 (it runs at each load, before
  // ModelLoaded), so the first refused reload is an increase Prometheus sees.
  BatcherMetrics ForModel(const std::string& entity_type);

  void ModelLoaded(const std::string& entity_type, bool reload);
  void ModelLoadFailed(const std::string& entity_type);
  // The info metric bioner_model_info{entity_type, version} = 1 for the serving version.
  void SetServingVersion(const std::string& entity_type, const std::string& version);

 private:
  void AddModelCounters(const std::string& entity_type);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& request_duration_;
  prometheus::Counter* documents_;
  prometheus::Family<prometheus::Counter>& tokens_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Histogram>& batch_tokens_;
  prometheus::Family<prometheus::Histogram>& batch_items_;
  prometheus::Family<prometheus::Histogram>& padding_ratio_;
  prometheus::Family<prometheus::Histogram>& queue_wait_;
  prometheus::Family<prometheus::Histogram>& batch_duration_;
  prometheus::Family<prometheus::Gauge>& queue_depth_;
  prometheus::Family<prometheus::Counter>& loads_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Family<prometheus::Counter>& load_failures_;
  prometheus::Family<prometheus::Gauge>& model_info_;
  std::mutex info_mu_;
  std::map<std::string, prometheus::Gauge*> info_by_type_;
};

}  // namespace bioner::server

#endif  // BIONER_SERVER_METRICS_H_
