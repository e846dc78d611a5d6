#include "core/eval/evaluate.h"

#include <fstream>
#include <set>
#include <string_view>
#include <unordered_map>

#include "core/doc/jsonl.h"
#include "core/util/utf8.h"

namespace bioner {
namespace {

// A view of one side of the evaluation: documents plus how to name their position.
struct Side {
  const std::string& source;
  const std::vector<Document>& docs;
  const std::vector<size_t>* lines;  // null: positions are "document #i"

  std::string Position(size_t i) const {
    if (lines != nullptr && i < lines->size()) return "line " + std::to_string((*lines)[i]);
    return "document #" + std::to_string(i);
  }
  std::string Where(size_t i) const {
    return source + " " + Position(i) + " (id '" + docs[i].id() + "')";
  }
};

// id -> index; refuses duplicates.
StatusOr<std::unordered_map<std::string, size_t>> IndexIds(const Side& side) {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < side.docs.size(); ++i) {
    auto [it, inserted] = index.emplace(side.docs[i].id(), i);
    if (!inserted) {
      return InvalidArgument(side.Where(i) + ": duplicate document id, first seen at " +
                             side.Position(it->second));
    }
  }
  return index;
}

// Code-point position of the first difference of two texts (the shorter length when one is
// a prefix of the other).
size_t FirstDifference(std::string_view a, std::string_view b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  while (i > 0 && i < a.size() && (static_cast<unsigned char>(a[i]) & 0xC0) == 0x80) --i;
  return utf8::Length(a.substr(0, i));
}

Status CheckCorpora(const Side& gold, bool* has_corpora) {
  const size_t kNone = gold.docs.size();
  size_t first_named = kNone, first_unnamed = kNone;
  for (size_t i = 0; i < gold.docs.size(); ++i) {
    size_t& first = gold.docs[i].corpus().empty() ? first_unnamed : first_named;
    if (first == kNone) first = i;
  }
  *has_corpora = first_named != kNone;
  if (first_named == kNone || first_unnamed == kNone) return Status::Ok();
  return InvalidArgument(gold.Where(first_unnamed) + ": names no \"corpus\", but " +
                         gold.Where(first_named) + " names corpus '" +
                         gold.docs[first_named].corpus() +
                         "'; either every gold document names its corpus or none does");
}

void AddTo(const TypeCounts& doc_counts, const std::string& corpus, bool has_corpora,
           Scores* scores) {
  for (const auto& [type, c] : doc_counts) {
    scores->micro += c;
    scores->per_type[type] += c;
    if (has_corpora) {
      scores->per_corpus[corpus] += c;
      scores->per_corpus_type[corpus][type] += c;
    }
  }
}

void FinishMacro(const std::map<std::string, std::set<std::string>>& gold_types_by_corpus,
                 Scores* scores) {
  std::vector<Counts> all;
  std::map<std::string, std::vector<Counts>> by_type;
  for (const auto& [corpus, types] : gold_types_by_corpus) {
    all.push_back(scores->per_corpus[corpus]);  // a corpus without any entity counts as 0s
    for (const std::string& type : types) {
      by_type[type].push_back(scores->per_corpus_type[corpus][type]);
    }
  }
  scores->macro_over_corpora = MacroAverage::Of(all);
  for (const auto& [type, list] : by_type) {
    scores->macro_over_corpora_per_type[type] = MacroAverage::Of(list);
  }
}

StatusOr<EvalResult> EvaluateSides(const Side& gold, const Side& pred) {
  if (gold.docs.empty()) {
    return InvalidArgument(gold.source + ": no gold documents (empty file?)");
  }
  ASSIGN_OR_RETURN(auto gold_index, IndexIds(gold));
  ASSIGN_OR_RETURN(auto pred_index, IndexIds(pred));
  EvalResult result;
  RETURN_IF_ERROR(CheckCorpora(gold, &result.has_corpora));

  // Validate every prediction before counting anything, so an error leaves no half result.
  for (size_t j = 0; j < pred.docs.size(); ++j) {
    const Document& p = pred.docs[j];
    auto it = gold_index.find(p.id());
    if (it == gold_index.end()) {
      return InvalidArgument(pred.Where(j) + ": no gold document has this id (gold: " +
                             gold.source + ")");
    }
    const Document& g = gold.docs[it->second];
    if (p.text() != g.text()) {
      return InvalidArgument(pred.Where(j) + ": document text differs from the gold document (" +
                             gold.Where(it->second) + ") from code point " +
                             std::to_string(FirstDifference(p.text(), g.text())) +
                             "; predictions must be made on the gold text");
    }
  }

  static const std::vector<Entity> kNoEntities;
  std::map<std::string, std::set<std::string>> gold_types_by_corpus;
  for (size_t i = 0; i < gold.docs.size(); ++i) {
    const Document& g = gold.docs[i];
    auto it = pred_index.find(g.id());
    const std::vector<Entity>* predicted = &kNoEntities;
    if (it == pred_index.end()) {
      ++result.documents_missing_from_pred;
      result.missing_ids.push_back(g.id());
    } else {
      predicted = &pred.docs[it->second].entities();
    }
    TypeCounts strict, lenient;
    MatchStrict(g.entities(), *predicted, &strict);
    MatchLenient(g.entities(), *predicted, &lenient);
    AddTo(strict, g.corpus(), result.has_corpora, &result.strict);
    AddTo(lenient, g.corpus(), result.has_corpora, &result.lenient);
    if (result.has_corpora) {
      std::set<std::string>& types = gold_types_by_corpus[g.corpus()];
      for (const Entity& e : g.entities()) types.insert(e.type);
    }
  }
  if (result.has_corpora) {
    FinishMacro(gold_types_by_corpus, &result.strict);
    FinishMacro(gold_types_by_corpus, &result.lenient);
  }
  result.gold_documents = gold.docs.size();
  result.pred_documents = pred.docs.size();
  return result;
}

}  // namespace

StatusOr<DocumentSet> ReadDocumentSet(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  DocumentSet set;
  set.source = path;
  RETURN_IF_ERROR(ReadJsonlWithLines(in, path, [&](Document doc, size_t line_no) {
    set.docs.push_back(std::move(doc));
    set.lines.push_back(line_no);
    return Status::Ok();
  }));
  return set;
}

StatusOr<EvalResult> Evaluate(const DocumentSet& gold, const DocumentSet& pred) {
  return EvaluateSides(Side{gold.source, gold.docs, &gold.lines},
                       Side{pred.source, pred.docs, &pred.lines});
}

StatusOr<EvalResult> Evaluate(const std::vector<Document>& gold,
                              const std::vector<Document>& pred) {
  static const std::string kGold = "gold", kPred = "predictions";
  return EvaluateSides(Side{kGold, gold, nullptr}, Side{kPred, pred, nullptr});
}

}  // namespace bioner
