#include "core/corpus/registry.h"

#include <fnmatch.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/doc/document.h"

namespace bioner {
namespace corpus_data {
extern const char kCorporaJson[];
extern const char kCorporaSha256[];
}  // namespace corpus_data

namespace {

using json = nlohmann::json;

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

Status ParseStatus(const std::string& s, CorpusStatus* out) {
  if (s == "available") *out = CorpusStatus::kAvailable;
  else if (s == "missing") *out = CorpusStatus::kMissing;
  else if (s == "held_out") *out = CorpusStatus::kHeldOut;
  else return InvalidArgument("status '" + s + "' is not available, missing or held_out");
  return Status::Ok();
}

Status ParseSplitIds(const std::string& s, SplitIdRule* out) {
  if (s == "as_is") *out = SplitIdRule::kAsIs;
  else if (s == "dot_to_underscore") *out = SplitIdRule::kDotToUnderscore;
  else if (s == "sequence") *out = SplitIdRule::kSequence;
  else if (s == "mirna_train_test") *out = SplitIdRule::kMirnaTrainTest;
  else return InvalidArgument("split_ids '" + s + "' is not as_is, dot_to_underscore, sequence "
                              "or mirna_train_test");
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> ParsePairs(const json& j) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const json& p : j) out.emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::string>());
  return out;
}

const std::set<std::string>& KnownKeys() {
  static const std::set<std::string> keys = {"name", "status", "format", "options", "files",
                                             "labels", "types", "split_ids", "downloads", "patches",
                                             "file_patches", "notes"};
  return keys;
}

// One corpus entry; nlohmann exceptions are caught by the caller, which adds the corpus name.
Status ParseCorpus(const json& j, CorpusSpec* c) {
  for (const auto& [key, value] : j.items()) {
    if (!KnownKeys().count(key)) return InvalidArgument("unknown key '" + key + "'");
  }
  c->name = j.at("name").get<std::string>();
  RETURN_IF_ERROR(ParseStatus(j.at("status").get<std::string>(), &c->status));
  c->format = j.at("format").get<std::string>();
  if (j.contains("options")) c->options = j.at("options").get<std::map<std::string, std::string>>();
  c->files = j.at("files").get<std::vector<std::string>>();
  c->labels = ParsePairs(j.at("labels"));
  c->split_files = j.at("types").get<std::map<std::string, std::string>>();
  for (const auto& [type, split] : c->split_files) {
    if (!IsCanonicalEntityType(type)) {
      return InvalidArgument("types: '" + type + "' is not a canonical entity type");
    }
    if (split.empty()) return InvalidArgument("types: empty split file name for " + type);
  }
  for (const auto& [pattern, type] : c->labels) {
    if (!type.empty() && !c->split_files.count(type)) {
      return InvalidArgument("labels: '" + pattern + "' maps to " + type +
                             ", which is not one of the corpus's types");
    }
  }
  if (j.contains("split_ids")) {
    RETURN_IF_ERROR(ParseSplitIds(j.at("split_ids").get<std::string>(), &c->split_ids));
  }
  for (const json& d : j.at("downloads")) {
    CorpusDownload dl;
    dl.url = d.at("url").get<std::string>();
    dl.file = d.value("file", std::string());
    if (dl.file.empty()) {
      std::string_view u = dl.url;
      dl.file = std::string(u.substr(u.rfind('/') + 1));
    }
    dl.sha256 = d.value("sha256", std::string());
    if (!dl.sha256.empty() && !IsHex64(dl.sha256)) {
      return InvalidArgument("downloads: sha256 of " + dl.url + " is not 64 lower-case hex digits");
    }
    if (d.contains("map")) dl.map = ParsePairs(d.at("map"));
    c->downloads.push_back(std::move(dl));
  }
  if (j.contains("patches")) {
    for (const json& p : j.at("patches")) {
      AnnotationPatch a;
      a.document = p.at("document").get<std::string>();
      a.start = p.at("start").get<size_t>();
      a.end = p.at("end").get<size_t>();
      a.label = p.at("label").get<std::string>();
      a.drop = p.value("drop", false);
      a.new_start = p.value("new_start", a.start);
      a.new_end = p.value("new_end", a.end);
      a.reason = p.at("reason").get<std::string>();
      if (!a.drop && a.new_start >= a.new_end) {
        return InvalidArgument("patches: document " + a.document + ": empty new span");
      }
      c->patches.push_back(std::move(a));
    }
  }
  if (j.contains("file_patches")) {
    for (const json& p : j.at("file_patches")) {
      FilePatch f{p.at("file").get<std::string>(), p.at("diff").get<std::string>(),
                  p.at("url").get<std::string>()};
      if (std::find(c->files.begin(), c->files.end(), f.file) == c->files.end() &&
          f.file.find('!') == std::string::npos) {
        return InvalidArgument("file_patches: '" + f.file + "' is not one of the corpus's files "
                               "nor an archive member");
      }
      c->file_patches.push_back(std::move(f));
    }
  }
  c->notes = j.value("notes", std::string());
  return Status::Ok();
}

}  // namespace

