// bioner-trainer serve: the trainer daemon (docs/TRAINING.md, "The daemon"). Flags and
// config, the metrics endpoint, the daemon thread, and SIGTERM/SIGINT taken in this thread
// (core/service/shutdown_signals.h): the daemon stops the running job and exits 0.
#include <iostream>
#include <memory>
#include <thread>

#include "core/util/args.h"
#include "core/service/log.h"
#include "core/service/metrics_http.h"
#include "core/service/shutdown_signals.h"
#include "trainer/commands.h"
#include "trainer/daemon.h"

namespace bioner::trainer {
namespace {

StatusOr<DaemonConfig> ConfigFromFlags(int argc, char** argv) {
  ArgParser p("bioner-trainer serve",
              "Trains the jobs of a jobs folder one at a time, each in a child process "
              "(docs/TRAINING.md).");
  p.AddValue("config", "FILE.yaml", "daemon configuration (see configs/trainer.yaml)",
             /*required=*/true);
  p.AddValue("jobs", "DIR", "jobs folder, overrides `jobs_dir`");
  p.AddValue("metrics", "ADDR",
             "Prometheus /metrics address host:port, overrides `metrics_listen` (port 0: any)");
  RETURN_IF_ERROR(p.Parse(argc, argv));
  if (!p.positional().empty())
    return InvalidArgument("unexpected argument '" + p.positional().front() + "'");
  ASSIGN_OR_RETURN(DaemonConfig config, ReadDaemonConfig(p.Get("config")));
  if (p.Has("jobs") || p.Has("metrics")) {
    // Overrides go through the same parser, so they are validated the same way.
    std::string yaml = "jobs_dir: \"" + (p.Has("jobs") ? p.Get("jobs") : config.jobs_dir) + "\"\n";
    yaml += "metrics_listen: \"" + (p.Has("metrics") ? p.Get("metrics") : config.metrics_listen) +
            "\"\n";
    ASSIGN_OR_RETURN(DaemonConfig flags, ParseDaemonConfig(yaml, "command line"));
    config.jobs_dir = flags.jobs_dir;
    config.metrics_listen = flags.metrics_listen;
  }
  return config;
}

}  // namespace

int RunServe(int argc, char** argv) {
  SetLogProgram("bioner-trainer serve");
  const ShutdownSignals signals;  // job processes get the default actions back at exec

  auto config = ConfigFromFlags(argc, argv);
  if (!config.ok()) {
    if (config.status().code() == StatusCode::kCancelled) return 0;  // --help
    std::cerr << "bioner-trainer serve: " << config.status().ToString() << "\n";
    return 2;
  }
  auto folder = JobFolder::Open(config->jobs_dir);
  if (!folder.ok()) {
    std::cerr << "bioner-trainer serve: " << folder.status().ToString() << "\n";
    return 1;
  }
  auto registry = std::make_shared<prometheus::Registry>();
  DaemonMetrics metrics(registry);
  auto endpoint = MetricsEndpoint::Start(config->metrics_listen, registry);
  if (!endpoint.ok()) {
    std::cerr << "bioner-trainer serve: " << endpoint.status().ToString() << "\n";
    return 1;
  }
  const std::string host = config->metrics_listen.substr(0, config->metrics_listen.rfind(':'));
  Log("metrics on " + host + ":" + std::to_string((*endpoint)->port()) + "/metrics");

  // /proc/self/exe: the same binary, whatever the working directory or PATH.
  TrainerDaemon daemon(*config, "/proc/self/exe", std::move(folder).value(), &metrics);
  std::thread loop([&daemon] { daemon.Run(); });

  Log(std::string("received ") + signals.Wait() + ", stopping");
  daemon.Stop();
  loop.join();
  return 0;
}

}  // namespace bioner::trainer
