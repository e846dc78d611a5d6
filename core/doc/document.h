// The document model: one currency for every stage of bioner (readers, tagger, evaluation,
// server, client), after spaCy's Doc/Span and BioC.
//
// A Document has an id, passages that sit at code-point offsets of the document (the gaps
// between passages are spaces, the BioC convention), and entities with half-open [start, end)
// spans in Unicode code points of the whole document. The invariant, checked whenever an
// entity is added, is that entity.text equals the document text at [start, end); nothing ever
// repairs an offset silently.
//
// Thread safety: a const Document may be read from many threads; mutation needs exclusive use.
#ifndef BIONER_CORE_DOC_DOCUMENT_H_
#define BIONER_CORE_DOC_DOCUMENT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace bioner {

// The entity types bioner's models and corpora use. Other non-empty type names are allowed in
// documents (a user's own model may predict them); these are the canonical spellings.
inline constexpr const char* kEntityTypes[] = {"Gene", "Chemical", "Disease", "Species",
                                               "CellLine"};
bool IsCanonicalEntityType(std::string_view type);

// The longest document bioner reads, in code points: 2^25 = 33,554,432, about ten times the
// largest PMC article (a few million characters). Document::Create refuses a passage offset
// or a document end past it, so that no reader materialises an absurd gap (an offset of 1e12
// would otherwise be appended as that many spaces). docs/FORMATS.md states it.
inline constexpr size_t kMaxDocumentLength = size_t{1} << 25;

struct Passage {
  std::string type;    // "title", "abstract", "paragraph", ...
  size_t offset = 0;   // code points from the start of the document
  std::string text;    // UTF-8
};

struct Entity {
  size_t start = 0;    // code points, inclusive
  size_t end = 0;      // code points, exclusive
  std::string type;
  std::string text;    // == document text at [start, end)
  float score = 1.0f;  // model confidence in [0, 1]; 1 for gold annotations
  std::string model_version;  // which model produced it; empty for gold

  friend bool operator==(const Entity& a, const Entity& b) {
    return a.start == b.start && a.end == b.end && a.type == b.type;
  }
};

class Document {
 public:
  Document() = default;

  // Validates UTF-8 of every passage, that passages are in order and do not overlap, that
  // no offset and the document's end lie past kMaxDocumentLength (checked before any gap is
  // materialised), and the entity invariant; the error (INVALID_ARGUMENT, or OUT_OF_RANGE for
  // an entity past the text) names the document id, the passage or entity, and what is wrong.
  static StatusOr<Document> Create(std::string id, std::vector<Passage> passages,
                                   std::vector<Entity> entities = {});

  const std::string& id() const { return id_; }
  const std::vector<Passage>& passages() const { return passages_; }
  const std::vector<Entity>& entities() const { return entities_; }

  // Which corpus the document comes from ("ncbi_disease"); empty when unknown.
  const std::string& corpus() const { return corpus_; }
  void set_corpus(std::string corpus) { corpus_ = std::move(corpus); }

  // The whole document text: passages at their offsets, gaps filled with spaces.
  const std::string& text() const { return text_; }
  // Length of text() in code points.
  size_t length() const { return length_; }

  // Adds entities after checking each against the text. An entity with empty `text` gets the
  // document's text at its span; one with non-empty `text` must match it. Entities are kept
  // sorted by (start, end, type). On error nothing is added.
  Status AddEntities(std::vector<Entity> entities);
  Status AddEntity(Entity entity) { return AddEntities({std::move(entity)}); }
  void ClearEntities() { entities_.clear(); }

 private:
  std::string id_;
  std::string corpus_;
  std::vector<Passage> passages_;
  std::vector<Entity> entities_;
  std::string text_;
  size_t length_ = 0;
};

}  // namespace bioner

#endif  // BIONER_CORE_DOC_DOCUMENT_H_
