// ServerConfig: the typed settings of bioner-server, read from YAML (configs/server.yaml).
//
// Defaults are stated once, here. ParseServerConfig reads through core/config's KeyReader:
// every key is checked; an unknown key, a value of the wrong type or out of range is
// INVALID_ARGUMENT naming the source file and the key path ("limits.max_document_bytes").
// Nothing is clamped silently. Plain values; thread-safe to read.
#ifndef BIONER_SERVER_CONFIG_H_
#define BIONER_SERVER_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace bioner::server {

struct ModelsConfig {
  // The model repository (docs/FORMATS.md); relative paths are relative to the working
  // directory of the server.
  std::string repository = "models";
  // Entity types (sub-folders of the repository) to serve; empty: every sub-folder.
  std::vector<std::string> entity_types;
  // How often the `current` pointers are polled for hot reload; 0 turns reloading off.
  int64_t poll_interval_ms = 2000;
};

// The most model tokens one byte of passage text can cost, with either text encoder bioner
// has and any model window of at least kMinServedSeqLen tokens. A WordPiece token covers at
// least one byte; a word-level model (core/text/word_char_encoder.h) gives a word token plus
// one per character, so at most 2 per byte ("." is a word of its own). A passage of n tokens
// in windows of C = max_seq_len - 2 content tokens overlapping by C/4 needs at most 2n + 2
// inputs with [CLS] and [SEP] when C >= 2; a one-byte passage (2 tokens + [CLS] + [SEP]) is
// the worst case: 4 per byte. Text is part of a size as sent, so the bound holds per byte
// of limits.max_request_bytes. The config refuses limits that this bound says could make a
// valid call need more than a model queue holds (docs/SERVER.md "Limits").
inline constexpr int64_t kMaxModelTokensPerByte = 4;
inline constexpr int kMinServedSeqLen = 4;

struct BatchingConfig {
  int64_t max_batch_tokens = 8192;     // padded tokens (items x longest) per model call
  int64_t max_padding_percent = 5;     // of a batch's padded tokens at most (100: no cap)
  int64_t max_queue_delay_ms = 5;      // how long a partial batch waits for company
  // Per model; beyond it work is refused. At least kMaxModelTokensPerByte x
  // limits.max_request_bytes, so that any valid call fits an idle queue.
  int64_t max_queued_tokens = 1 << 20;
};

struct LimitsConfig {
  // Sizes as sent (serialized: text, ids, offsets, framing), which bound what the server
  // allocates per passage and document too, not only per byte of text (server/convert.h).
  int64_t max_document_bytes = 1 << 18;   // one document
  int64_t max_request_bytes = 1 << 18;    // one Annotate request; a stream's documents in flight
  int64_t max_message_bytes = 16 << 20;   // gRPC receive/send message size
  int64_t max_concurrent_streams = 100;   // HTTP/2 streams per connection
  int64_t max_connection_age_s = 0;       // 0: connections live forever
  int64_t max_connection_age_grace_s = 0;  // calls' time after that GOAWAY; 0: gRPC's (infinite)
  int64_t max_stream_inflight_documents = 64;  // per AnnotateStream call; reading pauses
  // An AnnotateStream call with nothing read or written and nothing in flight for this long
  // ends with DEADLINE_EXCEEDED; 0: never.
  int64_t stream_idle_timeout_s = 300;
};

struct TlsConfig {
  std::string cert;  // PEM files; both or neither
  std::string key;
  bool enabled() const { return !cert.empty(); }
};

struct AuthConfig {
  // A file holding the bearer token that every Tagger call must send as
  // "authorization: Bearer <token>"; empty: no authentication.
  std::string bearer_token_file;
};

struct ServerConfig {
  std::string listen = "0.0.0.0:50051";
  std::string metrics_listen = "0.0.0.0:9464";
  ModelsConfig models;
  std::string device = "cpu";  // "cpu" or "cuda:N"
  // CPU threads. torch's (OpenMP) and OpenBLAS's (pthreads) pools both spin on the same
  // cores: with two of each, one forward pass of a 32-token window took 54-62 ms, against
  // 2.9-3.6 ms with one (docs/BENCHMARKS.md, "Threads"). So one of each per model call by
  // default; each model has a worker thread of its own, so five models keep five cores busy.
  int64_t threads = 1;         // torch intra-op threads; 0: one per hardware thread
  int64_t blas_threads = 1;    // OpenBLAS threads per GEMM call (process-wide)
  BatchingConfig batching;
  LimitsConfig limits;
  // On SIGTERM: health answers NOT_SERVING while the port stays open and calls are served as
  // before for `shutdown_delay_s` (so that polling health checks and load balancers see it
  // and stop sending), then new calls are refused and in-flight calls get
  // `shutdown_grace_s` to finish.
  int64_t shutdown_delay_s = 0;
  int64_t shutdown_grace_s = 10;
  TlsConfig tls;
  AuthConfig auth;
};

// Parses YAML text; `source` (a file name) prefixes every error.
StatusOr<ServerConfig> ParseServerConfig(const std::string& yaml_text, const std::string& source);
StatusOr<ServerConfig> LoadServerConfig(const std::string& path);

}  // namespace bioner::server

#endif  // BIONER_SERVER_CONFIG_H_
