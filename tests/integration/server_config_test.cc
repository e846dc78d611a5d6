// The server's YAML config: defaults, the shipped configs/server.yaml, and a refusal naming
// the key for every kind of bad input.
#include <gtest/gtest.h>

#include "server/config.h"

namespace bioner::server {
namespace {

Status ParseError(const std::string& yaml) {
  auto c = ParseServerConfig(yaml, "test.yaml");
  return c.ok() ? Status::Ok() : c.status();
}

void ExpectRefused(const std::string& yaml, const std::string& needle) {
  Status s = ParseError(yaml);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << yaml;
  EXPECT_NE(s.message().find(needle), std::string::npos) << s << "\nwanted: " << needle;
  EXPECT_EQ(s.message().rfind("test.yaml", 0), 0u) << s;
}

TEST(ServerConfigTest, EmptyTextGivesTheDefaults) {
  auto c = ParseServerConfig("", "test.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  const ServerConfig defaults;
  EXPECT_EQ(c->listen, defaults.listen);
  EXPECT_EQ(c->models.repository, "models");
  EXPECT_EQ(c->batching.max_batch_tokens, defaults.batching.max_batch_tokens);
  EXPECT_FALSE(c->tls.enabled());
}

TEST(ServerConfigTest, ReadsEveryKey) {
  auto c = ParseServerConfig(R"(
listen: "127.0.0.1:7000"
metrics_listen: "[::1]:0"
models:
  repository: /srv/models
  entity_types: [Disease, Gene]
  poll_interval_ms: 250
device: "cuda:1"
threads: 4
blas_threads: 3
batching:
  max_batch_tokens: 4096
  max_queue_delay_ms: 2
  max_queued_tokens: 65536
limits:
  max_document_bytes: 1000
  max_request_bytes: 4000
  max_message_bytes: 2048
  max_concurrent_streams: 8
  max_connection_age_s: 600
  max_stream_inflight_documents: 16
shutdown_grace_s: 3
tls: {cert: /etc/tls/crt.pem, key: /etc/tls/key.pem}
auth: {bearer_token_file: /etc/token}
)", "test.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen, "127.0.0.1:7000");
  EXPECT_EQ(c->metrics_listen, "[::1]:0");
  EXPECT_EQ(c->models.repository, "/srv/models");
  EXPECT_EQ(c->models.entity_types, (std::vector<std::string>{"Disease", "Gene"}));
  EXPECT_EQ(c->models.poll_interval_ms, 250);
  EXPECT_EQ(c->device, "cuda:1");
  EXPECT_EQ(c->threads, 4);
  EXPECT_EQ(c->blas_threads, 3);
  EXPECT_EQ(c->batching.max_batch_tokens, 4096);
  EXPECT_EQ(c->batching.max_queue_delay_ms, 2);
  EXPECT_EQ(c->batching.max_queued_tokens, 65536);
  EXPECT_EQ(c->limits.max_document_bytes, 1000);
  EXPECT_EQ(c->limits.max_request_bytes, 4000);
  EXPECT_EQ(c->limits.max_message_bytes, 2048);
  EXPECT_EQ(c->limits.max_concurrent_streams, 8);
  EXPECT_EQ(c->limits.max_connection_age_s, 600);
  EXPECT_EQ(c->limits.max_stream_inflight_documents, 16);
  EXPECT_EQ(c->shutdown_grace_s, 3);
  EXPECT_TRUE(c->tls.enabled());
  EXPECT_EQ(c->tls.key, "/etc/tls/key.pem");
  EXPECT_EQ(c->auth.bearer_token_file, "/etc/token");
}

TEST(ServerConfigTest, TheShippedConfigParsesAndServesTheEmbeddedModels) {
  auto c = LoadServerConfig(std::string(BIONER_SOURCE_DIR) + "/configs/server.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->models.repository, "models");
  EXPECT_EQ(c->models.entity_types,
            (std::vector<std::string>{"Gene", "Chemical", "Disease", "Species", "CellLine"}));
}

TEST(ServerConfigTest, UnknownKeysAreRefusedByTheirPath) {
  ExpectRefused("listen_address: x:1\n", "unknown key 'listen_address'");
  ExpectRefused("batching:\n  max_batch_tokenz: 5\n", "unknown key 'batching.max_batch_tokenz'");
  ExpectRefused("tls:\n  ca: x\n", "unknown key 'tls.ca'");
}

TEST(ServerConfigTest, BadValuesAreRefusedByTheirKey) {
  ExpectRefused("threads: -1\n", "key 'threads' -1 is out of range [0, 1024]");
  ExpectRefused("blas_threads: 0\n", "key 'blas_threads' 0 is out of range [1, 1024]");
  ExpectRefused("limits:\n  max_document_bytes: lots\n", "key 'limits.max_document_bytes' must be an integer, got 'lots'");
  ExpectRefused("batching:\n  max_batch_tokens: 0\n", "key 'batching.max_batch_tokens' 0 is out of range");
  ExpectRefused("device: gpu\n", "key 'device' 'gpu' is neither 'cpu' nor 'cuda:N'");
  ExpectRefused("listen: localhost\n", "key 'listen' 'localhost' is not host:port");
  ExpectRefused("metrics_listen: \"a:70000\"\n", "key 'metrics_listen' 'a:70000' is not host:port");
  ExpectRefused("models:\n  entity_types: {a: b}\n", "key 'models.entity_types' must be a list of strings");
  ExpectRefused("models:\n  entity_types: [Gene, Gene]\n", "key 'models.entity_types[1]' 'Gene' is listed twice");
  ExpectRefused("models:\n  entity_types: [../x]\n", "key 'models.entity_types[0]' '../x' is not an entity type folder name");
  ExpectRefused("tls:\n  cert: a.pem\n", "key 'tls' needs cert and key together");
  ExpectRefused("batching:\n  max_batch_tokens: 100\n  max_queued_tokens: 50\n",
                "key 'batching.max_queued_tokens' 50 is smaller than batching.max_batch_tokens 100");
  ExpectRefused("limits: 5\n", "key 'limits' must be a mapping");
  ExpectRefused("listen: [a, b]\n", "key 'listen' must be a string");
}

TEST(ServerConfigTest, ConnectionAgeGraceNeedsAnAgeAndARange) {
  auto c = ParseServerConfig("limits:\n  max_connection_age_s: 300\n  max_connection_age_grace_s: 60\n",
                             "test.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->limits.max_connection_age_grace_s, 60);
  EXPECT_EQ(ParseServerConfig("", "test.yaml")->limits.max_connection_age_grace_s, 0);
  ExpectRefused("limits:\n  max_connection_age_grace_s: 60\n",
                "key 'limits.max_connection_age_grace_s' needs limits.max_connection_age_s > 0");
  ExpectRefused("limits:\n  max_connection_age_s: 300\n  max_connection_age_grace_s: -1\n",
                "key 'limits.max_connection_age_grace_s' -1 is out of range");
}

// Issue #14, defect 4: 1 MiB of "a " was within max_document_bytes but needed more tokens
// than max_queued_tokens, so it was refused forever with the retryable RESOURCE_EXHAUSTED.
// Limits that allow such a call are now refused at start-up, naming the keys.
TEST(ServerConfigTest, LimitsThatAllowAnUnservableCallAreRefused) {
  // The old defaults: a 1 MiB document can need 4 Mi tokens, the queue held 256 Ki.
  ExpectRefused("limits:\n  max_document_bytes: 1048576\n  max_request_bytes: 1048576\n"
                "batching:\n  max_queued_tokens: 262144\n",
                "key 'batching.max_queued_tokens' 262144 cannot hold one call of "
                "limits.max_request_bytes 1048576, which can need up to 4194304 model tokens");
  ExpectRefused("limits:\n  max_document_bytes: 1000\n  max_request_bytes: 999\n",
                "key 'limits.max_request_bytes' 999 is smaller than limits.max_document_bytes 1000");
  // Exactly the worst case fits.
  auto c = ParseServerConfig("limits:\n  max_document_bytes: 1000\n  max_request_bytes: 2000\n"
                             "batching:\n  max_batch_tokens: 100\n  max_queued_tokens: 8000\n",
                             "test.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  // The defaults agree with each other.
  const ServerConfig defaults;
  EXPECT_GE(defaults.batching.max_queued_tokens,
            kMaxModelTokensPerByte * defaults.limits.max_request_bytes);
  EXPECT_GE(defaults.limits.max_request_bytes, defaults.limits.max_document_bytes);
}

TEST(ServerConfigTest, YamlSyntaxErrorsNameTheLine) {
  ExpectRefused("listen: x:1\nbatching: {max_batch_tokens: 3\n", "line ");
}

TEST(ServerConfigTest, AMissingFileIsNamed) {
  auto c = LoadServerConfig("/nonexistent/server.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/nonexistent/server.yaml"), std::string::npos);
}

}  // namespace
}  // namespace bioner::server
