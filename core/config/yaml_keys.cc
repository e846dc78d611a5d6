#include "core/config/yaml_keys.h"

#include <yaml-cpp/yaml.h>

#include <regex>
#include <set>

#include "core/util/file.h"

namespace bioner::config {

struct KeyReader::Impl {
  YAML::Node node;  // a mapping, or null for an empty one
  std::string source;
  std::string prefix;          // "" or "limits." for a section
  std::set<std::string> known;  // keys a read asked for, in this mapping

  std::string Path(const std::string& key) const { return prefix + key; }
  Status Bad(const std::string& key, const std::string& what) const {
    return InvalidArgument(source + ": key '" + Path(key) + "' " + what);
  }
  // The value of `key`, or an undefined node; null values are an error.
  StatusOr<YAML::Node> Find(const std::string& key) {
    known.insert(key);
    if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    YAML::Node n = node[key];
    if (n.IsDefined() && n.IsNull()) return Bad(key, "has no value");
    return n;
  }
  template <typename T>
  Status Scalar(const std::string& key, const char* what, T* out) {
    ASSIGN_OR_RETURN(const YAML::Node n, Find(key));
    if (!n.IsDefined()) return Status::Ok();
    if (!n.IsScalar()) return Bad(key, std::string("must be ") + what);
    if (!YAML::convert<T>::decode(n, *out)) {
      return Bad(key, std::string("must be ") + what + ", got '" + n.Scalar() + "'");
    }
    return Status::Ok();
  }
};

KeyReader::KeyReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KeyReader::KeyReader(KeyReader&&) noexcept = default;
KeyReader& KeyReader::operator=(KeyReader&&) noexcept = default;
KeyReader::~KeyReader() = default;

StatusOr<KeyReader> KeyReader::Parse(std::string_view text, std::string source) {
  auto impl = std::make_unique<Impl>();
  impl->source = std::move(source);
  try {
    impl->node = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(impl->source + ": line " + std::to_string(e.mark.line + 1) +
                           ": not valid YAML: " + e.msg);
  }
  if (!impl->node.IsNull() && !impl->node.IsMap()) {
    return InvalidArgument(impl->source + ": must be a YAML mapping of keys to values");
  }
  return KeyReader(std::move(impl));
}

StatusOr<KeyReader> KeyReader::Load(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  return Parse(text, path);
}

Status KeyReader::Int(const std::string& key, int64_t* out, int64_t min, int64_t max) {
  int64_t v = *out;
  RETURN_IF_ERROR(impl_->Scalar(key, "an integer", &v));
  if (v < min || v > max) {
    return impl_->Bad(key, std::to_string(v) + " is out of range [" + std::to_string(min) + ", " +
                               std::to_string(max) + "]");
  }
  *out = v;
  return Status::Ok();
}

Status KeyReader::Int(const std::string& key, int* out, int min, int max) {
  int64_t v = *out;
  RETURN_IF_ERROR(Int(key, &v, min, max));
  *out = static_cast<int>(v);
  return Status::Ok();
}

Status KeyReader::Number(const std::string& key, double* out) { return impl_->Scalar(key, "a number", out); }

Status KeyReader::Number(const std::string& key, std::optional<double>* out) {
  double v = 0;
  ASSIGN_OR_RETURN(const YAML::Node n, impl_->Find(key));
  if (!n.IsDefined()) return Status::Ok();
  RETURN_IF_ERROR(Number(key, &v));
  *out = v;
  return Status::Ok();
}

Status KeyReader::Bool(const std::string& key, bool* out) { return impl_->Scalar(key, "true or false", out); }

Status KeyReader::Bool(const std::string& key, std::optional<bool>* out) {
  bool v = false;
  ASSIGN_OR_RETURN(const YAML::Node n, impl_->Find(key));
  if (!n.IsDefined()) return Status::Ok();
  RETURN_IF_ERROR(Bool(key, &v));
  *out = v;
  return Status::Ok();
}

Status KeyReader::String(const std::string& key, std::string* out) {
  ASSIGN_OR_RETURN(const YAML::Node n, impl_->Find(key));
  if (!n.IsDefined()) return Status::Ok();
  if (!n.IsScalar()) return impl_->Bad(key, "must be a string");
  *out = n.Scalar();
  return Status::Ok();
}

Status KeyReader::StringList(const std::string& key, std::vector<std::string>* out) {
  ASSIGN_OR_RETURN(const YAML::Node n, impl_->Find(key));
  if (!n.IsDefined()) return Status::Ok();
  out->clear();
  if (n.IsScalar()) {  // a single name is accepted for a one-element list
    out->push_back(n.Scalar());
    return Status::Ok();
  }
  if (!n.IsSequence()) return impl_->Bad(key, "must be a list of strings");
  for (size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) return impl_->Bad(key + "[" + std::to_string(i) + "]", "must be a string");
    out->push_back(n[i].Scalar());
  }
  return Status::Ok();
}

Status KeyReader::Address(const std::string& key, std::string* out) {
  RETURN_IF_ERROR(String(key, out));
  static const std::regex re(R"(^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.\-]+):([0-9]{1,5})$)");
  std::smatch m;
  if (!std::regex_match(*out, m, re) || std::stoi(m[2]) > 65535) {
    return impl_->Bad(key, "'" + *out + "' is not host:port");
  }
  return Status::Ok();
}

StatusOr<KeyReader> KeyReader::Section(const std::string& key) {
  ASSIGN_OR_RETURN(const YAML::Node n, impl_->Find(key));
  if (n.IsDefined() && !n.IsMap()) return impl_->Bad(key, "must be a mapping");
  auto impl = std::make_unique<Impl>();
  impl->node = n.IsDefined() ? n : YAML::Node(YAML::NodeType::Null);
  impl->source = impl_->source;
  impl->prefix = impl_->Path(key) + ".";
  return KeyReader(std::move(impl));
}

Status KeyReader::Finish() const {
  if (!impl_->node.IsMap()) return Status::Ok();
  std::set<std::string> present;
  for (const auto& kv : impl_->node) {
    const std::string key = kv.first.Scalar();
    if (!present.insert(key).second) return impl_->Bad(key, "appears twice");
    if (!impl_->known.count(key)) {
      std::string known;
      for (const auto& k : impl_->known) known += (known.empty() ? "" : ", ") + k;
      return InvalidArgument(impl_->source + ": unknown key '" + impl_->Path(key) + "' (known keys: " +
                             known + ")");
    }
  }
  return Status::Ok();
}

Status KeyReader::Error(const std::string& key, const std::string& what) const { return impl_->Bad(key, what); }

const std::string& KeyReader::source() const { return impl_->source; }

}  // namespace bioner::config
