// Entity-level evaluation of predicted documents against gold documents: the library API
// behind `bioner-trainer eval` and the trainer's model selection on dev F1.
//
// Documents are paired by id. Each pair is scored with both matchings of core/eval/match.h
// (strict and HunFlair's lenient rule); counts are summed per entity type, overall (micro),
// and per corpus and per corpus and type when the gold documents name their corpus.
//
// Input rules (every error names the file, the line when known, the document id and the
// problem; nothing is evaluated when one fails):
//  - duplicate ids within the gold or within the predictions: error;
//  - a prediction whose id is not among the gold documents: error;
//  - a prediction whose text (Document::text()) differs from its gold document's: error;
//  - a gold document without a prediction: all its gold entities are false negatives, and
//    it is counted in EvalResult::documents_missing_from_pred;
//  - no gold documents at all: error (an empty gold file is almost always a wrong path);
//    no predictions: valid, every gold document is missing;
//  - some gold documents name a corpus and others do not: error (per-corpus figures would
//    silently leave documents out).
// The corpus of a prediction document is ignored: the gold document's corpus counts.
//
// Stateless functions; thread-safe.
#ifndef BIONER_CORE_EVAL_EVALUATE_H_
#define BIONER_CORE_EVAL_EVALUATE_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/doc/document.h"
#include "core/eval/counts.h"
#include "core/eval/match.h"
#include "core/util/status.h"

namespace bioner {

// The counts of one matching (strict or lenient).
struct Scores {
  Counts micro;           // over all documents and types
  TypeCounts per_type;    // type -> counts
  // Filled only when the gold documents name corpora:
  std::map<std::string, Counts> per_corpus;            // corpus -> counts (all types)
  std::map<std::string, TypeCounts> per_corpus_type;   // corpus -> type -> counts
  // Mean over all gold corpora of their per-corpus precision, recall and F1.
  MacroAverage macro_over_corpora;
  // type -> mean over the corpora whose GOLD has at least one entity of the type (the
  // corpora annotated for it; a corpus where only predictions have the type is left out).
  std::map<std::string, MacroAverage> macro_over_corpora_per_type;
};

struct EvalResult {
  Scores strict;
  Scores lenient;
  bool has_corpora = false;  // the gold documents name corpora: per-corpus fields are filled
  size_t gold_documents = 0;
  size_t pred_documents = 0;
  size_t documents_missing_from_pred = 0;
  std::vector<std::string> missing_ids;  // ids of those documents, in gold order
};

// A list of documents with where each was read from, for error messages.
struct DocumentSet {
  std::string source;             // file name, or a description ("gold")
  std::vector<Document> docs;
  std::vector<size_t> lines;      // 1-based line of docs[i]; empty when unknown
};

// Reads a JSONL file (core/doc/jsonl.h) keeping each document's line number.
StatusOr<DocumentSet> ReadDocumentSet(const std::string& path);

StatusOr<EvalResult> Evaluate(const DocumentSet& gold, const DocumentSet& pred);
// For callers that hold documents in memory (the trainer): errors say "gold document #i" and
// "predicted document #i" (0-based) instead of file lines.
StatusOr<EvalResult> Evaluate(const std::vector<Document>& gold,
                              const std::vector<Document>& pred);

}  // namespace bioner

#endif  // BIONER_CORE_EVAL_EVALUATE_H_
