#include "core/text/word_char_encoder.h"

#include "core/text/pretokenize.h"
#include "core/util/utf8.h"

namespace bioner::text {

StatusOr<WordCharEncoder> WordCharEncoder::Create(std::vector<std::string> words,
                                                  std::vector<std::string> chars, Options options) {
  if (options.max_chars_per_word < 2) {
    return InvalidArgument("max_chars_per_word must be at least 2, got " +
                           std::to_string(options.max_chars_per_word));
  }
  WordCharEncoder e;
  e.options_ = options;
  e.word_ids_.reserve(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].empty()) return InvalidArgument("word " + std::to_string(i) + " is empty");
    const auto id = static_cast<int32_t>(kNumSpecial + i);
    if (!e.word_ids_.emplace(words[i], id).second) {
      return InvalidArgument("word '" + words[i] + "' appears twice (rows " +
                             std::to_string(e.word_ids_[words[i]] - kNumSpecial) + " and " +
                             std::to_string(i) + ")");
    }
  }
  e.words_ = std::move(words);
  const int32_t first_char = e.num_word_ids() + 1;
  for (size_t i = 0; i < chars.size(); ++i) {
    RETURN_IF_ERROR(utf8::Validate(chars[i], "character " + std::to_string(i)));
    const std::vector<char32_t> cps = utf8::Decode(chars[i]);
    if (cps.size() != 1) {
      return InvalidArgument("character " + std::to_string(i) + " '" + chars[i] +
                             "' is not one code point");
    }
    if (!e.char_ids_.emplace(cps[0], first_char + static_cast<int32_t>(i)).second) {
      return InvalidArgument("character '" + chars[i] + "' appears twice");
    }
  }
  e.chars_ = std::move(chars);
  return e;
}

int32_t WordCharEncoder::WordId(const std::string& word) const {
  if (auto it = word_ids_.find(word); it != word_ids_.end()) return it->second;
  if (!options_.lowercase_fallback) return kUnk;
  std::string lower = word;
  bool changed = false;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
      changed = true;
    }
  }
  if (!changed) return kUnk;
  auto it = word_ids_.find(lower);
  return it == word_ids_.end() ? kUnk : it->second;
}

int32_t WordCharEncoder::CharId(char32_t c) const {
  auto it = char_ids_.find(c);
  return it == char_ids_.end() ? num_word_ids() : it->second;
}

StatusOr<Encoding> WordCharEncoder::Encode(std::string_view text) const {
  Encoding enc;
  const size_t keep = static_cast<size_t>(options_.max_chars_per_word);
  RETURN_IF_ERROR(PreTokenize(text, /*lowercase=*/false,
                              [&](const AlignedChars& chars, size_t begin, size_t end) {
    const auto w = static_cast<int32_t>(enc.words.size());
    const Span span{chars.origin[begin], chars.origin[end - 1] + 1};
    enc.words.push_back(span);
    std::string word = utf8::Encode(chars.chars.substr(begin, end - begin));
    enc.ids.push_back(WordId(word));
    enc.offsets.push_back(span);
    enc.word_ids.push_back(w);
    enc.tokens.push_back(std::move(word));
    for (size_t k = begin; k < end; ++k) {
      // Long words keep their first and last keep/2 characters.
      if (end - begin > keep && k >= begin + keep / 2 && k < end - keep / 2) continue;
      enc.ids.push_back(CharId(chars.chars[k]));
      enc.offsets.push_back({chars.origin[k], chars.origin[k] + 1});
      enc.word_ids.push_back(w);
      enc.tokens.push_back(utf8::Encode(std::u32string(1, chars.chars[k])));
    }
  }));
  return enc;
}

}  // namespace bioner::text
