#include "server/metrics.h"

#include <vector>

namespace bioner::server {
namespace {

using prometheus::Histogram;

Histogram::BucketBoundaries SecondsBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}
Histogram::BucketBoundaries TokenBuckets() {
  return {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768};
}
Histogram::BucketBoundaries ItemBuckets() { return {1, 2, 4, 8, 16, 32, 64, 128, 256}; }
Histogram::BucketBoundaries RatioBuckets() { return {0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9}; }

// The RPC outcomes the server's code can produce, created at 0 up front: a counter series
// that first appears at 1 is invisible to increase()/rate(), so its first event never alerts.
// Annotate: the call's status (docs/SERVER.md "Errors", shutdown, model failure);
// AnnotateStream: per-document errors travel in the responses, the call itself ends OK,
// UNAUTHENTICATED or CANCELLED; ListModels: OK or UNAUTHENTICATED. Other codes still get a
// series on their first event.
struct MethodCodes {
  const char* method;
  std::vector<const char*> codes;
};
const std::vector<MethodCodes>& KnownOutcomes() {
  static const auto* known = new std::vector<MethodCodes>{
      {"Annotate",
       {"OK", "INVALID_ARGUMENT", "UNAUTHENTICATED", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED",
        "CANCELLED", "UNAVAILABLE", "INTERNAL"}},
      {"AnnotateStream", {"OK", "UNAUTHENTICATED", "CANCELLED"}},
      {"ListModels", {"OK", "UNAUTHENTICATED"}},
  };
  return *known;
}

}  // namespace

ServerMetrics::ServerMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)),
      requests_(prometheus::BuildCounter()
                    .Name("bioner_requests_total")
                    .Help("Finished RPCs by method and gRPC status code")
                    .Register(*registry_)),
      request_duration_(prometheus::BuildHistogram()
                            .Name("bioner_request_duration_seconds")
                            .Help("RPC duration by method, from the call's start to its "
                                  "status (an AnnotateStream call: its whole life)")
                            .Register(*registry_)),
      documents_(&prometheus::BuildCounter()
                      .Name("bioner_documents_total")
                      .Help("Documents annotated successfully")
                      .Register(*registry_)
                      .Add({})),
      tokens_(prometheus::BuildCounter()
                  .Name("bioner_tokens_total")
                  .Help("Model input tokens (special tokens included, padding excluded) by entity type")
                  .Register(*registry_)),
      rejected_(prometheus::BuildCounter()
                    .Name("bioner_rejected_windows_total")
                    .Help("Windows refused because the model's queue was full")
                    .Register(*registry_)),
      batch_tokens_(prometheus::BuildHistogram()
                        .Name("bioner_batch_tokens")
                        .Help("Padded tokens (windows x longest) per model call")
                        .Register(*registry_)),
      batch_items_(prometheus::BuildHistogram()
                       .Name("bioner_batch_items")
                       .Help("Windows per model call")
                       .Register(*registry_)),
      padding_ratio_(prometheus::BuildHistogram()
                         .Name("bioner_batch_padding_ratio")
                         .Help("Share of padding among the padded tokens of a model call")
                         .Register(*registry_)),
      queue_wait_(prometheus::BuildHistogram()
                      .Name("bioner_queue_wait_seconds")
                      .Help("Time from a window's enqueue to its model call")
                      .Register(*registry_)),
      batch_duration_(prometheus::BuildHistogram()
                          .Name("bioner_batch_duration_seconds")
                          .Help("Duration of one model call")
                          .Register(*registry_)),
      queue_depth_(prometheus::BuildGauge()
                       .Name("bioner_queue_depth_tokens")
                       .Help("Tokens waiting in a model's queue")
                       .Register(*registry_)),
      loads_(prometheus::BuildCounter()
                 .Name("bioner_model_loads_total")
                 .Help("Model versions loaded and put into service (startup and reloads)")
                 .Register(*registry_)),
      reloads_(prometheus::BuildCounter()
                   .Name("bioner_model_reloads_total")
                   .Help("Hot reloads: a new version swapped in for a serving one")
                   .Register(*registry_)),
      load_failures_(prometheus::BuildCounter()
                         .Name("bioner_model_load_failures_total")
                         .Help("Model versions refused (failed to load or to tag the smoke input)")
                         .Register(*registry_)),
      model_info_(prometheus::BuildGauge()
                      .Name("bioner_model_info")
                      .Help("The serving model version of each entity type (value 1)")
                      .Register(*registry_)) {
  for (const MethodCodes& m : KnownOutcomes()) {
    for (const char* code : m.codes) requests_.Add({{"method", m.method}, {"code", code}});
    request_duration_.Add({{"method", m.method}}, SecondsBuckets());
  }
}

void ServerMetrics::ObserveRequest(const std::string& method, const std::string& code,
                                   double seconds) {
  requests_.Add({{"method", method}, {"code", code}}).Increment();
  request_duration_.Add({{"method", method}}, SecondsBuckets()).Observe(seconds);
}

BatcherMetrics ServerMetrics::ForModel(const std::string& entity_type) {
  const prometheus::Labels l{{"entity_type", entity_type}};
  BatcherMetrics m;
  m.batch_tokens = &batch_tokens_.Add(l, TokenBuckets());
  m.batch_items = &batch_items_.Add(l, ItemBuckets());
  m.padding_ratio = &padding_ratio_.Add(l, RatioBuckets());
  m.queue_wait = &queue_wait_.Add(l, SecondsBuckets());
  m.batch_duration = &batch_duration_.Add(l, SecondsBuckets());
  m.queue_depth = &queue_depth_.Add(l);
  m.tokens = &tokens_.Add(l);
  m.rejected = &rejected_.Add(l);
  AddModelCounters(entity_type);
  return m;
}

void ServerMetrics::AddModelCounters(const std::string& entity_type) {
  const prometheus::Labels l{{"entity_type", entity_type}};
  loads_.Add(l);
  reloads_.Add(l);
  load_failures_.Add(l);
}

void ServerMetrics::ModelLoaded(const std::string& entity_type, bool reload) {
  AddModelCounters(entity_type);
  loads_.Add({{"entity_type", entity_type}}).Increment();
  if (reload) reloads_.Add({{"entity_type", entity_type}}).Increment();
}

void ServerMetrics::ModelLoadFailed(const std::string& entity_type) {
  AddModelCounters(entity_type);
  load_failures_.Add({{"entity_type", entity_type}}).Increment();
}

void ServerMetrics::SetServingVersion(const std::string& entity_type, const std::string& version) {
  std::lock_guard<std::mutex> lock(info_mu_);
  auto it = info_by_type_.find(entity_type);
  if (it != info_by_type_.end()) model_info_.Remove(it->second);
  info_by_type_[entity_type] =
      &model_info_.Add({{"entity_type", entity_type}, {"version", version}});
  info_by_type_[entity_type]->Set(1);
}

}  // namespace bioner::server
