// bioner-server: serves the entity taggers of a model repository over gRPC.
//
//   bioner-server --config configs/server.yaml [--listen ADDR] [--metrics ADDR]
//
// Start-up: config, models (every configured type must load), metrics endpoint, then the
// gRPC server; "listening on HOST:PORT" on stderr tells the bound port (port 0 picks a free
// one). SIGTERM/SIGINT are taken in the main thread (core/service/shutdown_signals.h):
// health goes NOT_SERVING, calls are served `shutdown_delay_s` more, then new calls are
// refused and in-flight calls get `shutdown_grace_s` to finish (docs/SERVER.md, "Shutdown").
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "core/model/blas_check.h"
#include "core/util/args.h"
#include "core/util/file.h"
#include "core/util/main_guard.h"
#include "core/util/strings.h"
#include "core/service/log.h"
#include "core/service/metrics_http.h"
#include "core/service/shutdown_signals.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/model_registry.h"
#include "server/stream_idle_watch.h"
#include "server/tagger_service.h"

namespace bioner::server {
namespace {

std::string HostOf(const std::string& address) { return address.substr(0, address.rfind(':')); }

StatusOr<ServerConfig> ConfigFromFlags(int argc, char** argv) {
  ArgParser p("bioner-server", "Serves bioner's biomedical entity taggers over gRPC.");
  p.AddValue("config", "FILE", "server configuration (YAML, see configs/server.yaml)", true);
  p.AddValue("listen", "ADDR", "gRPC address host:port, overrides `listen` (port 0: any free port)");
  p.AddValue("metrics", "ADDR", "Prometheus /metrics address, overrides `metrics_listen`");
  RETURN_IF_ERROR(p.Parse(argc, argv));
  ASSIGN_OR_RETURN(std::string yaml, ReadFile(p.Get("config")));
  // Overrides go through the same parser, so they are validated the same way.
  ASSIGN_OR_RETURN(ServerConfig config, ParseServerConfig(yaml, p.Get("config")));
  if (p.Has("listen") || p.Has("metrics")) {
    std::string overrides;
    overrides += "listen: \"" + (p.Has("listen") ? p.Get("listen") : config.listen) + "\"\n";
    overrides += "metrics_listen: \"" + (p.Has("metrics") ? p.Get("metrics") : config.metrics_listen) + "\"\n";
    ASSIGN_OR_RETURN(ServerConfig flags, ParseServerConfig(overrides, "command line"));
    config.listen = flags.listen;
    config.metrics_listen = flags.metrics_listen;
  }
  return config;
}

StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const TlsConfig& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  ASSIGN_OR_RETURN(std::string cert, ReadFile(tls.cert));
  ASSIGN_OR_RETURN(std::string key, ReadFile(tls.key));
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({key, cert});
  return grpc::SslServerCredentials(options);
}

int Serve(const ServerConfig& config, const ShutdownSignals& signals) {
  ServiceContext service_context;
  if (!config.auth.bearer_token_file.empty()) {
    auto token = ReadFile(config.auth.bearer_token_file);
    if (!token.ok()) {
      Log("auth.bearer_token_file: " + token.status().ToString());
      return 1;
    }
    service_context.options.bearer_token = std::string(Trim(*token));
    if (service_context.options.bearer_token.empty()) {
      Log("auth.bearer_token_file " + config.auth.bearer_token_file + " is empty");
      return 1;
    }
  }
  auto credentials = Credentials(config.tls);
  if (!credentials.ok()) {
    Log("tls: " + credentials.status().ToString());
    return 1;
  }

  auto prometheus_registry = std::make_shared<prometheus::Registry>();
  ServerMetrics metrics(prometheus_registry);
  auto endpoint = MetricsEndpoint::Start(config.metrics_listen, prometheus_registry);
  if (!endpoint.ok()) {
    Log(endpoint.status().ToString());
    return 1;
  }
  Log("metrics on " + HostOf(config.metrics_listen) + ":" + std::to_string((*endpoint)->port()) +
      "/metrics");

  // Before any model loads, so that no GEMM has yet started OpenBLAS's threads.
  if (Status s = SetBlasThreads(static_cast<int>(config.blas_threads)); !s.ok()) {
    Log("blas_threads: " + s.ToString() + "; the BLAS library's own thread count is used");
  }
  ModelRegistry registry(config, &metrics);
  Status loaded = registry.LoadAll();
  if (!loaded.ok()) {
    Log("cannot load the models: " + loaded.ToString());
    return 1;
  }

  service_context.registry = &registry;
  service_context.metrics = &metrics;
  service_context.options.max_document_bytes = config.limits.max_document_bytes;
  service_context.options.max_request_bytes = config.limits.max_request_bytes;
  service_context.options.max_stream_inflight_documents = config.limits.max_stream_inflight_documents;
  // Declared before the gRPC server, so that it outlives every stream.
  std::unique_ptr<StreamIdleWatch> idle_watch;
  if (config.limits.stream_idle_timeout_s > 0) {
    idle_watch = std::make_unique<StreamIdleWatch>(
        std::chrono::seconds(config.limits.stream_idle_timeout_s));
    service_context.idle_watch = idle_watch.get();
  }
  TaggerService service(service_context);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen, *credentials, &port);
  builder.RegisterService(&service);
  // gRPC parses a message before any of our checks, and 16 MiB of empty documents (2 bytes
  // each) parsed into 2 GB. So nothing much larger than the largest valid call is received:
  // up to twice limits.max_request_bytes the call is refused by our check, INVALID_ARGUMENT
  // naming the key; beyond, gRPC refuses it unparsed (RESOURCE_EXHAUSTED, "Received message
  // larger than max"). The 64 KiB leave room for a stream message's entity types.
  builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<int64_t>(
      config.limits.max_message_bytes, 2 * config.limits.max_request_bytes + 65536)));
  builder.SetMaxSendMessageSize(static_cast<int>(config.limits.max_message_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             static_cast<int>(config.limits.max_concurrent_streams));
  if (config.limits.max_connection_age_s > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               static_cast<int>(config.limits.max_connection_age_s * 1000));
  }
  // Without a grace, a call open at the GOAWAY keeps its connection (and pod) forever: one
  // long AnnotateStream would never move. After the grace gRPC ends it with UNAVAILABLE,
  // which bioner-client retries on a new call.
  if (config.limits.max_connection_age_grace_s > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               static_cast<int>(config.limits.max_connection_age_grace_s * 1000));
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    Log("cannot listen on " + config.listen);
    return 1;
  }
  // Every configured model is loaded before the server starts, so health is SERVING from
  // the first call on.
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus(true);
  health->SetServingStatus(v1::Tagger::service_full_name(), true);
  registry.StartWatching();
  Log("listening on " + HostOf(config.listen) + ":" + std::to_string(port));

  const char* signal_name = signals.Wait();
  health->SetServingStatus(false);  // Check and Watch answer NOT_SERVING; calls still served
  health->SetServingStatus(v1::Tagger::service_full_name(), false);
  if (config.shutdown_delay_s > 0) {
    Log(std::string("received ") + signal_name + ", NOT_SERVING; serving calls for " +
        std::to_string(config.shutdown_delay_s) + " s more");
    std::this_thread::sleep_for(std::chrono::seconds(config.shutdown_delay_s));
  }
  Log(std::string("received ") + signal_name + ", draining for up to " +
      std::to_string(config.shutdown_grace_s) + " s");
  health->Shutdown();  // NOT_SERVING, and it stays so
  registry.StopWatching();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(config.shutdown_grace_s));
  server.reset();
  Log("stopped");
  return 0;
}

}  // namespace
}  // namespace bioner::server

int main(int argc, char** argv) {
  // An exception reaching here is a bug: one line and the error exit code, never an abort.
  return bioner::RunMain("bioner-server", 1, [&]() -> int {
    // glibc gives every thread that allocates its own malloc arena and keeps freed memory in
    // it; each model's worker (and its torch threads) then holds its own high-water mark of
    // activations. Two arenas: 940 -> 789 MB resident after bench/server_bench with 5 models
    // (docs/BENCHMARKS.md "Server"), no measurable slowdown (a forward pass allocates little).
    mallopt(M_ARENA_MAX, 2);
    bioner::SetLogProgram("bioner-server");
    const bioner::ShutdownSignals signals;  // a signal during start-up stops it once started

    auto config = bioner::server::ConfigFromFlags(argc, argv);
    if (!config.ok()) {
      if (config.status().code() == bioner::StatusCode::kCancelled) return 0;  // --help
      std::fprintf(stderr, "bioner-server: %s\n", config.status().ToString().c_str());
      return 2;
    }
    return bioner::server::Serve(*config, signals);
  }, "the configuration");
}
