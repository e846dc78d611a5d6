// Encoding: what the tokenizer returns for one text, and what the model and the decoder read.
//
// Tokens, ids, offsets and word indices are parallel vectors of one struct (never separate
// out-parameters), without [CLS]/[SEP]: the caller that builds model inputs adds those (ids
// from Vocab) and windows long texts.
//
// Offsets are [start, end) in Unicode code points of the ORIGINAL text given to the
// tokenizer, whatever cleaning, lowercasing or NFD did to it: a "##" piece covers only its
// own characters, an [UNK] covers its whole word.
//
// A plain value; const access is safe from many threads.
#ifndef BIONER_CORE_TEXT_ENCODING_H_
#define BIONER_CORE_TEXT_ENCODING_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bioner::text {

using Span = std::pair<int32_t, int32_t>;  // [start, end) in code points

struct Encoding {
  std::vector<int32_t> ids;
  std::vector<std::string> tokens;
  std::vector<Span> offsets;
  // word_ids[i]: index into `words` of the pre-tokenized word token i belongs to.
  std::vector<int32_t> word_ids;
  // The pre-tokenized words (whitespace- and punctuation-separated, each punctuation
  // character and CJK ideograph a word of its own), in text order. Every word has at least
  // one token. The decoder labels words: a word's label is read from its first token.
  std::vector<Span> words;

  size_t size() const { return ids.size(); }
  bool empty() const { return ids.empty(); }
};

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_ENCODING_H_
