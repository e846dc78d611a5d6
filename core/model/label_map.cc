#include "core/model/label_map.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/doc/document.h"
#include "core/model/labels.h"
#include "core/util/file.h"

namespace bioner {
namespace {

using Json = nlohmann::json;

std::string Quote(const std::string& s) { return "'" + s + "'"; }

std::string KnownTypes() {
  std::string out;
  for (const char* t : kEntityTypes) out += (out.empty() ? "" : ", ") + std::string(t);
  return out;
}

// nlohmann keeps the last of two equal keys silently; in a label map that is a mistake to
// show (LABEL_1 mapped twice), so the parse refuses it.
StatusOr<Json> ParseStrict(std::string_view text, const std::string& source) {
  std::vector<std::set<std::string>> open;  // the keys of each object being parsed
  std::string duplicate;
  auto callback = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) open.emplace_back();
    if (event == Json::parse_event_t::object_end) open.pop_back();
    if (event == Json::parse_event_t::key &&
        !open.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  Json j;
  try {
    j = Json::parse(text.begin(), text.end(), callback);
  } catch (const Json::exception& e) {
    return InvalidArgument(source + ": not valid JSON: " + e.what());
  }
  if (!duplicate.empty())
    return InvalidArgument(source + ": key " + Quote(duplicate) + " is given twice");
  return j;
}

// An object of strings, as std::map; `key` names it in errors.
StatusOr<std::map<std::string, std::string>> StringMap(const Json& j, const std::string& key,
                                                       const std::string& source) {
  if (!j.is_object() || j.empty()) {
    return InvalidArgument(source + ": " + Quote(key) + " must be a non-empty object of strings");
  }
  std::map<std::string, std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it->is_string()) {
      return InvalidArgument(source + ": " + Quote(key) + ": the value of " + Quote(it.key()) +
                             " must be a string");
    }
    out[it.key()] = it->get<std::string>();
  }
  return out;
}

Status CheckOurType(const std::string& type, const std::string& where, const std::string& source) {
  if (IsCanonicalEntityType(type)) return Status::Ok();
  return InvalidArgument(source + ": " + where + " maps to unknown entity type " + Quote(type) +
                         " (bioner's types: " + KnownTypes() + ")");
}

// No target of `map` (theirs -> ours) is reached from two of theirs: one of our types or labels
// fed by two of the checkpoint's would merge what the model keeps apart. `what` prefixes the
// target in the message ("type ").
Status CheckMappedOnce(const std::map<std::string, std::string>& map, const std::string& what,
                       const std::string& source) {
  std::map<std::string, std::string> from;  // ours -> the first of theirs mapped onto it
  for (const auto& [theirs, ours] : map) {
    auto [it, fresh] = from.emplace(ours, theirs);
    if (!fresh) {
      return InvalidArgument(source + ": " + what + Quote(ours) + " is mapped twice (from " +
                             Quote(it->second) + " and " + Quote(theirs) + ")");
    }
  }
  return Status::Ok();
}

// {"type": T}: the checkpoint's labels are O and bare prefixes B, I, E, S.
StatusOr<std::vector<std::string>> MapBarePrefixes(const Json& value,
                                                   const std::vector<std::string>& labels,
                                                   const std::string& source) {
  if (!value.is_string()) return InvalidArgument(source + ": 'type' must be a string");
  const std::string type = value.get<std::string>();
  RETURN_IF_ERROR(CheckOurType(type, "'type'", source));
  std::vector<std::string> out;
  for (const std::string& l : labels) {
    if (l == "O") {
      out.push_back(l);
    } else if (l == "B" || l == "I" || l == "E" || l == "S") {
      out.push_back(l + "-" + type);
    } else {
      return InvalidArgument(
          source + ": the model's label " + Quote(l) +
          " is not O, B, I, E or S, so 'type' cannot map it (use 'types' or 'labels')");
    }
  }
  return out;
}

