// The normalisations of uncased BERT models, keeping track of where each character came from.
//
// Offsets in bioner are code points of the original text, but lowercasing and NFD change the
// number of characters ('İ' lowercases to 'i' + U+0307; 'ï' decomposes to 'i' + U+0308). So
// the tokenizer works on AlignedChars: every normalised character carries the index of the
// original code point it came from, and every operation here carries that index along
// (a character produced from an original one inherits its index).
//
// Stateless functions over caller-owned buffers; safe to call from many threads on distinct
// buffers.
#ifndef BIONER_CORE_TEXT_NORMALIZE_H_
#define BIONER_CORE_TEXT_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace bioner::text {

struct AlignedChars {
  std::u32string chars;
  std::vector<int32_t> origin;  // origin[i]: code-point index in the original text of chars[i]

  size_t size() const { return chars.size(); }
  bool empty() const { return chars.empty(); }
  void clear() {
    chars.clear();
    origin.clear();
  }
  void push_back(char32_t c, int32_t from) {
    chars.push_back(c);
    origin.push_back(from);
  }
};

// The uncased normalisation (Lowercase, then DecomposeAndStripMarks) of an all-ASCII `chars`,
// done in place, where it is plain A-Z lowercasing: returns true. Returns false, changing
// nothing, if `chars` holds a non-ASCII character.
bool NormalizeAsciiInPlace(AlignedChars* chars);

// Lowercases `in` into `out` (cleared first) as Python's str.lower() does: full case mapping
// (İ -> i + U+0307) and the contextual final sigma, with `in` as the context. BERT lowercases
// each whitespace-separated token on its own, so `in` should be one such token.
void Lowercase(const AlignedChars& in, AlignedChars* out);

// Canonical decomposition (NFD: full decomposition, then canonical reordering of combining
// marks) of `in` into `out` (cleared first), dropping every non-spacing mark (Mn) of the
// result: BERT's accent stripping.
void DecomposeAndStripMarks(const AlignedChars& in, AlignedChars* out);

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_NORMALIZE_H_
