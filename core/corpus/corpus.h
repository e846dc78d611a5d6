// Loading a registered corpus: files -> format reader -> label mapping -> overlap resolution
// -> split assignment, with every drop and repair counted in one CorpusReport.
//
// Steps, each counted under a reason in LoadedCorpus::report (the readers' own counts merged):
//  1. The registry's files are resolved under <root>/<corpus>/ (archives named "A!M" are
//     unpacked into a temporary folder, removed when loading ends).
//  2. HUNER's file patches (registry.h FilePatch) are applied to temporary copies, then the
//     format reader returns documents with the corpus's own labels; reviewed entity patches
//     (AnnotationPatch) are applied to its output.
//  3. Labels are mapped to canonical types; labels the registry drops on purpose and labels
//     it does not know are both counted ("label 'DNA' is not a HUNER type (dropped)",
//     "unknown label 'X' (not in the registry; dropped)").
//  4. Within one type, nested and overlapping entities are resolved: the outermost (longest,
//     then first) is kept, the others counted; exact duplicates are merged and counted.
//  5. A repeated document id keeps the first document.
//  6. Per type, documents are assigned to train/dev/test by its HUNER split file; missing ids,
//     documents in no split, etc. are counted (splits.h).
//  7. Entities that the sentence splitter would cut are counted (kept).
//
// Held-out corpora load (for evaluation) but refuse to hand out their train split.
// Thread-compatible: a LoadedCorpus is a value; const access from many threads is safe.
#ifndef BIONER_CORE_CORPUS_CORPUS_H_
#define BIONER_CORE_CORPUS_CORPUS_H_

#include <map>
#include <string>
#include <vector>

#include "core/formats/format.h"
#include "core/corpus/registry.h"
#include "core/corpus/sentences.h"
#include "core/corpus/splits.h"
#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner {

struct CorpusLoadOptions {
  std::string root;  // a mirror or cache folder: <root>/<corpus>/, <root>/huner_splits/
};

struct LoadedCorpus {
  const CorpusSpec* spec = nullptr;
  std::vector<Document> documents;  // canonical types only; corpus() set to spec->name
  std::vector<std::vector<SentenceSpan>> sentences;  // per document
  std::map<std::string, SplitAssignment> splits;   // canonical type -> assignment
  std::map<std::string, long> labels;              // corpus label -> mentions read
  CorpusReport report;
};

StatusOr<LoadedCorpus> LoadCorpus(const CorpusRegistry& registry, const CorpusSpec& spec,
                                  const CorpusLoadOptions& options);

// The documents of `split` with the entities of `types` (empty: all of the corpus's types;
// types the corpus lacks are ignored). Membership is decided per type: a document is in the
// result if it is in `split` for at least one requested type, and carries only the entities
// of those types. FAILED_PRECONDITION for the train split of a held-out corpus; INVALID_ARGUMENT
// for an unknown split name.
StatusOr<std::vector<Document>> SplitDocuments(const LoadedCorpus& corpus,
                                               const std::string& split,
                                               const std::vector<std::string>& types = {});

struct SplitStats {
  long documents = 0;
  long sentences = 0;
  long entities = 0;             // of the type
  long crossing_sentences = 0;   // entities of the type that a sentence split would cut
  long missing_ids = 0;          // split ids naming no document
  // Entities of the type with a boundary inside a word of the word taggers' pre-tokenizer
  // (core/text/pretokenize.h): a word tagger can only label whole words, so training widens
  // them to words (core/train/examples.h). Up to 3 examples: "mention" in "word(s)".
  long inside_words = 0;
  std::vector<std::string> inside_word_examples;
};
// type -> split -> stats.
std::map<std::string, std::map<std::string, SplitStats>> ComputeStats(const LoadedCorpus& corpus);

// Resolves nested/overlapping entities of one type as in step 4; public for testing.
std::vector<Entity> ResolveOverlaps(std::vector<Entity> entities, const std::string& doc_id,
                                    CorpusReport* report);

}  // namespace bioner

#endif  // BIONER_CORE_CORPUS_CORPUS_H_
