// `bioner-trainer report`: a model's per-type F1 next to published anchors, as Markdown.
//
// Accepted metrics files (docs/EVALUATION.md):
//  - the output of `bioner-trainer eval --json` (top-level "strict" and "lenient");
//  - an object whose top-level "test" object has that shape;
//  - a checkpoint's metrics.json (core/train/metrics.h, "entity_type" + "test.micro"): its one
//    type, strict F1 = test.macro_over_corpora.f1 (macro), lenient = test.micro.lenient_f1.
// For each file the F1 of a type is taken from <matching>.macro_over_corpora_per_type when
// the file has it (the mean of per-corpus F1s, comparable with HunFlair's averages), else
// from <matching>.per_type (micro F1 over all documents); the table says which.
//
// Stateless; thread-safe.
#ifndef BIONER_CORE_EVAL_REPORT_H_
#define BIONER_CORE_EVAL_REPORT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace bioner {

// A published F1 for an entity type; nullopt where there is none.
struct Anchor {
  std::string type;
  std::optional<double> biobert_seed;  // the seed poster's fine-tuned BioBERT
  std::optional<double> hunflair;      // HunFlair's average over the HUNER corpora
};
// One row per canonical type (Gene, Chemical, Disease, Species, CellLine), in that order.
const std::vector<Anchor>& PublishedAnchors();

struct MetricsColumn {
  std::string label;     // the file, as given
  std::string matching;  // "strict" or "lenient"
  bool macro = false;    // values are macro over corpora (else micro per type)
  std::map<std::string, double> f1;  // type -> F1
};

// Parses the text of a metrics file; `label` names it in errors and in the table.
StatusOr<MetricsColumn> ParseMetrics(const std::string& text, const std::string& label,
                                     const std::string& matching);
StatusOr<MetricsColumn> ReadMetricsFile(const std::string& path, const std::string& matching);

// The Markdown table: one row per anchor type, then any other type found in the columns;
// one F1 column per metrics file, then the anchors; "—" where there is no figure.
std::string FormatReport(const std::vector<MetricsColumn>& columns);

}  // namespace bioner

#endif  // BIONER_CORE_EVAL_REPORT_H_
