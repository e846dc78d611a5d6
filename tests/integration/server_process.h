// Helpers for the server's integration tests: the real bioner-server binary in a child
// process on loopback, tiny model repositories, a gRPC channel and a /metrics scrape.
#ifndef BIONER_TESTS_INTEGRATION_SERVER_PROCESS_H_
#define BIONER_TESTS_INTEGRATION_SERVER_PROCESS_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>

#include "core/model/safetensors.h"
#include "core/util/status.h"

namespace bioner::testing {

// Writes a random BERT token classifier for `type` (labels O, B-type, I-type) with the
// BioBERT vocabulary into `dir`, plus tokenizer_config.json and a metrics.json.
Status WriteTinyModel(const std::string& dir, const std::string& type, uint64_t seed);
// Writes a random BiLSTM-CRF for `type` into repo/<type>/<version> and its small embedding
// table (its vectors stored as `table_dtype`: F32 or F16) into repo/.embeddings/<sha256>,
// where the loader finds it.
Status WriteTinyWordTagger(const std::string& repo, const std::string& type, const std::string& version,
                           uint64_t seed, DType table_dtype = DType::kF32);

// bioner-server started with `--config config_path --listen 127.0.0.1:0 --metrics
// 127.0.0.1:0`; waits (up to 60 s) for the "listening on" line and reads both ports from
// stderr. Sends SIGKILL on destruction if still running.
// Not thread-safe, except that Terminate() may run on another thread than the reads of
// stderr_text().
class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();
  // `binary`: another bioner-server build (benchmarks compare two); default: this build's.
  Status Start(const std::string& config_path, const std::string& binary = "");
  // SIGTERM, then waits for the exit (up to `timeout_s`); returns the exit code (-1 if it
  // did not exit normally).
  int Terminate(int timeout_s = 30);

  int port() const { return port_; }
  pid_t pid() const { return pid_; }  // -1 when not running
  int metrics_port() const { return metrics_port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string stderr_text() const;
  std::shared_ptr<grpc::Channel> Channel() const;

 private:
  pid_t pid_ = -1;
  std::string dir_;  // holds the server's stderr; removed on destruction
  std::string err_path_;
  int port_ = 0;
  int metrics_port_ = 0;
};

// Polls `condition` every 50 ms for up to `seconds`; its last value.
bool WaitFor(const std::function<bool()>& condition, int seconds);

// A TCP connection to 127.0.0.1:`port` (the caller closes it); -1 on failure.
int ConnectLoopback(int port);
// GET http://127.0.0.1:port/metrics over a plain socket; the body.
StatusOr<std::string> ScrapeMetrics(int port);
// The value of the sample whose line starts with `series` (e.g.
// `bioner_requests_total{code="OK",method="Annotate"}`); 0 when absent.
double MetricValue(const std::string& metrics_text, const std::string& series);

}  // namespace bioner::testing

#endif  // BIONER_TESTS_INTEGRATION_SERVER_PROCESS_H_
