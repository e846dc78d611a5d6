#include "core/text/normalize.h"

#include <unicode/casemap.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>

#include "core/text/unicode.h"

namespace bioner::text {
namespace {

bool AllAscii(const std::u32string& s) {
  for (char32_t c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Per-character simple lowercasing; used only if ICU's full mapping reports an error, which
// for valid input it does not.
void SimpleLowercase(const AlignedChars& in, AlignedChars* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    out->push_back(static_cast<char32_t>(u_tolower(static_cast<UChar32>(in.chars[i]))),
                   in.origin[i]);
  }
}

const icu::Normalizer2* NfdInstance() {
  static const icu::Normalizer2* const nfd = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return nfd;
}

}  // namespace

bool NormalizeAsciiInPlace(AlignedChars* chars) {
  if (!AllAscii(chars->chars)) return false;
  for (char32_t& c : chars->chars) {
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  }
  return true;
}

void Lowercase(const AlignedChars& in, AlignedChars* out) {
  out->clear();
  if (AllAscii(in.chars)) {
    *out = in;
    NormalizeAsciiInPlace(out);
    return;
  }
  // ICU maps the whole token at once (so that final sigma sees its context) and reports in
  // `edits` which source units each output unit replaced, which gives the alignment.
  std::u16string src;
  std::vector<int32_t> src_char;  // UTF-16 unit of `src` -> index into `in`
  src.reserve(in.size() + 1);
  src_char.reserve(in.size() + 1);
  for (size_t i = 0; i < in.size(); ++i) {
    const UChar32 c = static_cast<UChar32>(in.chars[i]);
    if (U_IS_BMP(c)) {
      src.push_back(static_cast<char16_t>(c));
      src_char.push_back(static_cast<int32_t>(i));
    } else {
      src.push_back(U16_LEAD(c));
      src.push_back(U16_TRAIL(c));
      src_char.push_back(static_cast<int32_t>(i));
      src_char.push_back(static_cast<int32_t>(i));
    }
  }
  const auto src_len = static_cast<int32_t>(src.size());
  std::u16string dest(src.size() + src.size() / 2 + 16, u'\0');
  icu::Edits edits;
  UErrorCode status = U_ZERO_ERROR;
  int32_t dest_len = icu::CaseMap::toLower("", 0, src.data(), src_len, dest.data(),
                                           static_cast<int32_t>(dest.size()), &edits, status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    dest.assign(static_cast<size_t>(dest_len), u'\0');
    status = U_ZERO_ERROR;
    dest_len =
        icu::CaseMap::toLower("", 0, src.data(), src_len, dest.data(), dest_len, &edits, status);
  }
  if (U_FAILURE(status)) {
    SimpleLowercase(in, out);
    return;
  }
  std::vector<int32_t> dest_src(static_cast<size_t>(dest_len), 0);  // dest unit -> src unit
  icu::Edits::Iterator it = edits.getFineIterator();
  while (it.next(status)) {
    const int32_t s = it.sourceIndex(), d = it.destinationIndex();
    if (!it.hasChange()) {
      for (int32_t k = 0; k < it.oldLength(); ++k) dest_src[d + k] = s + k;
    } else {
      for (int32_t k = 0; k < it.newLength(); ++k) dest_src[d + k] = s;
    }
  }
  if (U_FAILURE(status)) {
    SimpleLowercase(in, out);
    return;
  }
  out->chars.reserve(static_cast<size_t>(dest_len));
  out->origin.reserve(static_cast<size_t>(dest_len));
  for (int32_t j = 0; j < dest_len;) {
    const int32_t from = in.origin[src_char[dest_src[j]]];
    UChar32 c;
    U16_NEXT(dest.data(), j, dest_len, c);
    out->push_back(static_cast<char32_t>(c), from);
  }
}

void DecomposeAndStripMarks(const AlignedChars& in, AlignedChars* out) {
  out->clear();
  if (AllAscii(in.chars)) {
    out->chars = in.chars;
    out->origin = in.origin;
    return;
  }
  out->chars.reserve(in.size());
  out->origin.reserve(in.size());
  const icu::Normalizer2* nfd = NfdInstance();
  icu::UnicodeString decomposition;
  bool reorder = false;
  AlignedChars decomposed;
  decomposed.chars.reserve(in.size());
  decomposed.origin.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char32_t c = in.chars[i];
    // Below U+00C0 nothing decomposes and nothing has a non-zero combining class.
    if (c >= 0xC0 && nfd != nullptr &&
        nfd->getDecomposition(static_cast<UChar32>(c), decomposition)) {
      for (int32_t k = 0; k < decomposition.length();) {
        const UChar32 d = decomposition.char32At(k);
        decomposed.push_back(static_cast<char32_t>(d), in.origin[i]);
        reorder = reorder || u_getCombiningClass(d) != 0;
        k += U16_LENGTH(d);
      }
    } else {
      decomposed.push_back(c, in.origin[i]);
      reorder = reorder || (c >= 0xC0 && u_getCombiningClass(static_cast<UChar32>(c)) != 0);
    }
  }
  // Canonical ordering: within each run of characters with a non-zero combining class, a
  // stable sort by class. Marks of several original characters can meet in one run, so this
  // must see the whole sequence, not one character's decomposition.
  if (!reorder) {
    for (size_t i = 0; i < decomposed.size(); ++i) {
      if (!IsNonspacingMark(decomposed.chars[i])) {
        out->push_back(decomposed.chars[i], decomposed.origin[i]);
      }
    }
    return;
  }
  std::vector<size_t> order(decomposed.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  {
    auto ccc = [&](size_t i) {
      return u_getCombiningClass(static_cast<UChar32>(decomposed.chars[i]));
    };
    for (size_t i = 0; i < order.size();) {
      if (ccc(i) == 0) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < order.size() && ccc(j) != 0) ++j;
      std::stable_sort(order.begin() + i, order.begin() + j,
                       [&](size_t a, size_t b) { return ccc(a) < ccc(b); });
      i = j;
    }
  }
  for (size_t i : order) {
    if (!IsNonspacingMark(decomposed.chars[i])) {
      out->push_back(decomposed.chars[i], decomposed.origin[i]);
    }
  }
}

}  // namespace bioner::text
