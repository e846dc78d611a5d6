#include "core/config/yaml_edit.h"

#include <yaml-cpp/yaml.h>

#include <set>

namespace bioner::config {
namespace {

// The whole text as a YAML mapping; yaml-cpp's parse errors become INVALID_ARGUMENT naming `source`.
StatusOr<YAML::Node> LoadMapping(std::string_view yaml_text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(source + ": not valid YAML: " + e.what());
  }
  if (!root.IsMap()) return InvalidArgument(source + ": must be a YAML mapping of keys to values");
  return root;
}

}  // namespace

StatusOr<std::string> SetConfigKeys(std::string_view yaml_text, const std::string& source,
                                    const std::vector<ConfigValue>& values) {
  ASSIGN_OR_RETURN(YAML::Node root, LoadMapping(yaml_text, source));
  try {
    for (const ConfigValue& v : values) root[v.key] = v.value;
    YAML::Emitter out;
    out << root;
    if (!out.good()) return Internal(source + ": cannot write the edited config as YAML: " + out.GetLastError());
    return std::string(out.c_str()) + "\n";
  } catch (const YAML::Exception& e) {
    return Internal(source + ": cannot edit the config: " + e.what());
  }
}

StatusOr<std::vector<KeyValues>> ParseKeyValueLists(std::string_view yaml_text, const std::string& source) {
  ASSIGN_OR_RETURN(const YAML::Node root, LoadMapping(yaml_text, source));
  std::vector<KeyValues> lists;
  std::set<std::string> keys;
  for (const auto& kv : root) {
    KeyValues list;
    list.key = kv.first.Scalar();
    const std::string where = source + ": key '" + list.key + "'";
    if (!keys.insert(list.key).second) return InvalidArgument(where + " appears twice");
    const YAML::Node& n = kv.second;
    if (!n.IsSequence()) return InvalidArgument(where + " must be a list of candidate values, e.g. [0.001, 0.002]");
    if (n.size() == 0) return InvalidArgument(where + " has an empty list (give at least one value)");
    std::set<std::string> seen;
    for (size_t i = 0; i < n.size(); ++i) {
      if (!n[i].IsScalar()) {
        return InvalidArgument(where + ": element " + std::to_string(i + 1) + " must be a single value, not " +
                               (n[i].IsNull() ? "null" : "a list or mapping"));
      }
      if (!seen.insert(n[i].Scalar()).second) {
        return InvalidArgument(where + ": value '" + n[i].Scalar() + "' appears twice");
      }
      list.values.push_back(n[i].Scalar());
    }
    lists.push_back(std::move(list));
  }
  return lists;
}

}  // namespace bioner::config