// {"types": {theirs: ours}}: the checkpoint's labels are O and <P>-<their type>.
StatusOr<std::vector<std::string>> MapTypes(const Json& value,
                                            const std::vector<std::string>& labels,
                                            const std::string& source) {
  ASSIGN_OR_RETURN(auto types, StringMap(value, "types", source));
  for (const auto& [theirs, ours] : types) {
    RETURN_IF_ERROR(CheckOurType(ours, "type " + Quote(theirs), source));
  }
  RETURN_IF_ERROR(CheckMappedOnce(types, "type ", source));
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const std::string& l : labels) {
    Label parsed;
    if (!ParseLabel(l, &parsed)) {
      return InvalidArgument(
          source + ": the model's label " + Quote(l) +
          " is not O or <B|I|E|S>-<type>, so 'types' cannot map it (use 'labels')");
    }
    if (parsed.prefix == 'O') {
      out.push_back(l);
      continue;
    }
    auto it = types.find(parsed.type);
    if (it == types.end()) {
      return InvalidArgument(source + ": the model's label " + Quote(l) +
                             " is not mapped (no type " + Quote(parsed.type) + " in 'types')");
    }
    seen.insert(parsed.type);
    out.push_back(std::string(1, parsed.prefix) + "-" + it->second);
  }
  for (const auto& [theirs, ours] : types) {
    if (!seen.count(theirs)) {
      return InvalidArgument(source + ": 'types' names type " + Quote(theirs) +
                             ", which no label of the model has");
    }
  }
  return out;
}

// {"labels": {theirs: ours}}: any names (LABEL_0, ...), mapped one by one.
StatusOr<std::vector<std::string>> MapLabels(const Json& value,
                                             const std::vector<std::string>& labels,
                                             const std::string& source) {
  ASSIGN_OR_RETURN(auto map, StringMap(value, "labels", source));
  for (const auto& [theirs, ours] : map) {
    Label parsed;
    if (!ParseLabel(ours, &parsed)) {
      return InvalidArgument(source + ": label " + Quote(theirs) + " maps to " + Quote(ours) +
                             ", which is not O or <B|I|E|S>-<type>");
    }
    if (parsed.prefix != 'O') {
      RETURN_IF_ERROR(CheckOurType(parsed.type, "label " + Quote(theirs), source));
    }
  }
  RETURN_IF_ERROR(CheckMappedOnce(map, "", source));
  const std::set<std::string> model(labels.begin(), labels.end());
  for (const auto& [theirs, ours] : map) {
    if (!model.count(theirs)) {
      return InvalidArgument(source + ": 'labels' names label " + Quote(theirs) +
                             ", which the model does not have");
    }
  }
  std::vector<std::string> out;
  for (const std::string& l : labels) {
    auto it = map.find(l);
    if (it != map.end()) {
      out.push_back(it->second);
    } else if (l == "O") {
      out.push_back(l);  // a literal O needs no entry
    } else {
      return InvalidArgument(source + ": the model's label " + Quote(l) + " is not mapped");
    }
  }
  return out;
}

}  // namespace

StatusOr<std::vector<std::string>> ApplyLabelMap(std::string_view json_text,
                                                 const std::vector<std::string>& labels,
                                                 const std::string& source) {
  ASSIGN_OR_RETURN(Json j, ParseStrict(json_text, source));
  if (!j.is_object()) return InvalidArgument(source + ": must be a JSON object");
  int forms = 0;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "types" || it.key() == "type" || it.key() == "labels") {
      ++forms;
    } else if (it.key() == "comment") {
      if (!it->is_string()) return InvalidArgument(source + ": 'comment' must be a string");
    } else {
      return InvalidArgument(
          source + ": unknown key " + Quote(it.key()) +
          " (a label map has one of 'types', 'type', 'labels', and an optional 'comment')");
    }
  }
  if (forms != 1) {
    return InvalidArgument(source + ": give exactly one of 'types', 'type' or 'labels' (found " +
                           std::to_string(forms) + ")");
  }
  if (labels.empty()) {
    return InvalidArgument(source +
                           ": the model has no labels (its config.json has no id2label), "
                           "so there is nothing to map");
  }
  StatusOr<std::vector<std::string>> out =
      j.contains("type")    ? MapBarePrefixes(j["type"], labels, source)
      : j.contains("types") ? MapTypes(j["types"], labels, source)
                            : MapLabels(j["labels"], labels, source);
  if (!out.ok()) return out;
  // The same check every model's labels pass (an I- without its B-, two O's, ...), named here
  // so that the user is sent to the map, not to config.json.
  auto set = LabelSet::Create(*out);
  if (!set.ok()) return set.status().WithContext(source + ": the mapped labels");
  return out;
}

Status ApplyLabelMapFile(const std::string& path, BertConfig* config) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ASSIGN_OR_RETURN(config->labels, ApplyLabelMap(text, config->labels, path));
  return Status::Ok();
}

}  // namespace bioner
