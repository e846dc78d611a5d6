#include "trainer/daemon_config.h"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <regex>

#include "core/util/file.h"

namespace bioner::trainer {
namespace {

Status Bad(const std::string& source, const std::string& key, const std::string& what) {
  return InvalidArgument(source + ": key '" + key + "' " + what);
}

StatusOr<int64_t> ReadInt(const YAML::Node& n, const std::string& source, const std::string& key,
                          int64_t min, int64_t max) {
  int64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<int64_t>::decode(n, v))
    return Bad(source, key, "must be an integer");
  if (v < min || v > max) {
    return Bad(source, key,
               std::to_string(v) + " is out of range [" + std::to_string(min) + ", " +
                   std::to_string(max) + "]");
  }
  return v;
}

StatusOr<std::string> ReadString(const YAML::Node& n, const std::string& source,
                                 const std::string& key) {
  if (!n.IsScalar()) return Bad(source, key, "must be a string");
  return n.Scalar();
}

// host:port with a port in [0, 65535]; the host may be a name, IPv4 or [IPv6].
Status CheckAddress(const std::string& v, const std::string& source, const std::string& key) {
  static const std::regex re(R"(^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.\-]+):([0-9]{1,5})$)");
  std::smatch m;
  if (!std::regex_match(v, m, re) || std::stoi(m[2]) > 65535)
    return Bad(source, key, "'" + v + "' is not host:port");
  return Status::Ok();
}

}  // namespace

StatusOr<DaemonConfig> ParseDaemonConfig(const std::string& yaml_text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(source + ": not valid YAML: " + e.what());
  }
  DaemonConfig c;
  if (!root.IsNull() && !root.IsMap())
    return InvalidArgument(source + ": must be a YAML mapping of keys to values");
  using Handler = std::function<Status(const YAML::Node&, const std::string&)>;
  const auto integer = [&](int64_t* out, int64_t min, int64_t max) -> Handler {
    return [=, &source](const YAML::Node& n, const std::string& key) {
      ASSIGN_OR_RETURN(*out, ReadInt(n, source, key, min, max));
      return Status::Ok();
    };
  };
  const std::map<std::string, Handler> handlers = {
      {"jobs_dir",
       [&](const YAML::Node& n, const std::string& key) {
         ASSIGN_OR_RETURN(c.jobs_dir, ReadString(n, source, key));
         return Status::Ok();
       }},
      {"metrics_listen",
       [&](const YAML::Node& n, const std::string& key) {
         ASSIGN_OR_RETURN(c.metrics_listen, ReadString(n, source, key));
         return CheckAddress(c.metrics_listen, source, key);
       }},
      {"poll_interval_ms", integer(&c.poll_interval_ms, 10, 600000)},
      {"progress_every_steps", integer(&c.progress_every_steps, 1, 1000000)},
      {"stop_grace_s", integer(&c.stop_grace_s, 0, 3600)},
  };
  if (root.IsMap()) {
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      auto it = handlers.find(key);
      if (it == handlers.end()) {
        std::string known;
        for (const auto& h : handlers) known += (known.empty() ? "" : ", ") + h.first;
        return InvalidArgument(source + ": unknown key '" + key + "' (known keys: " + known + ")");
      }
      if (kv.second.IsNull()) return Bad(source, key, "has no value");
      RETURN_IF_ERROR(it->second(kv.second, key));
    }
  }
  if (c.jobs_dir.empty()) return Bad(source, "jobs_dir", "is required (the jobs folder)");
  return c;
}

StatusOr<DaemonConfig> ReadDaemonConfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseDaemonConfig(text, path);
}

}  // namespace bioner::trainer
