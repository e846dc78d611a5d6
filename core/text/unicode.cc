#include "core/text/unicode.h"

#include <unicode/uchar.h>

#include <array>

namespace bioner::text {

bool IsRemovedControl(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  if (c == 0 || c == 0xFFFD) return true;
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_C_MASK) != 0;
}

bool IsWhitespace(char32_t c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
  if (c < 0x80) return false;
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_WHITE_SPACE);
}

bool IsPunctuation(char32_t c) {
  if (c < 0x80) {
    // Printable ASCII minus letters and digits: BERT's ranges 33-47, 58-64, 91-96, 123-126.
    return c >= 0x21 && c <= 0x7E &&
           !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
  }
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_P_MASK) != 0;
}

bool IsCjkIdeograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool IsNonspacingMark(char32_t c) {
  if (c < 0x300) return false;  // The first Mn character is U+0300.
  return u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK;
}

namespace {

CleanClass ClassifySlow(char32_t c) {
  if (IsRemovedControl(c)) return CleanClass::kRemove;
  if (IsWhitespace(c)) return CleanClass::kWhitespace;
  if (IsCjkIdeograph(c)) return CleanClass::kCjk;
  return CleanClass::kKeep;
}

}  // namespace

CleanClass ClassifyForCleaning(char32_t c) {
  static const std::array<CleanClass, 128> kAscii = [] {
    std::array<CleanClass, 128> table{};
    for (char32_t a = 0; a < 128; ++a) table[a] = ClassifySlow(a);
    return table;
  }();
  return c < 128 ? kAscii[c] : ClassifySlow(c);
}

}  // namespace bioner::text
