// MetricsEndpoint: a minimal HTTP/1.0 server that answers `GET /metrics` with the Prometheus
// text format of one registry (prometheus-cpp's TextSerializer), and 404 for anything else.
//
// Why not prometheus-cpp's Exposer: its civetweb cannot start its worker threads in a
// process that has LibTorch loaded (civetweb logs "Cannot create threads"; reproduced with
// LD_PRELOAD=libtorch_cpu.so on a ten-line Exposer program), and bioner-server and
// `bioner-trainer serve` load LibTorch. One accept thread serves scrapes one at a time, which
// is what Prometheus does. It lives in core so that both programs link the one copy.
//
// Thread safety: construct, port() and destroy from one thread; the registry is read by the
// accept thread (prometheus-cpp's Collect() is thread-safe).
#ifndef BIONER_CORE_SERVICE_METRICS_HTTP_H_
#define BIONER_CORE_SERVICE_METRICS_HTTP_H_

#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "core/util/status.h"

namespace bioner {

class MetricsEndpoint {
 public:
  // Listens on `address` ("host:port", IPv4 or a resolvable name; port 0 picks a free one).
  static StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& address, std::shared_ptr<prometheus::Registry> registry);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  int port() const { return port_; }

 private:
  MetricsEndpoint(int fd, int port, std::shared_ptr<prometheus::Registry> registry);
  void AcceptLoop();
  void Serve(int conn);

  const int fd_;
  const int port_;
  const std::shared_ptr<prometheus::Registry> registry_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace bioner

#endif  // BIONER_CORE_SERVICE_METRICS_HTTP_H_
