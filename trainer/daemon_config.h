// DaemonConfig: the typed settings of `bioner-trainer serve` (configs/trainer.yaml), with the
// defaults stated here once (docs/TRAINING.md, "The daemon").
//
// ParseDaemonConfig reads it through core/config's KeyReader (the wording every config file
// shares): an unknown key, a value of the wrong type or out of range is INVALID_ARGUMENT
// naming the source and the key; nothing is clamped. Plain values; thread-safe to read.
#ifndef BIONER_TRAINER_DAEMON_CONFIG_H_
#define BIONER_TRAINER_DAEMON_CONFIG_H_

#include <cstdint>
#include <string>

#include "core/util/status.h"

namespace bioner::trainer {

struct DaemonConfig {
  std::string jobs_dir;                           // required: the jobs folder (see job_folder.h)
  std::string metrics_listen = "127.0.0.1:9465";  // Prometheus /metrics; port 0: any free port
  int64_t poll_interval_ms = 1000;                // how often the folder and the job are looked at
  int64_t progress_every_steps = 10;              // a progress line every N optimizer steps
  int64_t stop_grace_s = 30;  // SIGTERM to the job, then SIGKILL after this long
};

// Parses YAML text; `source` (a file name) prefixes every error.
StatusOr<DaemonConfig> ParseDaemonConfig(const std::string& yaml_text, const std::string& source);
StatusOr<DaemonConfig> ReadDaemonConfig(const std::string& path);

}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_DAEMON_CONFIG_H_
