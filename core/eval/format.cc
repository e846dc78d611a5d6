#include "core/eval/format.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace bioner {
namespace {

using nlohmann::ordered_json;

constexpr const char* kStrictRule =
    "strict: a prediction is correct iff a gold entity of the same document has the same "
    "type, start and end";
constexpr const char* kLenientRule =
    "lenient: HunFlair's cross-corpus rule (hunflair-experiments evaluate_ann.py, "
    "partial_match(1)): a prediction is a tp if it lies inside an unused gold entity of the "
    "same type with at most one extra character at one end; a gold entity is found if it "
    "lies inside an unused prediction the same way; recall = tp / (tp + fn)";

ordered_json CountsJson(const Counts& c) {
  ordered_json j;
  j["tp"] = c.tp;
  j["fp"] = c.fp;
  j["fn"] = c.fn;
  j["precision"] = c.Precision();
  j["recall"] = c.Recall();
  j["f1"] = c.F1();
  return j;
}

ordered_json MacroJson(const MacroAverage& m) {
  ordered_json j;
  j["precision"] = m.precision;
  j["recall"] = m.recall;
  j["f1"] = m.f1;
  j["corpora"] = m.corpora;
  return j;
}

ordered_json TypeCountsJson(const TypeCounts& counts) {
  ordered_json j = ordered_json::object();
  for (const auto& [type, c] : counts) j[type] = CountsJson(c);
  return j;
}

ordered_json ScoresJson(const Scores& s, bool has_corpora) {
  ordered_json j;
  j["micro"] = CountsJson(s.micro);
  j["per_type"] = TypeCountsJson(s.per_type);
  if (has_corpora) {
    ordered_json per_corpus = ordered_json::object(), per_corpus_type = ordered_json::object();
    for (const auto& [corpus, c] : s.per_corpus) per_corpus[corpus] = CountsJson(c);
    for (const auto& [corpus, tc] : s.per_corpus_type) {
      per_corpus_type[corpus] = TypeCountsJson(tc);
    }
    j["per_corpus"] = std::move(per_corpus);
    j["per_corpus_type"] = std::move(per_corpus_type);
    j["macro_over_corpora"] = MacroJson(s.macro_over_corpora);
    ordered_json per_type = ordered_json::object();
    for (const auto& [type, m] : s.macro_over_corpora_per_type) per_type[type] = MacroJson(m);
    j["macro_over_corpora_per_type"] = std::move(per_type);
  }
  return j;
}

std::string Row(const std::string& name, const Counts& c) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), "  %-28s %8lld %8lld %8lld %9.4f %9.4f %9.4f\n",
                name.c_str(), static_cast<long long>(c.tp), static_cast<long long>(c.fp),
                static_cast<long long>(c.fn), c.Precision(), c.Recall(), c.F1());
  return buf;
}

std::string MacroRow(const std::string& name, const MacroAverage& m) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), "  %-28s %26s %9.4f %9.4f %9.4f  (%d corpora)\n",
                name.c_str(), "", m.precision, m.recall, m.f1, m.corpora);
  return buf;
}

std::string Header() {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "  %-28s %8s %8s %8s %9s %9s %9s\n", "", "tp", "fp", "fn",
                "precision", "recall", "f1");
  return buf;
}

void WriteScores(const char* title, const char* rule, const Scores& s, bool has_corpora,
                 std::ostringstream& os) {
  os << "== " << title << " ==\n(" << rule << ")\n" << Header();
  for (const auto& [type, c] : s.per_type) os << Row(type, c);
  os << Row("micro (all types)", s.micro);
  if (!has_corpora) return;
  os << "per corpus:\n";
  for (const auto& [corpus, c] : s.per_corpus) {
    os << Row(corpus, c);
    for (const auto& [type, tc] : s.per_corpus_type.at(corpus)) os << Row("  " + type, tc);
  }
  os << "macro over corpora (unweighted mean of per-corpus P, R and F1):\n";
  os << MacroRow("all types", s.macro_over_corpora);
  for (const auto& [type, m] : s.macro_over_corpora_per_type) os << MacroRow(type, m);
}

}  // namespace

std::string EvalResultToJson(const EvalResult& r, int indent) {
  ordered_json j;
  j["strict"] = ScoresJson(r.strict, r.has_corpora);
  j["lenient"] = ScoresJson(r.lenient, r.has_corpora);
  j["matching"] = {{"strict", kStrictRule}, {"lenient", kLenientRule}};
  j["documents_gold"] = r.gold_documents;
  j["documents_pred"] = r.pred_documents;
  j["documents_missing_from_pred"] = r.documents_missing_from_pred;
  return j.dump(indent);
}

std::string EvalResultToText(const EvalResult& r) {
  std::ostringstream os;
  os << "gold documents: " << r.gold_documents << ", predicted documents: " << r.pred_documents
     << ", gold documents missing from the predictions (all their entities count as fn): "
     << r.documents_missing_from_pred;
  for (size_t i = 0; i < r.missing_ids.size() && i < 5; ++i) {
    os << (i == 0 ? " (" : ", ") << r.missing_ids[i];
  }
  if (!r.missing_ids.empty()) os << (r.missing_ids.size() > 5 ? ", ...)" : ")");
  os << "\n\n";
  WriteScores("strict matching", kStrictRule, r.strict, r.has_corpora, os);
  os << "\n";
  WriteScores("lenient matching", kLenientRule, r.lenient, r.has_corpora, os);
  return os.str();
}

}  // namespace bioner
