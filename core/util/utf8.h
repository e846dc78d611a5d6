// UTF-8 validation and code-point offset arithmetic.
//
// bioner stores text as UTF-8 std::string and speaks about positions in Unicode code points
// (the offsets on the wire, in files and in the tokenizer's Encoding). These helpers are the
// one place where bytes and code points are converted. Stateless; thread-safe.
#ifndef BIONER_CORE_UTIL_UTF8_H_
#define BIONER_CORE_UTIL_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace bioner::utf8 {

// OK if `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF);
// otherwise INVALID_ARGUMENT "invalid UTF-8 at byte N" prefixed with `what` when given.
Status Validate(std::string_view text, std::string_view what = {});

// Decodes well-formed UTF-8 (call Validate first) into code points.
std::vector<char32_t> Decode(std::string_view text);

// Appends the UTF-8 encoding of `cp` to `out`.
void Append(char32_t cp, std::string* out);
std::string Encode(const std::u32string& cps);
std::string Encode(const std::vector<char32_t>& cps);

// Number of code points in well-formed UTF-8.
size_t Length(std::string_view text);

// Byte offset of each code point plus one entry for the end: result[i] is where code point i
// starts, result[Length(text)] == text.size(). For converting code-point spans to byte spans.
std::vector<size_t> CodePointByteOffsets(std::string_view text);

// The code points [start, end) of `text` as UTF-8. OUT_OF_RANGE if the span does not fit.
StatusOr<std::string> Substr(std::string_view text, size_t start, size_t end);

}  // namespace bioner::utf8

#endif  // BIONER_CORE_UTIL_UTF8_H_
