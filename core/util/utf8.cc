#include "core/util/utf8.h"

namespace bioner::utf8 {
namespace {

// Length of the sequence starting with lead byte `b`, or 0 if `b` cannot start one.
int SequenceLength(unsigned char b) {
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 0;
}

}  // namespace

Status Validate(std::string_view text, std::string_view what) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char b = s[i];
    const int len = SequenceLength(b);
    bool ok = len > 0 && i + len <= n;
    if (ok && len >= 2) {
      // Second-byte ranges exclude overlongs (E0, F0), surrogates (ED) and > U+10FFFF (F4).
      const unsigned char c = s[i + 1];
      unsigned char lo = 0x80, hi = 0xBF;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
      ok = c >= lo && c <= hi;
      for (int k = 2; ok && k < len; ++k) ok = (s[i + k] & 0xC0) == 0x80;
    }
    if (!ok) {
      std::string msg = "invalid UTF-8 at byte " + std::to_string(i);
      if (!what.empty()) msg = std::string(what) + ": " + msg;
      return InvalidArgument(msg);
    }
    i += len;
  }
  return Status::Ok();
}

std::vector<char32_t> Decode(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const unsigned char b = s[i];
    int len = SequenceLength(b);
    if (len == 0 || i + len > n) len = 1;  // Not validated: degrade to one unit per byte.
    char32_t cp = len == 1 ? b : (b & (0xFF >> (len + 1)));
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

void Append(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string Encode(const std::u32string& cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) Append(cp, &out);
  return out;
}

std::string Encode(const std::vector<char32_t>& cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) Append(cp, &out);
  return out;
}

size_t Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<size_t> CodePointByteOffsets(std::string_view text) {
  std::vector<size_t> offsets;
  offsets.reserve(text.size() + 1);
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets.push_back(i);
  }
  offsets.push_back(text.size());
  return offsets;
}

StatusOr<std::string> Substr(std::string_view text, size_t start, size_t end) {
  const std::vector<size_t> at = CodePointByteOffsets(text);
  const size_t len = at.size() - 1;
  if (start > end || end > len) {
    return OutOfRange("span [" + std::to_string(start) + ", " + std::to_string(end) +
                      ") outside text of " + std::to_string(len) + " code points");
  }
  return std::string(text.substr(at[start], at[end] - at[start]));
}

}  // namespace bioner::utf8
