#include "trainer/daemon_config.h"

#include "core/config/yaml_keys.h"
#include "core/util/file.h"

namespace bioner::trainer {

StatusOr<DaemonConfig> ParseDaemonConfig(const std::string& yaml_text, const std::string& source) {
  ASSIGN_OR_RETURN(config::KeyReader r, config::KeyReader::Parse(yaml_text, source));
  DaemonConfig c;
  RETURN_IF_ERROR(r.String("jobs_dir", &c.jobs_dir));
  RETURN_IF_ERROR(r.Address("metrics_listen", &c.metrics_listen));
  RETURN_IF_ERROR(r.Int("poll_interval_ms", &c.poll_interval_ms, 10, 600000));
  RETURN_IF_ERROR(r.Int("progress_every_steps", &c.progress_every_steps, 1, 1000000));
  RETURN_IF_ERROR(r.Int("stop_grace_s", &c.stop_grace_s, 0, 3600));
  RETURN_IF_ERROR(r.Finish());
  if (c.jobs_dir.empty()) return r.Error("jobs_dir", "is required (the jobs folder)");
  return c;
}

StatusOr<DaemonConfig> ReadDaemonConfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseDaemonConfig(text, path);
}

}  // namespace bioner::trainer
