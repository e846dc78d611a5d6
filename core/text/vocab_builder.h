// VocabBuilder: learns a WordPiece vocabulary from raw text, with the semantics of Hugging
// Face `tokenizers`' BertWordPieceTokenizer.train (its WordPieceTrainer, a BPE trainer with
// the "##" continuation prefix); docs/VOCAB.md describes the algorithm.
//
//   - words are those of BertTokenizer (core/text/pretokenize.h), so every word of the
//     training text can be encoded with the result when its alphabet is complete;
//   - the vocabulary is [PAD] [UNK] [CLS] [SEP] [MASK], then the alphabet (the
//     `limit_alphabet` most frequent characters, in code-point order), then each of those
//     characters as a continuation "##c", then one piece per BPE merge, most frequent pair
//     first, until `vocab_size` entries or no pair seen at least `min_frequency` times is left;
//   - the result depends only on the multiset of words added (not on how the text was split
//     into AddText calls, nor on their order): ties are broken by the pieces' bytes.
//
// Build works on pair counts kept up to date incrementally (pair -> count, pair -> words that
// hold it, a max-heap with lazy deletion), so one merge costs the words it touches, not the
// corpus. Memory is about the distinct words and their pairs, not the text.
//
// Not thread-safe for writing: AddText must not run concurrently with anything else on the
// same builder; const methods may run concurrently with each other.
#ifndef BIONER_CORE_TEXT_VOCAB_BUILDER_H_
#define BIONER_CORE_TEXT_VOCAB_BUILDER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/text/pretokenize.h"
#include "core/util/status.h"

namespace bioner::text {

struct VocabBuilderOptions {
  // Entries of the result, special tokens included. Must be > 5 and at least the size of the
  // special tokens plus the alphabet and its "##" forms (checked by Build).
  int vocab_size = 30522;
  // Pre-tokenize as an uncased model does (lowercasing, NFD, accent stripping).
  bool lowercase = false;
  // The most frequent pair must occur at least this often (weighted by word counts) to be
  // merged; training stops at the first pair below it. Must be >= 0.
  int64_t min_frequency = 2;
  // At most this many distinct characters; rarer ones are dropped from the words (and so are
  // [UNK] in the tokenizer). Must be > 0.
  int limit_alphabet = 1000;
  // Words longer than this (in characters) count for the alphabet but take no part in the
  // merges: the tokenizer turns them into [UNK] whole (its max_input_chars_per_word), and
  // leaving them out keeps a pathological "word" from costing time at every merge. Must be > 0.
  int max_input_chars_per_word = 100;
};

class VocabBuilder {
 public:
  // INVALID_ARGUMENT naming the option if one is out of range.
  static StatusOr<VocabBuilder> Create(VocabBuilderOptions options);

  // Counts the words of UTF-8 `text`. INVALID_ARGUMENT naming the byte position if it is not
  // valid UTF-8; the text is then not counted at all.
  Status AddText(std::string_view utf8_text);

  // The vocabulary, in id order (line order of a vocab.txt). FAILED_PRECONDITION if no word
  // has been added, or if vocab_size cannot hold the special tokens and the alphabet (the
  // message says how many entries they need). May be called more than once.
  StatusOr<std::vector<std::string>> Build() const;

  // Words counted so far, with repetitions, and the distinct ones among them.
  int64_t words_seen() const { return words_seen_; }
  int64_t distinct_words() const { return static_cast<int64_t>(counts_.size()); }

  const VocabBuilderOptions& options() const { return options_; }

 private:
  explicit VocabBuilder(VocabBuilderOptions options)
      : options_(options), pre_(options.lowercase) {}

  VocabBuilderOptions options_;
  PreTokenizer pre_;
  std::string scratch_;  // the UTF-8 bytes of the current word
  std::unordered_map<std::string, int64_t> counts_;  // word (UTF-8) -> occurrences
  int64_t words_seen_ = 0;
};

// `vocab` as the contents of a vocab.txt: one token per line, each line '\n'-terminated.
std::string VocabTxt(const std::vector<std::string>& vocab);

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_VOCAB_BUILDER_H_
