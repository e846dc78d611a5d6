// BertTokenizer: BERT's WordPiece tokenizer with the semantics of Hugging Face's
// `BertTokenizerFast` (pinned by the test vectors of ../shared/testvectors/tokenizer/):
//
//   1. cleaning: NUL, U+FFFD and characters of categories Cc/Cf/Cn/Co/Cs other than \t \n \r
//      are removed; White_Space characters become word boundaries;
//   2. CJK ideographs become words of their own;
//   3. uncased models only, per whitespace-separated token: lowercasing as Python's
//      str.lower(), NFD, removal of non-spacing marks (Mn);
//   4. punctuation (ASCII non-alphanumeric printable, Unicode P*) becomes words of its own;
//   (steps 1-4 are the pre-tokenization of core/text/pretokenize.h, shared with the
//   vocabulary builder)
//   5. WordPiece per word: greedy longest match first, "##" continuations; a word longer than
//      max_input_chars_per_word code points, or one that cannot be covered, is one [UNK].
//
// Linear in the length of the text: a long word is measured before WordPiece sees it, and
// WordPiece walks a trie of the vocabulary, so each search is bounded by the longest entry.
//
// Immutable after construction: Encode() is const and keeps its scratch state on the stack,
// so one tokenizer may be shared by any number of threads without locking.
#ifndef BIONER_CORE_TEXT_TOKENIZER_H_
#define BIONER_CORE_TEXT_TOKENIZER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/text/encoding.h"
#include "core/text/piece_trie.h"
#include "core/text/text_encoder.h"
#include "core/text/vocab.h"
#include "core/util/status.h"

namespace bioner::text {

struct TokenizerOptions {
  // Lowercase and strip accents (uncased vocabularies such as PubMedBERT's).
  bool lowercase = false;
  // Longer words become [UNK] (BERT's max_input_chars_per_word). Must be > 0.
  int32_t max_input_chars_per_word = 100;
};

class BertTokenizer final : public TextEncoder {
 public:
  // INVALID_ARGUMENT if the options are out of range.
  static StatusOr<BertTokenizer> Create(Vocab vocab, TokenizerOptions options = {});

  // Reads a Hugging Face model folder: `vocab.txt`, and the casing from `do_lower_case` in
  // `tokenizer_config.json` (true when the file or key is absent, as for Hugging Face's
  // BertTokenizer). `lowercase`, when set, overrides the folder's casing. A config whose
  // `strip_accents` disagrees with the casing or that turns off `tokenize_chinese_chars`
  // asks for a tokenizer this is not: UNIMPLEMENTED, naming the file and key.
  static StatusOr<BertTokenizer> FromModelDir(const std::string& dir,
                                              std::optional<bool> lowercase = std::nullopt);

  // Tokenizes UTF-8 `text`. INVALID_ARGUMENT naming the byte position if it is not valid
  // UTF-8 (or longer than 2^31 - 1 bytes). An empty or all-whitespace text gives an empty
  // Encoding.
  StatusOr<Encoding> Encode(std::string_view text) const override;
  int32_t cls_id() const override { return vocab_.cls_id(); }
  int32_t sep_id() const override { return vocab_.sep_id(); }

  const Vocab& vocab() const { return vocab_; }
  const TokenizerOptions& options() const { return options_; }

 private:
  BertTokenizer(Vocab vocab, PieceTrie trie, TokenizerOptions options)
      : vocab_(std::move(vocab)), trie_(std::move(trie)), options_(options) {}

  Vocab vocab_;
  PieceTrie trie_;
  TokenizerOptions options_;
};

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_TOKENIZER_H_
