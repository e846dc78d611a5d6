// Corpus file formats: one reader per format, shared by every corpus that uses it
// (STYLE.md §4: corpora are data, formats are code). The registry (registry.h) names, for
// each corpus, the format and the files; a reader turns those files into Documents whose
// entities still carry the corpus's own labels (e.g. "GeneProtein", "Living_Beings"); the
// registry's label map turns them into bioner's entity types afterwards.
//
// Readers never repair silently: every dropped or changed annotation is counted in the
// CorpusReport under a reason, with a few examples naming the document.
// Readers are stateless functions; thread-safe.
#ifndef BIONER_CORE_FORMATS_FORMAT_H_
#define BIONER_CORE_FORMATS_FORMAT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner {

// What a conversion dropped or repaired, by reason ("overlapping entity kept outermost",
// "offsets did not match text", "split id missing from corpus", ...).
struct CorpusReport {
  std::map<std::string, long> counts;                     // reason -> how many
  std::map<std::string, std::vector<std::string>> examples;  // reason -> up to 5 examples
  void Add(const std::string& reason, const std::string& example);
  void Merge(const CorpusReport& other);
};

struct FormatInput {
  std::string corpus;               // registry name, for messages
  std::vector<std::string> files;   // absolute paths (archives already unpacked), in order
  std::map<std::string, std::string> options;  // format-specific, from the registry entry
};

using FormatReader = StatusOr<std::vector<Document>> (*)(const FormatInput&, CorpusReport*);

// The reader registered under `name` ("bioc_xml", "pubtator", "brat", ...), or nullptr.
FormatReader FindFormat(std::string_view name);
// All registered format names, sorted.
std::vector<std::string> FormatNames();

}  // namespace bioner

#endif  // BIONER_CORE_FORMATS_FORMAT_H_
