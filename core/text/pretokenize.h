// BERT's pre-tokenization: the words of a text, before WordPiece, exactly as BertTokenizer
// (core/text/tokenizer.h) sees them, so that whatever learns from words (the vocabulary
// builder) and whatever encodes them (the tokenizer) agree by construction:
//
//   1. cleaning: NUL, U+FFFD and characters of categories Cc/Cf/Cn/Co/Cs other than \t \n \r
//      are removed; White_Space characters become word boundaries;
//   2. CJK ideographs become words of their own;
//   3. `lowercase` only, per whitespace-separated token: lowercasing as Python's str.lower(),
//      NFD, removal of non-spacing marks (Mn);
//   4. punctuation (ASCII non-alphanumeric printable, Unicode P*) becomes words of its own.
//
// `on_word(const AlignedChars& chars, size_t begin, size_t end)` is called once per word, in
// text order: the word is chars.chars[begin, end), never empty, and chars.origin[k] is the
// code-point index in `text` that chars.chars[k] came from. `chars` is scratch space that is
// overwritten after the call returns.
//
// A template so that the tokenizer's per-word call is inlined (its speed is a benchmark
// figure, docs/BENCHMARKS.md). A PreTokenizer keeps its scratch buffers between Run calls;
// use one per thread. The free function PreTokenize is the one-shot form.
#ifndef BIONER_CORE_TEXT_PRETOKENIZE_H_
#define BIONER_CORE_TEXT_PRETOKENIZE_H_

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text/normalize.h"
#include "core/text/unicode.h"
#include "core/util/status.h"
#include "core/util/utf8.h"

namespace bioner::text {

// INVALID_ARGUMENT if `text` is not valid UTF-8 (naming the byte position) or is longer than
// 2^31 - 1 bytes (origins are int32_t); the checks Run makes before calling on_word at all.
Status CheckPreTokenizeInput(std::string_view text);

class PreTokenizer {
 public:
  explicit PreTokenizer(bool lowercase) : lowercase_(lowercase) {}

  // Calls on_word for each word of `text` (see the file comment). On an error nothing has
  // been reported.
  template <typename OnWord>
  Status Run(std::string_view text, OnWord&& on_word);

 private:
  // The current whitespace-separated token is complete: normalise it, split off
  // punctuation, report its words.
  template <typename OnWord>
  void EndRun(OnWord& on_word);

  bool lowercase_;
  AlignedChars run_, lowered_, stripped_;
};

template <typename OnWord>
Status PreTokenize(std::string_view text, bool lowercase, OnWord&& on_word) {
  PreTokenizer pre(lowercase);
  return pre.Run(text, std::forward<OnWord>(on_word));
}

template <typename OnWord>
Status PreTokenizer::Run(std::string_view text, OnWord&& on_word) {
  RETURN_IF_ERROR(CheckPreTokenizeInput(text));
  run_.clear();
  if (text.empty()) return Status();
  const std::vector<char32_t> cps = utf8::Decode(text);
  for (size_t i = 0; i < cps.size(); ++i) {
    const char32_t c = cps[i];
    const auto origin = static_cast<int32_t>(i);
    switch (ClassifyForCleaning(c)) {
      case CleanClass::kKeep:
        run_.push_back(c, origin);
        break;
      case CleanClass::kRemove:
        break;
      case CleanClass::kWhitespace:
        EndRun(on_word);
        break;
      case CleanClass::kCjk:
        EndRun(on_word);
        run_.push_back(c, origin);
        EndRun(on_word);
        break;
    }
  }
  EndRun(on_word);
  return Status();
}

template <typename OnWord>
void PreTokenizer::EndRun(OnWord& on_word) {
  if (run_.empty()) return;
  const AlignedChars* chars = &run_;
  if (lowercase_ && !NormalizeAsciiInPlace(&run_)) {
    Lowercase(run_, &lowered_);
    DecomposeAndStripMarks(lowered_, &stripped_);
    chars = &stripped_;
  }
  size_t word_start = 0;
  for (size_t k = 0; k < chars->size(); ++k) {
    if (!IsPunctuation(chars->chars[k])) continue;
    if (k > word_start) on_word(*chars, word_start, k);
    on_word(*chars, k, k + 1);
    word_start = k + 1;
  }
  if (word_start < chars->size()) on_word(*chars, word_start, chars->size());
  run_.clear();
}

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_PRETOKENIZE_H_
