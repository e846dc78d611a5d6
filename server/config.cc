#include "server/config.h"

#include <regex>

#include "core/config/yaml_keys.h"
#include "core/util/file.h"

namespace bioner::server {
namespace {

constexpr int64_t kMaxInt = int64_t{1} << 40;

// A document or call that the limits admit must be servable: refused with RESOURCE_EXHAUSTED
// (retry later) only while other work fills the queue, never forever (issue #14). So the
// queue must hold the worst case of the largest call, and a call must be able to carry the
// largest document.
Status CheckLimitsAgree(const ServerConfig& c, const config::KeyReader& r) {
  if (c.limits.max_request_bytes < c.limits.max_document_bytes) {
    return r.Error("limits.max_request_bytes",
                   std::to_string(c.limits.max_request_bytes) + " is smaller than limits.max_document_bytes " +
                       std::to_string(c.limits.max_document_bytes) +
                       " (an Annotate call must be able to carry the largest document)");
  }
  const int64_t worst = kMaxModelTokensPerByte * c.limits.max_request_bytes;
  if (c.batching.max_queued_tokens < worst) {
    return r.Error("batching.max_queued_tokens",
                   std::to_string(c.batching.max_queued_tokens) + " cannot hold one call of limits.max_request_bytes " +
                       std::to_string(c.limits.max_request_bytes) + ", which can need up to " +
                       std::to_string(worst) + " model tokens (" + std::to_string(kMaxModelTokensPerByte) +
                       " per byte; docs/SERVER.md \"Limits\"): raise max_queued_tokens or lower "
                       "max_request_bytes and max_document_bytes");
  }
  return Status::Ok();
}

Status ReadEntityTypes(config::KeyReader& models, std::vector<std::string>* types) {
  RETURN_IF_ERROR(models.StringList("entity_types", types));
  for (size_t i = 0; i < types->size(); ++i) {
    const std::string& t = (*types)[i];
    const std::string item = "entity_types[" + std::to_string(i) + "]";
    if (t.empty() || t[0] == '.' || t.find('/') != std::string::npos) {
      return models.Error(item, "'" + t + "' is not an entity type folder name");
    }
    for (size_t j = 0; j < i; ++j) {
      if ((*types)[j] == t) return models.Error(item, "'" + t + "' is listed twice");
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<ServerConfig> ParseServerConfig(const std::string& yaml_text, const std::string& source) {
  ASSIGN_OR_RETURN(config::KeyReader r, config::KeyReader::Parse(yaml_text, source));
  ServerConfig c;
  RETURN_IF_ERROR(r.Address("listen", &c.listen));
  RETURN_IF_ERROR(r.Address("metrics_listen", &c.metrics_listen));
  RETURN_IF_ERROR(r.String("device", &c.device));
  static const std::regex kDevice(R"(^(cpu|cuda:[0-9]+)$)");
  if (!std::regex_match(c.device, kDevice)) {
    return r.Error("device", "'" + c.device + "' is neither 'cpu' nor 'cuda:N'");
  }
  RETURN_IF_ERROR(r.Int("threads", &c.threads, 0, 1024));
  RETURN_IF_ERROR(r.Int("blas_threads", &c.blas_threads, 1, 1024));
  RETURN_IF_ERROR(r.Int("shutdown_delay_s", &c.shutdown_delay_s, 0, 3600));
  RETURN_IF_ERROR(r.Int("shutdown_grace_s", &c.shutdown_grace_s, 0, 3600));
  {
    ASSIGN_OR_RETURN(config::KeyReader m, r.Section("models"));
    RETURN_IF_ERROR(m.String("repository", &c.models.repository));
    RETURN_IF_ERROR(m.Int("poll_interval_ms", &c.models.poll_interval_ms, 0, 3600 * 1000));
    RETURN_IF_ERROR(ReadEntityTypes(m, &c.models.entity_types));
    RETURN_IF_ERROR(m.Finish());
    if (c.models.repository.empty()) return m.Error("repository", "must not be empty");
  }
  {
    ASSIGN_OR_RETURN(config::KeyReader b, r.Section("batching"));
    RETURN_IF_ERROR(b.Int("max_batch_tokens", &c.batching.max_batch_tokens, 1, 1 << 24));
    RETURN_IF_ERROR(b.Int("max_padding_percent", &c.batching.max_padding_percent, 0, 100));
    RETURN_IF_ERROR(b.Int("max_queue_delay_ms", &c.batching.max_queue_delay_ms, 0, 60000));
    RETURN_IF_ERROR(b.Int("max_queued_tokens", &c.batching.max_queued_tokens, 1, kMaxInt));
    RETURN_IF_ERROR(b.Finish());
  }
  {
    ASSIGN_OR_RETURN(config::KeyReader l, r.Section("limits"));
    RETURN_IF_ERROR(l.Int("max_document_bytes", &c.limits.max_document_bytes, 1, kMaxInt));
    RETURN_IF_ERROR(l.Int("max_request_bytes", &c.limits.max_request_bytes, 1, kMaxInt));
    RETURN_IF_ERROR(l.Int("max_message_bytes", &c.limits.max_message_bytes, 1024, INT32_MAX));
    RETURN_IF_ERROR(l.Int("max_concurrent_streams", &c.limits.max_concurrent_streams, 1, INT32_MAX));
    RETURN_IF_ERROR(l.Int("max_connection_age_s", &c.limits.max_connection_age_s, 0, INT32_MAX / 1000));
    RETURN_IF_ERROR(
        l.Int("max_connection_age_grace_s", &c.limits.max_connection_age_grace_s, 0, INT32_MAX / 1000));
    RETURN_IF_ERROR(
        l.Int("max_stream_inflight_documents", &c.limits.max_stream_inflight_documents, 1, 1 << 20));
    RETURN_IF_ERROR(l.Int("stream_idle_timeout_s", &c.limits.stream_idle_timeout_s, 0, 7 * 24 * 3600));
    RETURN_IF_ERROR(l.Finish());
  }
  {
    ASSIGN_OR_RETURN(config::KeyReader t, r.Section("tls"));
    RETURN_IF_ERROR(t.String("cert", &c.tls.cert));
    RETURN_IF_ERROR(t.String("key", &c.tls.key));
    RETURN_IF_ERROR(t.Finish());
    if (c.tls.cert.empty() != c.tls.key.empty()) return r.Error("tls", "needs cert and key together");
  }
  {
    ASSIGN_OR_RETURN(config::KeyReader a, r.Section("auth"));
    RETURN_IF_ERROR(a.String("bearer_token_file", &c.auth.bearer_token_file));
    RETURN_IF_ERROR(a.Finish());
  }
  RETURN_IF_ERROR(r.Finish());

  // The grace period only starts at max_connection_age's GOAWAY: alone it would do nothing.
  if (c.limits.max_connection_age_grace_s > 0 && c.limits.max_connection_age_s == 0) {
    return r.Error("limits.max_connection_age_grace_s",
                   "needs limits.max_connection_age_s > 0 (the grace follows that GOAWAY)");
  }
  if (c.batching.max_queued_tokens < c.batching.max_batch_tokens) {
    return r.Error("batching.max_queued_tokens", std::to_string(c.batching.max_queued_tokens) +
                                                     " is smaller than batching.max_batch_tokens " +
                                                     std::to_string(c.batching.max_batch_tokens));
  }
  RETURN_IF_ERROR(CheckLimitsAgree(c, r));
  return c;
}

StatusOr<ServerConfig> LoadServerConfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseServerConfig(text, path);
}

}  // namespace bioner::server
