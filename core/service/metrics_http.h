// MetricsEndpoint: a minimal HTTP/1.0 server that answers `GET /metrics` with the Prometheus
// text format of one registry (prometheus-cpp's TextSerializer), and 404 for anything else.
//
// Why not prometheus-cpp's Exposer: its civetweb cannot start its worker threads in a
// process that has LibTorch loaded (civetweb logs "Cannot create threads"; reproduced with
// LD_PRELOAD=libtorch_cpu.so on a ten-line Exposer program), and bioner-server and
// `bioner-trainer serve` load LibTorch. It lives in core so that both programs link the one
// copy.
//
// One thread serves up to kMaxConnections connections at once with poll(), each under one
// deadline for the whole exchange (kExchangeDeadline: request read and response written),
// so a slow or silent client costs a slot for at most that long and never delays another
// scrape (issue #14: a client sending 1 byte/s used to hold a normal scrape for 29-48 s).
// With every slot taken, new connections wait in the listen backlog until one frees.
//
// Thread safety: construct, port() and destroy from one thread; the registry is read by the
// serving thread (prometheus-cpp's Collect() is thread-safe).
#ifndef BIONER_CORE_SERVICE_METRICS_HTTP_H_
#define BIONER_CORE_SERVICE_METRICS_HTTP_H_

#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "core/util/status.h"

namespace bioner {

class MetricsEndpoint {
 public:
  static constexpr int kMaxConnections = 32;
  static constexpr std::chrono::milliseconds kExchangeDeadline{2000};
  static constexpr size_t kMaxRequestBytes = 8192;  // a longer request head is answered as is

  // Listens on `address` ("host:port", IPv4 or a resolvable name; port 0 picks a free one).
  static StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& address, std::shared_ptr<prometheus::Registry> registry);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  int port() const { return port_; }

 private:
  struct Connection;
  MetricsEndpoint(int fd, int port, std::shared_ptr<prometheus::Registry> registry);
  void ServeLoop();
  // The full HTTP response to a request head.
  std::string Respond(const std::string& request) const;

  const int fd_;
  const int port_;
  const std::shared_ptr<prometheus::Registry> registry_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace bioner

#endif  // BIONER_CORE_SERVICE_METRICS_HTTP_H_
