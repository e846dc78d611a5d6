// Output of an EvalResult: the JSON object that `bioner-trainer eval --json` prints (a stable
// contract for scripts; docs/EVALUATION.md lists every key) and a readable text table.
//
// JSON shape (keys under per_corpus*, macro_* appear only when the gold names corpora):
//   {"strict":  {"micro": C, "per_type": {"Disease": C, ...},
//                "per_corpus": {"ncbi_disease": C, ...},
//                "per_corpus_type": {"ncbi_disease": {"Disease": C, ...}, ...},
//                "macro_over_corpora": M,
//                "macro_over_corpora_per_type": {"Disease": M, ...}},
//    "lenient": {...the same shape...},
//    "matching": {"strict": "...", "lenient": "..."},
//    "documents_gold": N, "documents_pred": N, "documents_missing_from_pred": N}
//   C = {"tp", "fp", "fn", "precision", "recall", "f1"}
//   M = {"precision", "recall", "f1", "corpora"}
//
// Stateless; thread-safe.
#ifndef BIONER_CORE_EVAL_FORMAT_H_
#define BIONER_CORE_EVAL_FORMAT_H_

#include <string>

#include "core/eval/evaluate.h"

namespace bioner {

// One JSON object; `indent` < 0 writes one line.
std::string EvalResultToJson(const EvalResult& result, int indent = 2);

// Tables of P/R/F1 and counts for each matching, per type, overall, per corpus and the
// macro averages, each headed with the matching that produced it.
std::string EvalResultToText(const EvalResult& result);

}  // namespace bioner

#endif  // BIONER_CORE_EVAL_FORMAT_H_
