// Key-level edits of YAML config files, for `bioner-trainer tune` (core/train/tune.h): a base
// config with some keys replaced, and a mapping of keys to lists of candidate values.
//
// These functions only move YAML scalars around; they never interpret a key. Every value still
// reaches a TrainConfig through ParseTrainConfig (core/train/train_config.h), which reads the
// keys with KeyReader (yaml_keys.h). They live beside it because this layer is the only code
// that touches yaml-cpp (its exceptions become Status here and nowhere else).
//
// Stateless functions; thread-safe.
#ifndef BIONER_CORE_CONFIG_YAML_EDIT_H_
#define BIONER_CORE_CONFIG_YAML_EDIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace bioner::config {

// A top-level key and one YAML scalar for it, as written in the file ("0.001", "bilstm_crf").
struct ConfigValue {
  std::string key;
  std::string value;
};

// The mapping `yaml_text` with each key of `values` set to its value (replaced in place or
// appended), emitted as YAML. Comments are not kept. Errors name `source`.
StatusOr<std::string> SetConfigKeys(std::string_view yaml_text, const std::string& source,
                                    const std::vector<ConfigValue>& values);

// A key and its candidate values, as written.
struct KeyValues {
  std::string key;
  std::vector<std::string> values;
};

// A YAML mapping of keys to non-empty lists of scalars, in file order. A value that is not such
// a list, an empty list, an element that is not a scalar (or is null), a key or an element that
// appears twice is an error naming `source` and the key.
StatusOr<std::vector<KeyValues>> ParseKeyValueLists(std::string_view yaml_text, const std::string& source);

}  // namespace bioner::config

#endif  // BIONER_CORE_CONFIG_YAML_EDIT_H_
