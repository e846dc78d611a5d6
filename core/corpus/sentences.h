// Sentence splitting for training: biomedical-aware and conservative. A boundary is placed
// after '.', '!' or '?' (plus closing quotes/brackets) that is followed by whitespace and a
// sentence start (upper-case letter, digit, or opening bracket/quote), and at line breaks.
// There is no boundary
//   - after known abbreviations (e.g., i.e., et al., Fig., vs., sp., spp., cf., ca., approx.,
//     Dr., No., ...), after a single letter ("E. coli", initials), or before a lower-case word;
//   - inside a decimal number ("3.5"), since a boundary needs whitespace after the period;
//   - inside round or square brackets (depth is reset at each line break so one unbalanced
//     bracket cannot swallow a paragraph).
// Spans are half-open [start, end) in code points, trimmed of surrounding whitespace; text
// that is only whitespace yields no sentence.
//
// Stateless; thread-safe.
#ifndef BIONER_CORE_CORPUS_SENTENCES_H_
#define BIONER_CORE_CORPUS_SENTENCES_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/doc/document.h"

namespace bioner {

struct SentenceSpan {
  size_t start = 0;  // code points, inclusive
  size_t end = 0;    // code points, exclusive
  friend bool operator==(const SentenceSpan& a, const SentenceSpan& b) {
    return a.start == b.start && a.end == b.end;
  }
};

// `text` must be valid UTF-8 (as a Document's text always is).
std::vector<SentenceSpan> SplitSentences(std::string_view text);

// Sentences of a document (split per passage, so no sentence spans two passages), in document
// code points.
std::vector<SentenceSpan> SplitDocumentSentences(const Document& doc);

// Entities of `doc` that no single sentence contains: a sentence split would cut them.
std::vector<const Entity*> EntitiesCrossingSentences(const Document& doc,
                                                     const std::vector<SentenceSpan>& sentences);

}  // namespace bioner

#endif  // BIONER_CORE_CORPUS_SENTENCES_H_
