// The character classes of BERT's BasicTokenizer (Hugging Face `BertTokenizerFast` semantics),
// answered from ICU's Unicode properties; no hand-written property tables.
//
// Stateless; every function is safe to call from many threads.
#ifndef BIONER_CORE_TEXT_UNICODE_H_
#define BIONER_CORE_TEXT_UNICODE_H_

namespace bioner::text {

// A character that cleaning removes: NUL, U+FFFD and every character of general category
// Cc, Cf, Cn, Co or Cs, except tab, newline and carriage return (which are whitespace).
bool IsRemovedControl(char32_t c);

// A character that cleaning turns into a space: tab, newline, carriage return and every
// character with the Unicode White_Space property. Ask IsRemovedControl first: U+000B,
// U+000C and U+0085 are White_Space but Cc, and cleaning removes them.
bool IsWhitespace(char32_t c);

// A character that is a word of its own: every printable ASCII character that is neither a
// letter nor a digit (so '$', '+', '^' and '`' too), and every character of category P*.
bool IsPunctuation(char32_t c);

// A CJK ideograph, split into its own word. The blocks are those of BERT's _is_chinese_char
// (the unified ideographs and their extensions A-E, and the compatibility ideographs); they
// are a definition of the model's pre-tokenizer, not a Unicode property, and deliberately
// leave out Hangul, Hiragana and Katakana.
bool IsCjkIdeograph(char32_t c);

// General category Mn: the marks that uncased models strip after NFD.
bool IsNonspacingMark(char32_t c);

// What cleaning does with a character, in one call: the answer of the predicates above, in
// their order of precedence (removed, then whitespace, then CJK). ASCII is answered from a
// table that is built from those predicates on first use.
enum class CleanClass : unsigned char { kKeep, kRemove, kWhitespace, kCjk };
CleanClass ClassifyForCleaning(char32_t c);

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_UNICODE_H_
