#include "server/config.h"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <regex>

#include "core/util/file.h"

namespace bioner::server {
namespace {

// Reads one mapping: each known key has a handler; unknown keys are refused by name.
class MappingReader {
 public:
  using Handler = std::function<Status(const YAML::Node&, const std::string& key)>;
  MappingReader(std::string source, std::string prefix)
      : source_(std::move(source)), prefix_(std::move(prefix)) {}

  void On(const std::string& key, Handler h) { handlers_[key] = std::move(h); }

  Status Read(const YAML::Node& node) const {
    if (node.IsNull()) return Status::Ok();
    if (!node.IsMap()) return Error(prefix_.empty() ? "(top level)" : prefix_, "must be a mapping");
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      const std::string path = prefix_.empty() ? key : prefix_ + "." + key;
      auto it = handlers_.find(key);
      if (it == handlers_.end()) return Error(path, "unknown key");
      RETURN_IF_ERROR(it->second(kv.second, path));
    }
    return Status::Ok();
  }

  Status Error(const std::string& path, const std::string& what) const {
    return InvalidArgument(source_ + ": " + path + ": " + what);
  }

 private:
  std::string source_, prefix_;
  std::map<std::string, Handler> handlers_;
};

StatusOr<int64_t> ReadInt(const YAML::Node& n, const std::string& source, const std::string& path,
                          int64_t min, int64_t max) {
  int64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<int64_t>::decode(n, v)) {
    return InvalidArgument(source + ": " + path + ": expected an integer");
  }
  if (v < min || v > max) {
    return InvalidArgument(source + ": " + path + ": " + std::to_string(v) + " is out of range [" +
                           std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return v;
}

StatusOr<std::string> ReadString(const YAML::Node& n, const std::string& source,
                                 const std::string& path) {
  if (!n.IsScalar()) return InvalidArgument(source + ": " + path + ": expected a string");
  return n.as<std::string>();
}

// host:port with a port in [0, 65535]; the host may be a name, IPv4 or [IPv6].
Status CheckAddress(const std::string& v, const std::string& source, const std::string& path) {
  static const std::regex re(R"(^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.\-]+):([0-9]{1,5})$)");
  std::smatch m;
  if (!std::regex_match(v, m, re) || std::stoi(m[2]) > 65535) {
    return InvalidArgument(source + ": " + path + ": '" + v + "' is not host:port");
  }
  return Status::Ok();
}

Status CheckDevice(const std::string& v, const std::string& source) {
  static const std::regex re(R"(^(cpu|cuda:[0-9]+)$)");
  if (!std::regex_match(v, re)) {
    return InvalidArgument(source + ": device: '" + v + "' is neither 'cpu' nor 'cuda:N'");
  }
  return Status::Ok();
}

constexpr int64_t kMaxInt = int64_t{1} << 40;

// Binds a key to an integer field with a range.
MappingReader::Handler Int(const std::string& source, int64_t* field, int64_t min, int64_t max = kMaxInt) {
  return [=](const YAML::Node& n, const std::string& path) -> Status {
    ASSIGN_OR_RETURN(*field, ReadInt(n, source, path, min, max));
    return Status::Ok();
  };
}

MappingReader::Handler Str(const std::string& source, std::string* field) {
  return [=](const YAML::Node& n, const std::string& path) -> Status {
    ASSIGN_OR_RETURN(*field, ReadString(n, source, path));
    return Status::Ok();
  };
}

MappingReader::Handler Nested(const std::string& source,
                              std::function<void(MappingReader*)> define) {
  return [=](const YAML::Node& n, const std::string& path) -> Status {
    MappingReader r(source, path);
    define(&r);
    return r.Read(n);
  };
}

// A document or call that the limits admit must be servable: refused with RESOURCE_EXHAUSTED
// (retry later) only while other work fills the queue, never forever (issue #14). So the
// queue must hold the worst case of the largest call, and a call must be able to carry the
// largest document.
Status CheckLimitsAgree(const ServerConfig& c, const std::string& source) {
  if (c.limits.max_request_bytes < c.limits.max_document_bytes) {
    return InvalidArgument(source + ": limits.max_request_bytes: " +
                           std::to_string(c.limits.max_request_bytes) +
                           " is smaller than limits.max_document_bytes " +
                           std::to_string(c.limits.max_document_bytes) +
                           " (an Annotate call must be able to carry the largest document)");
  }
  const int64_t worst = kMaxModelTokensPerByte * c.limits.max_request_bytes;
  if (c.batching.max_queued_tokens < worst) {
    return InvalidArgument(
        source + ": batching.max_queued_tokens: " + std::to_string(c.batching.max_queued_tokens) +
        " cannot hold one call of limits.max_request_bytes " +
        std::to_string(c.limits.max_request_bytes) + ", which can need up to " +
        std::to_string(worst) + " model tokens (" + std::to_string(kMaxModelTokensPerByte) +
        " per byte; docs/SERVER.md \"Limits\"): raise max_queued_tokens or lower "
        "max_request_bytes and max_document_bytes");
  }
  return Status::Ok();
}

Status Parse(const YAML::Node& root, const std::string& source, ServerConfig* c) {
  MappingReader top(source, "");
  top.On("listen", Str(source, &c->listen));
  top.On("metrics_listen", Str(source, &c->metrics_listen));
  top.On("device", Str(source, &c->device));
  top.On("threads", Int(source, &c->threads, 0, 1024));
  top.On("blas_threads", Int(source, &c->blas_threads, 1, 1024));
  top.On("shutdown_grace_s", Int(source, &c->shutdown_grace_s, 0, 3600));
  top.On("models", Nested(source, [&](MappingReader* r) {
    r->On("repository", Str(source, &c->models.repository));
    r->On("poll_interval_ms", Int(source, &c->models.poll_interval_ms, 0, 3600 * 1000));
    r->On("entity_types", [&](const YAML::Node& n, const std::string& path) -> Status {
      if (!n.IsSequence()) return InvalidArgument(source + ": " + path + ": expected a list of entity types");
      c->models.entity_types.clear();
      for (size_t i = 0; i < n.size(); ++i) {
        const std::string item = path + "[" + std::to_string(i) + "]";
        ASSIGN_OR_RETURN(std::string t, ReadString(n[i], source, item));
        if (t.empty() || t[0] == '.' || t.find('/') != std::string::npos) {
          return InvalidArgument(source + ": " + item + ": '" + t + "' is not an entity type folder name");
        }
        for (const auto& seen : c->models.entity_types) {
          if (seen == t) return InvalidArgument(source + ": " + item + ": '" + t + "' is listed twice");
        }
        c->models.entity_types.push_back(t);
      }
      return Status::Ok();
    });
  }));
  top.On("batching", Nested(source, [&](MappingReader* r) {
    r->On("max_batch_tokens", Int(source, &c->batching.max_batch_tokens, 1, 1 << 24));
    r->On("max_padding_percent", Int(source, &c->batching.max_padding_percent, 0, 100));
    r->On("max_queue_delay_ms", Int(source, &c->batching.max_queue_delay_ms, 0, 60000));
    r->On("max_queued_tokens", Int(source, &c->batching.max_queued_tokens, 1));
  }));
  top.On("limits", Nested(source, [&](MappingReader* r) {
    r->On("max_document_bytes", Int(source, &c->limits.max_document_bytes, 1));
    r->On("max_request_bytes", Int(source, &c->limits.max_request_bytes, 1));
    r->On("max_message_bytes", Int(source, &c->limits.max_message_bytes, 1024, INT32_MAX));
    r->On("max_concurrent_streams", Int(source, &c->limits.max_concurrent_streams, 1, INT32_MAX));
    r->On("max_connection_age_s", Int(source, &c->limits.max_connection_age_s, 0, INT32_MAX / 1000));
    r->On("max_connection_age_grace_s",
          Int(source, &c->limits.max_connection_age_grace_s, 0, INT32_MAX / 1000));
    r->On("max_stream_inflight_documents", Int(source, &c->limits.max_stream_inflight_documents, 1, 1 << 20));
  }));
  top.On("tls", Nested(source, [&](MappingReader* r) {
    r->On("cert", Str(source, &c->tls.cert));
    r->On("key", Str(source, &c->tls.key));
  }));
  top.On("auth", Nested(source, [&](MappingReader* r) {
    r->On("bearer_token_file", Str(source, &c->auth.bearer_token_file));
  }));
  RETURN_IF_ERROR(top.Read(root));

  RETURN_IF_ERROR(CheckAddress(c->listen, source, "listen"));
  RETURN_IF_ERROR(CheckAddress(c->metrics_listen, source, "metrics_listen"));
  RETURN_IF_ERROR(CheckDevice(c->device, source));
  if (c->models.repository.empty()) return InvalidArgument(source + ": models.repository: must not be empty");
  if (c->tls.cert.empty() != c->tls.key.empty()) {
    return InvalidArgument(source + ": tls: cert and key must be given together");
  }
  // The grace period only starts at max_connection_age's GOAWAY: alone it would do nothing.
  if (c->limits.max_connection_age_grace_s > 0 && c->limits.max_connection_age_s == 0) {
    return InvalidArgument(source + ": limits.max_connection_age_grace_s: needs "
                           "limits.max_connection_age_s > 0 (the grace follows that GOAWAY)");
  }
  if (c->batching.max_queued_tokens < c->batching.max_batch_tokens) {
    return InvalidArgument(source + ": batching.max_queued_tokens: " +
                           std::to_string(c->batching.max_queued_tokens) +
                           " is smaller than batching.max_batch_tokens " +
                           std::to_string(c->batching.max_batch_tokens));
  }
  return CheckLimitsAgree(*c, source);
}

}  // namespace

StatusOr<ServerConfig> ParseServerConfig(const std::string& yaml_text, const std::string& source) {
  ServerConfig c;
  try {
    YAML::Node root = YAML::Load(yaml_text);
    RETURN_IF_ERROR(Parse(root, source, &c));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(source + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return c;
}

StatusOr<ServerConfig> LoadServerConfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseServerConfig(text, path);
}

}  // namespace bioner::server
