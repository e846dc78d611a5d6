#include "core/eval/report.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/util/file.h"

namespace bioner {
namespace {

using nlohmann::json;

constexpr const char* kNone = "—";

std::string Fmt(std::optional<double> v) {
  if (!v) return kNone;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", *v);
  return buf;
}

// Reads {"Type": {"f1": x, ...}, ...} into `out`.
Status ReadF1s(const json& obj, const std::string& where, std::map<std::string, double>* out) {
  if (!obj.is_object()) return InvalidArgument(where + ": expected an object");
  for (const auto& [type, v] : obj.items()) {
    const std::string w = where + "." + type;
    if (!v.is_object()) return InvalidArgument(w + ": expected an object");
    auto f1 = v.find("f1");
    if (f1 == v.end()) return InvalidArgument(w + ": missing \"f1\"");
    if (!f1->is_number()) return InvalidArgument(w + ".f1: expected a number");
    (*out)[type] = f1->get<double>();
  }
  return Status::Ok();
}

}  // namespace

const std::vector<Anchor>& PublishedAnchors() {
  static const std::vector<Anchor> kAnchors = {
      {"Gene", std::nullopt, std::nullopt},
      {"Chemical", std::nullopt, std::nullopt},
      {"Disease", 0.828, 0.865},
      {"Species", 0.799, 0.870},
      {"CellLine", 0.697, 0.806},
  };
  return kAnchors;
}

StatusOr<MetricsColumn> ParseMetrics(const std::string& text, const std::string& label,
                                     const std::string& matching) {
  if (matching != "strict" && matching != "lenient") {
    return InvalidArgument("matching must be 'strict' or 'lenient', not '" + matching + "'");
  }
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidArgument(label + ": not valid JSON");
  if (!root.is_object()) return InvalidArgument(label + ": expected a JSON object");
  std::string where = label + ": ";
  const json* scores = &root;
  if (!root.contains("strict") && root.contains("test") && root.contains("entity_type") &&
      root["test"].is_object() && root["test"].contains("micro")) {
    // A checkpoint's metrics.json (core/train/metrics.h): one type, test scores per corpus.
    const json& test = root["test"];
    MetricsColumn col;
    col.label = label;
    col.matching = matching;
    const json* f1 = nullptr;
    if (matching == "strict" && test.contains("macro_over_corpora")) {
      col.macro = true;
      f1 = &test["macro_over_corpora"]["f1"];
    } else if (test["micro"].is_object()) {
      f1 = &test["micro"][matching == "strict" ? "f1" : "lenient_f1"];
    }
    if (!root["entity_type"].is_string() || f1 == nullptr || !f1->is_number()) {
      return InvalidArgument(label + ": a checkpoint metrics.json needs \"entity_type\" and a numeric test F1");
    }
    col.f1[root["entity_type"].get<std::string>()] = f1->get<double>();
    return col;
  }
  if (!root.contains("strict") && root.contains("test")) {
    scores = &root["test"];
    where += "test.";
    if (!scores->is_object()) return InvalidArgument(label + ": \"test\" must be an object");
  }
  auto m = scores->find(matching);
  if (m == scores->end()) {
    return InvalidArgument(label + ": no \"" + matching + "\" object (expected the output of "
                           "'bioner-trainer eval --json' or a metrics.json with \"test\")");
  }
  where += matching;
  if (!m->is_object()) return InvalidArgument(where + ": expected an object");
  MetricsColumn col;
  col.label = label;
  col.matching = matching;
  if (auto macro = m->find("macro_over_corpora_per_type"); macro != m->end()) {
    col.macro = true;
    RETURN_IF_ERROR(ReadF1s(*macro, where + ".macro_over_corpora_per_type", &col.f1));
  } else if (auto per_type = m->find("per_type"); per_type != m->end()) {
    RETURN_IF_ERROR(ReadF1s(*per_type, where + ".per_type", &col.f1));
  } else {
    return InvalidArgument(where + ": has neither \"macro_over_corpora_per_type\" nor "
                           "\"per_type\"");
  }
  return col;
}

StatusOr<MetricsColumn> ReadMetricsFile(const std::string& path, const std::string& matching) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseMetrics(text, path, matching);
}

std::string FormatReport(const std::vector<MetricsColumn>& columns) {
  std::vector<std::string> types;
  std::set<std::string> seen;
  for (const Anchor& a : PublishedAnchors()) {
    types.push_back(a.type);
    seen.insert(a.type);
  }
  for (const MetricsColumn& c : columns) {
    for (const auto& [type, f1] : c.f1) {
      if (seen.insert(type).second) types.push_back(type);
    }
  }
  std::ostringstream os;
  os << "| Entity type |";
  for (size_t i = 0; i < columns.size(); ++i) os << " F1 [" << i + 1 << "] |";
  os << " BioBERT, seed poster | HunFlair, average |\n|---|";
  for (size_t i = 0; i < columns.size(); ++i) os << "---:|";
  os << "---:|---:|\n";
  for (const std::string& type : types) {
    os << "| " << type << " |";
    for (const MetricsColumn& c : columns) {
      auto it = c.f1.find(type);
      os << " " << Fmt(it == c.f1.end() ? std::nullopt : std::optional<double>(it->second))
         << " |";
    }
    std::optional<double> biobert, hunflair;
    for (const Anchor& a : PublishedAnchors()) {
      if (a.type == type) {
        biobert = a.biobert_seed;
        hunflair = a.hunflair;
      }
    }
    os << " " << Fmt(biobert) << " | " << Fmt(hunflair) << " |\n";
  }
  os << "\n";
  for (size_t i = 0; i < columns.size(); ++i) {
    const MetricsColumn& c = columns[i];
    os << "[" << i + 1 << "] " << c.label << ": " << c.matching << " matching; "
       << (c.macro ? "F1 = unweighted mean of the per-corpus F1s over the corpora annotated "
                     "for the type (macro over corpora)"
                   : "micro F1 over all documents (the file names no corpora)")
       << ".\n";
  }
  os << "Anchors are the published figures, not recomputed here: the seed poster's "
        "fine-tuned BioBERT and HunFlair's average over the HUNER corpora; \"" << kNone
     << "\" = no figure.\n";
  return os.str();
}

}  // namespace bioner
