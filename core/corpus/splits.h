// HUNER split files and the assignment of documents to train/dev/test.
//
// A split file lists one document id per line (shared/corpora/SOURCES.md §3): many use CRLF,
// many lack the final newline, some start with a blank line; ReadSplitFile strips '\r' and
// skips blank lines. Assignment follows the split files exactly: an id that names no document
// is reported (count + examples), never silently dropped; so are documents in no split, ids
// listed twice, and ids in more than one split.
//
// Stateless functions; thread-safe.
#ifndef BIONER_CORE_CORPUS_SPLITS_H_
#define BIONER_CORE_CORPUS_SPLITS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/formats/format.h"
#include "core/corpus/registry.h"
#include "core/util/status.h"

namespace bioner {

// Ids of one split file, in file order (duplicates kept, for the report).
StatusOr<std::vector<std::string>> ReadSplitFile(const std::string& path);
std::vector<std::string> ParseSplitIds(std::string_view content);

// The three id lists of one split family ("ncbi" -> ncbi.train, ncbi.dev, ncbi.test).
struct SplitFamily {
  std::string name;
  std::map<std::string, std::vector<std::string>> ids;  // "train"/"dev"/"test" -> ids
};
StatusOr<SplitFamily> ReadSplitFamily(const std::string& splits_dir, const std::string& name);

// The document key a split id names, under `rule`, given the documents' ids in reader order.
// kSequence maps the i-th document to "i"; kDotToUnderscore maps "IEPA.d12" to "IEPA_d12";
// kMirnaTrainTest maps "x-train" and "x-test" to "x".
std::vector<std::string> SplitKeys(const std::vector<std::string>& doc_ids, SplitIdRule rule);

// Indices into the documents for each split, in split-file order. Problems go to `report`
// under the reasons below, with the family name and the id as examples:
//   "split id missing from corpus (<split>)", "split id listed twice (<split>)",
//   "document in more than one split", "document in no split".
// Documents sharing a key are all assigned (the caller removes duplicate documents first).
struct SplitAssignment {
  std::map<std::string, std::vector<size_t>> docs;  // split -> document indices
  std::map<std::string, long> missing;              // split -> ids naming no document
};
SplitAssignment AssignSplits(const std::vector<std::string>& doc_keys, const SplitFamily& family,
                             CorpusReport* report);

}  // namespace bioner

#endif  // BIONER_CORE_CORPUS_SPLITS_H_
