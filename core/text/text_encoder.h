// TextEncoder: what the tagger and the trainer need of a model's tokenization, whatever the
// architecture behind it. Encode() turns a text into an Encoding (token ids, code-point
// offsets, and the words the decoder labels: a word's label is read from its FIRST token),
// and cls_id()/sep_id() frame each model input as [CLS] tokens [SEP].
//
// Implementations: BertTokenizer (WordPiece subwords, core/text/tokenizer.h) and
// WordCharEncoder (one word token followed by one token per character, for word-level models
// with character features, core/text/word_char_encoder.h). Code that windows, batches and
// decodes (core/decode, server/) depends only on this interface.
//
// Implementations are immutable after construction; Encode() may be called from any number
// of threads at once.
#ifndef BIONER_CORE_TEXT_TEXT_ENCODER_H_
#define BIONER_CORE_TEXT_TEXT_ENCODER_H_

#include <cstdint>
#include <string_view>

#include "core/text/encoding.h"
#include "core/util/status.h"

namespace bioner::text {

class TextEncoder {
 public:
  virtual ~TextEncoder() = default;

  // INVALID_ARGUMENT naming the byte position if `text` is not valid UTF-8. An empty or
  // all-whitespace text gives an empty Encoding.
  virtual StatusOr<Encoding> Encode(std::string_view text) const = 0;

  // The ids that open and close a model input; Vocab::kAbsent (-1) when the vocabulary has
  // none (such an encoder cannot feed a model).
  virtual int32_t cls_id() const = 0;
  virtual int32_t sep_id() const = 0;
};

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_TEXT_ENCODER_H_