const char* CorpusStatusName(CorpusStatus s) {
  switch (s) {
    case CorpusStatus::kAvailable: return "available";
    case CorpusStatus::kMissing: return "missing";
    case CorpusStatus::kHeldOut: return "held_out";
  }
  return "?";
}

bool IsSplitName(std::string_view s) { return s == "train" || s == "dev" || s == "test"; }

std::optional<std::string> CorpusSpec::MapLabel(std::string_view label) const {
  const std::string l(label);
  for (const auto& [pattern, type] : labels) {
    if (::fnmatch(pattern.c_str(), l.c_str(), 0) == 0) return type;
  }
  return std::nullopt;
}

std::vector<std::string> CorpusSpec::Types() const {
  std::vector<std::string> out;
  for (const auto& [type, split] : split_files) out.push_back(type);
  return out;
}

StatusOr<CorpusRegistry> CorpusRegistry::Parse(std::string_view json_text,
                                               std::string_view sha256sums) {
  CorpusRegistry reg;
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    return InvalidArgument(std::string("corpus registry JSON: ") + e.what());
  }
  try {
    reg.splits_dir_ = root.at("splits").at("dir").get<std::string>();
    reg.splits_url_ = root.at("splits").at("url").get<std::string>();
  } catch (const json::exception& e) {
    return InvalidArgument(std::string("corpus registry: splits: ") + e.what());
  }
  if (reg.splits_url_.empty() || reg.splits_url_.back() != '/') reg.splits_url_ += '/';
  std::set<std::string> names;
  const json* corpora = root.contains("corpora") ? &root["corpora"] : nullptr;
  if (!corpora || !corpora->is_array()) return InvalidArgument("corpus registry: no 'corpora' list");
  for (size_t i = 0; i < corpora->size(); ++i) {
    CorpusSpec c;
    const std::string where = "corpus registry: corpora[" + std::to_string(i) + "]" +
        ((*corpora)[i].contains("name") ? " (" + (*corpora)[i].value("name", "") + ")" : "");
    try {
      RETURN_IF_ERROR(ParseCorpus((*corpora)[i], &c).WithContext(where));
    } catch (const json::exception& e) {
      return InvalidArgument(where + ": " + e.what());
    }
    if (!names.insert(c.name).second) return InvalidArgument(where + ": duplicate name");
    reg.corpora_.push_back(std::move(c));
  }
  size_t line_no = 0, pos = 0;
  while (pos < sha256sums.size()) {
    size_t nl = sha256sums.find('\n', pos);
    if (nl == std::string_view::npos) nl = sha256sums.size();
    std::string_view line = sha256sums.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    // sha256sum writes "<hex>  <path>" (text mode) or "<hex> *<path>" (binary mode).
    if (line.size() < 67 || !IsHex64(line.substr(0, 64)) || line[64] != ' ' ||
        (line[65] != ' ' && line[65] != '*')) {
      return InvalidArgument("corpus sha256 manifest line " + std::to_string(line_no) +
                             ": expected '<64 hex digits>  <path>'");
    }
    reg.sha256_[std::string(line.substr(66))] = std::string(line.substr(0, 64));
  }
  return reg;
}

namespace {
struct Embedded {
  CorpusRegistry registry;
  Status status;
};
const Embedded& GetEmbedded() {
  static const Embedded* e = [] {
    auto* out = new Embedded;
    auto r = CorpusRegistry::Parse(corpus_data::kCorporaJson, corpus_data::kCorporaSha256);
    if (r.ok()) out->registry = std::move(r).value();
    else out->status = r.status();
    return out;
  }();
  return *e;
}
}  // namespace

const CorpusRegistry& CorpusRegistry::Default() { return GetEmbedded().registry; }
const Status& CorpusRegistry::EmbeddedStatus() { return GetEmbedded().status; }

StatusOr<const CorpusSpec*> CorpusRegistry::Find(std::string_view name) const {
  for (const CorpusSpec& c : corpora_) {
    if (c.name == name) return &c;
  }
  std::string known;
  for (const CorpusSpec& c : corpora_) known += (known.empty() ? "" : ", ") + c.name;
  return NotFound("unknown corpus '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<const CorpusSpec*> CorpusRegistry::WithType(std::string_view type) const {
  std::vector<const CorpusSpec*> out;
  for (const CorpusSpec& c : corpora_) {
    if (!c.held_out() && c.split_files.count(std::string(type))) out.push_back(&c);
  }
  return out;
}

std::optional<std::string> CorpusRegistry::Sha256(std::string_view relpath) const {
  auto it = sha256_.find(relpath);
  if (it == sha256_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> CorpusRegistry::ManifestFiles(std::string_view prefix) const {
  std::vector<std::string> out;
  for (auto it = sha256_.lower_bound(prefix); it != sha256_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.push_back(it->first);
  }
  return out;
}

}  // namespace bioner
