// The one reader of bioner's YAML configuration files (configs/server.yaml, the trainer
// daemon's configs/trainer.yaml, training configs): a mapping whose keys the program knows.
// One design and one wording for every file:
//
//   <source>: key '<path>' must be an integer, got 'lots'
//   <source>: key '<path>' 70000 is out of range [0, 65535]
//   <source>: key '<path>' has no value
//   <source>: key '<path>' appears twice
//   <source>: unknown key '<path>' (known keys: a, b, c)
//   <source>: line 3: not valid YAML: <what yaml-cpp says>
//
// where <path> names nested keys with dots ("limits.max_document_bytes"). A key that is absent
// leaves the field at its default; a key given without a value is an error (write nothing
// rather than an empty value to get the default). yaml-cpp's exceptions end here.
//
// Not thread-safe; one reader per file, used by one thread.
#ifndef BIONER_CORE_CONFIG_YAML_KEYS_H_
#define BIONER_CORE_CONFIG_YAML_KEYS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace bioner::config {

class KeyReader {
 public:
  // Parses `text` as a YAML mapping (empty text: an empty mapping). `source` names the file.
  static StatusOr<KeyReader> Parse(std::string_view text, std::string source);
  // ReadFile + Parse.
  static StatusOr<KeyReader> Load(const std::string& path);

  KeyReader(KeyReader&&) noexcept;
  KeyReader& operator=(KeyReader&&) noexcept;
  ~KeyReader();

  // Typed reads of one key into `out`; an absent key leaves `out` unchanged.
  Status Int(const std::string& key, int64_t* out, int64_t min = INT64_MIN, int64_t max = INT64_MAX);
  Status Int(const std::string& key, int* out, int min = INT32_MIN, int max = INT32_MAX);
  Status Number(const std::string& key, double* out);
  Status Number(const std::string& key, std::optional<double>* out);
  Status Bool(const std::string& key, bool* out);
  Status Bool(const std::string& key, std::optional<bool>* out);
  Status String(const std::string& key, std::string* out);
  // A listening address "host:port" with a port in [0, 65535] (0: any free port); the host
  // may be a name, IPv4 or [IPv6]. Checks `*out` even when the key is absent (the default).
  Status Address(const std::string& key, std::string* out);
  // A list of strings; a single string is read as a list of one. Replaces `out` when present.
  Status StringList(const std::string& key, std::vector<std::string>* out);
  // The nested mapping under `key` (an empty one when absent), with its own unknown-key
  // check: call Finish on it too.
  StatusOr<KeyReader> Section(const std::string& key);

  // Refuses keys that appear twice and keys that no read asked for (listing the known ones).
  // Call after the last read.
  Status Finish() const;

  // INVALID_ARGUMENT "<source>: key '<path>' <what>", for checks made after reading.
  Status Error(const std::string& key, const std::string& what) const;
  const std::string& source() const;

 private:
  struct Impl;
  explicit KeyReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bioner::config

#endif  // BIONER_CORE_CONFIG_YAML_KEYS_H_
