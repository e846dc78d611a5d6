// Raw text for vocabulary building and masked-language-model pretraining, with the documents
// of evaluation data filtered out by PubMed and PMC id.
//
// Inputs, by name: `*.jsonl` / `*.jsonl.gz` lines are either the pretraining shards' records
// ({"pmid", "pmcid", "title", "text"}, ../shared/pretrain/SOURCES.md) or the project's
// documents ({"id", "passages" | "text"}, docs/FORMATS.md); every other name goes through
// ReadInput (core/formats/inputs.h): PubMed XML (.xml, .xml.gz), JATS, BioC, PubTator, plain text.
//
// Exclusion: a document is dropped when any of its ids (pmid, pmcid, or the document id read
// as one) is in the ExcludedIds. ExcludedIds are built from HUNER split files (the dev and test
// ids of every corpus, and all ids of the held-out corpora) and from plain id lists. Split
// ids come in many shapes ("10087562", "PMID-7543819", "PubMed-10095065", "P04013576A0981",
// "pmcA102792", "10327614_A", "1067522-01-Abstract-p01"); IdKeys() reads them as keys
// "pmid:<n>" / "pmc:<n>". Ids that name no PubMed or PMC record (patents, sentence indices
// of PPI corpora, "species004") cannot be matched and are counted as such.
//
// Stateless functions and plain values; thread-compatible.
#ifndef BIONER_CORE_TRAIN_TEXT_CORPUS_H_
#define BIONER_CORE_TRAIN_TEXT_CORPUS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace bioner::train {

// "pmid:<n>" / "pmc:<n>" keys that `id` names (leading zeros dropped); empty if none.
std::vector<std::string> IdKeys(const std::string& id);

struct ExcludedIds {
  std::set<std::string> keys;
  long ids_read = 0;         // split or list entries read
  long ids_unmatchable = 0;  // entries that name no PubMed/PMC record
  std::vector<std::string> sources;  // files read, for the report

  void Add(const std::string& id);
};

// Reads every `<corpus>.dev` / `<corpus>.test` file of a HUNER splits folder, and also the
// `.train` files of the corpora whose names start with one of `held_out_prefixes` (CRAFT,
// BioNLP-ST 2013 CG). NOT_FOUND if the folder has no split files.
Status AddSplitIds(const std::string& splits_dir, const std::vector<std::string>& held_out_prefixes,
                   ExcludedIds* out);
// One id per line (blank lines and '#' comments skipped).
Status AddIdList(const std::string& path, ExcludedIds* out);

struct TextRecord {
  std::string id;     // pmid, pmcid or document id; may be empty
  std::string text;   // title and body separated by "\n\n"
};

struct TextStats {
  long files = 0;
  long documents_read = 0;
  long documents_kept = 0;
  long documents_excluded = 0;   // an id was in ExcludedIds
  long documents_empty = 0;      // no text
  long bytes_kept = 0;
  std::map<std::string, long> excluded_by_file;
};

// Calls `sink` for every kept document of `paths`, in file order. Errors name the file and
// line; an error returned by `sink` stops the reading and is returned.
Status ReadTexts(const std::vector<std::string>& paths, const ExcludedIds& excluded,
                 const std::function<Status(const TextRecord&)>& sink, TextStats* stats);

// A one-paragraph human summary of `stats` and `excluded` (stderr of the commands, model cards).
std::string DescribeTextStats(const TextStats& stats, const ExcludedIds& excluded);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_TEXT_CORPUS_H_
