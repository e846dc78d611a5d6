// WordCharEncoder: the tokenization of word-level models with character features (the
// BiLSTM-CRF tagger): each pre-tokenized word becomes ONE word token followed by one token
// per character, so that a model reading only token ids sees both the word (to look up its
// embedding) and its spelling (for the character features of words the table lacks).
//
//   "IL-2 levels" -> IL  I L  -  -  2  2  levels  l e v e l s
//                    ^word ^chars  ...
//
// Words are those of the project's pre-tokenizer (core/text/pretokenize.h, as BERT's: split at
// whitespace and at every punctuation character), so "IL-2-induced" is five words. The decoder
// reads a word's label from its first token, the word token; the trainer labels only that
// position (core/train/examples.h), so windows, batching and decoding work unchanged.
//
// Id space (one int32 per token):
//   [0, kNumSpecial)                    [PAD] [UNK] [CLS] [SEP]
//   [kNumSpecial, num_word_ids())       the words, in the order given (an embedding table's rows)
//   num_word_ids()                      the unknown character
//   (num_word_ids(), num_ids())         the characters, in the order given
// A word the table lacks is [UNK] (after trying its lowercase form, see Options); its
// characters still come through. A word longer than max_chars_per_word keeps its first and
// last max_chars_per_word / 2 characters: prefixes and suffixes carry most of the signal.
//
// Immutable after construction; Encode() is safe from any number of threads.
#ifndef BIONER_CORE_TEXT_WORD_CHAR_ENCODER_H_
#define BIONER_CORE_TEXT_WORD_CHAR_ENCODER_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/text/text_encoder.h"

namespace bioner::text {

class WordCharEncoder final : public TextEncoder {
 public:
  static constexpr int32_t kPad = 0, kUnk = 1, kCls = 2, kSep = 3, kNumSpecial = 4;

  struct Options {
    // Characters kept per word (>= 2).
    int max_chars_per_word = 20;
    // A word not in the table is looked up again in lowercase (ASCII letters only) before it
    // becomes [UNK]: sentence-initial capitals should not cost a word its vector.
    bool lowercase_fallback = true;
  };

  // `words`: distinct, non-empty; `chars`: distinct single code points (UTF-8). INVALID_ARGUMENT
  // naming the first offending entry otherwise.
  static StatusOr<WordCharEncoder> Create(std::vector<std::string> words, std::vector<std::string> chars,
                                          Options options);

  StatusOr<Encoding> Encode(std::string_view text) const override;
  int32_t cls_id() const override { return kCls; }
  int32_t sep_id() const override { return kSep; }

  int32_t num_word_ids() const { return kNumSpecial + static_cast<int32_t>(words_.size()); }
  int32_t num_ids() const { return num_word_ids() + 1 + static_cast<int32_t>(chars_.size()); }
  bool IsWordId(int32_t id) const { return id >= 0 && id < num_word_ids(); }
  // For a character token id: 0 for the unknown character, 1 + its index in `chars`.
  int32_t CharIndex(int32_t id) const { return id - num_word_ids(); }

  const std::vector<std::string>& words() const { return words_; }
  const std::vector<std::string>& chars() const { return chars_; }
  const Options& options() const { return options_; }

  // Word id of `word` (kUnk if absent, after the lowercase fallback); char token id of `c`.
  int32_t WordId(const std::string& word) const;
  int32_t CharId(char32_t c) const;

 private:
  WordCharEncoder() = default;

  std::vector<std::string> words_, chars_;
  std::unordered_map<std::string, int32_t> word_ids_;
  std::unordered_map<char32_t, int32_t> char_ids_;
  Options options_;
};

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_WORD_CHAR_ENCODER_H_
