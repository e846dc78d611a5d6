#include "core/corpus/sentences.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <string>
#include <unordered_set>

#include "core/util/utf8.h"

namespace bioner {
namespace {

// Lower-cased, without the final period. "etc." is left out on purpose: it usually ends a
// sentence.
const std::unordered_set<std::u32string>& Abbreviations() {
  static const auto* set = new std::unordered_set<std::u32string>{
      U"e.g", U"i.e", U"al", U"fig", U"figs", U"vs", U"sp", U"spp", U"cf", U"ca", U"approx",
      U"dr", U"mr", U"mrs", U"ms", U"prof", U"no", U"nos", U"nr", U"eq", U"eqs", U"ref",
      U"refs", U"tab", U"var", U"subsp", U"ssp", U"st", U"ltd", U"inc", U"co", U"corp", U"jr",
      U"sr", U"resp", U"vol", U"pp", U"ed", U"eds", U"viz", U"cv", U"str", U"suppl", U"dept",
      U"univ", U"incl", U"nov", U"gen", U"sect", U"ph.d", U"u.s", U"u.k", U"a.m", U"p.m",
      U"mol", U"wt", U"conc", U"diam", U"est", U"syn", U"aff"};
  return *set;
}

bool IsSpace(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)); }
bool IsOpener(char32_t c) { return c == '(' || c == '['; }
bool IsCloser(char32_t c) { return c == ')' || c == ']'; }
bool IsQuote(char32_t c) {
  return c == '"' || c == '\'' || c == U'\u201D' || c == U'\u2019' || c == U'\u201C' ||
         c == U'\u2018';
}

bool StartsSentence(char32_t c) {
  const auto u = static_cast<UChar32>(c);
  return u_isupper(u) || u_istitle(u) || u_isdigit(u) || IsOpener(c) || IsQuote(c) ||
         (u_isalpha(u) && !u_islower(u));  // scripts without case
}

// True if the period at cps[dot] ends an abbreviation, an initial or a genus abbreviation.
bool IsAbbreviationPeriod(const std::vector<char32_t>& cps, size_t dot) {
  size_t w = dot;
  while (w > 0 && !IsSpace(cps[w - 1]) && !IsOpener(cps[w - 1]) && !IsQuote(cps[w - 1])) --w;
  if (w == dot) return false;
  std::u32string word;
  size_t letters = 0;
  for (size_t k = w; k < dot; ++k) {
    const auto u = static_cast<UChar32>(cps[k]);
    word.push_back(static_cast<char32_t>(u_tolower(u)));
    if (u_isalpha(u)) ++letters;
  }
  if (letters == 1 && word.size() == 1) return true;  // "E. coli", "J. Smith"
  if (Abbreviations().count(word)) return true;
  // Dotted acronyms such as "U.S.A" or "e.g" without a list entry: letter(.letter)+.
  if (word.size() >= 3) {
    bool dotted = true;
    for (size_t k = 0; k < word.size(); ++k) {
      const bool want_letter = k % 2 == 0;
      if (want_letter ? !u_isalpha(static_cast<UChar32>(word[k])) : word[k] != '.') {
        dotted = false;
        break;
      }
    }
    if (dotted && word.size() % 2 == 1) return true;
  }
  return false;
}

void Emit(const std::vector<char32_t>& cps, size_t start, size_t end,
          std::vector<SentenceSpan>* out) {
  while (start < end && IsSpace(cps[start])) ++start;
  while (end > start && IsSpace(cps[end - 1])) --end;
  if (start < end) out->push_back({start, end});
}

}  // namespace

std::vector<SentenceSpan> SplitSentences(std::string_view text) {
  const std::vector<char32_t> cps = utf8::Decode(text);
  const size_t n = cps.size();
  std::vector<SentenceSpan> out;
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i < n; ++i) {
    const char32_t c = cps[i];
    if (c == '\n' || c == U'\u2029') {
      Emit(cps, start, i, &out);
      start = i + 1;
      depth = 0;
      continue;
    }
    if (IsOpener(c)) {
      ++depth;
      continue;
    }
    if (IsCloser(c)) {
      depth = std::max(0, depth - 1);
      continue;
    }
    if (c != '.' && c != '!' && c != '?') continue;
    // The sentence ends after closing quotes and brackets that follow the punctuation.
    size_t j = i + 1;
    int d = depth;
    while (j < n && (IsCloser(cps[j]) || IsQuote(cps[j]))) {
      if (IsCloser(cps[j])) d = std::max(0, d - 1);
      ++j;
    }
    if (d > 0 || j >= n || !IsSpace(cps[j])) continue;
    size_t k = j;
    while (k < n && IsSpace(cps[k]) && cps[k] != '\n') ++k;
    if (k >= n || cps[k] == '\n') continue;  // the line break ends the sentence anyway
    if (!StartsSentence(cps[k])) continue;
    if (c == '.' && IsAbbreviationPeriod(cps, i)) continue;
    Emit(cps, start, j, &out);
    start = k;
    depth = 0;
    i = k - 1;
  }
  Emit(cps, start, n, &out);
  return out;
}

std::vector<SentenceSpan> SplitDocumentSentences(const Document& doc) {
  std::vector<SentenceSpan> out;
  for (const Passage& p : doc.passages()) {
    for (SentenceSpan s : SplitSentences(p.text)) {
      out.push_back({s.start + p.offset, s.end + p.offset});
    }
  }
  return out;
}

std::vector<const Entity*> EntitiesCrossingSentences(const Document& doc,
                                                     const std::vector<SentenceSpan>& sentences) {
  std::vector<const Entity*> out;
  for (const Entity& e : doc.entities()) {
    // The last sentence that starts at or before the entity must also contain its end.
    auto it = std::upper_bound(sentences.begin(), sentences.end(), e.start,
                               [](size_t pos, const SentenceSpan& s) { return pos < s.start; });
    if (it == sentences.begin() || std::prev(it)->end < e.end) out.push_back(&e);
  }
  return out;
}

}  // namespace bioner
