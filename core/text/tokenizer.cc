#include "core/text/tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>
#include <vector>

#include "core/text/normalize.h"
#include "core/text/pretokenize.h"
#include "core/util/file.h"
#include "core/util/utf8.h"

namespace bioner::text {
namespace {

// One Encode call: WordPiece-encodes the words that PreTokenize reports into `out`. Holds the
// scratch buffers so that they are reused from word to word.
class Pass {
 public:
  Pass(const Vocab& vocab, const PieceTrie& trie, const TokenizerOptions& options, Encoding* out)
      : vocab_(vocab), trie_(trie), options_(options), out_(out) {}

  // WordPiece over the word chars [begin, end).
  void AddWord(const AlignedChars& chars, size_t begin, size_t end) {
    const auto word_id = static_cast<int32_t>(out_->words.size());
    const Span word = SpanOf(chars, begin, end);
    out_->words.push_back(word);
    const size_t n = end - begin;
    // Checked before WordPiece, which is what keeps a 10 MB "word" linear.
    if (n > static_cast<size_t>(options_.max_input_chars_per_word)) {
      AddToken(vocab_.unk_id(), word, word_id);
      return;
    }
    bytes_.clear();
    char_byte_.clear();
    for (size_t k = begin; k < end; ++k) {
      char_byte_.push_back(bytes_.size());
      utf8::Append(chars.chars[k], &bytes_);
    }
    char_byte_.push_back(bytes_.size());
    pieces_.clear();
    for (size_t pos = 0; pos < bytes_.size();) {
      const PieceTrie::Match m =
          trie_.LongestPrefix(std::string_view(bytes_).substr(pos), /*continuation=*/pos > 0);
      if (m.id == Vocab::kAbsent) {  // Cannot be covered: the whole word is unknown.
        AddToken(vocab_.unk_id(), word, word_id);
        return;
      }
      pieces_.push_back({pos, pos + m.length, m.id});
      pos += m.length;
    }
    // Pieces end on character boundaries (see PieceTrie); turn byte ends into characters.
    size_t k = 0;
    for (const Piece& p : pieces_) {
      const size_t first = k;
      while (char_byte_[k] < p.end) ++k;
      AddToken(p.id, SpanOf(chars, begin + first, begin + k), word_id);
    }
  }

 private:
  struct Piece {
    size_t begin, end;  // bytes of the word
    int32_t id;
  };

  // The original span of chars [begin, end). Origins are increasing except where canonical
  // reordering swapped marks of neighbouring characters, hence min/max.
  static Span SpanOf(const AlignedChars& chars, size_t begin, size_t end) {
    int32_t lo = chars.origin[begin], hi = chars.origin[begin];
    for (size_t k = begin + 1; k < end; ++k) {
      lo = std::min(lo, chars.origin[k]);
      hi = std::max(hi, chars.origin[k]);
    }
    return {lo, hi + 1};
  }

  void AddToken(int32_t id, Span span, int32_t word_id) {
    out_->ids.push_back(id);
    out_->tokens.emplace_back(vocab_.token(id));
    out_->offsets.push_back(span);
    out_->word_ids.push_back(word_id);
  }

  const Vocab& vocab_;
  const PieceTrie& trie_;
  const TokenizerOptions& options_;
  Encoding* out_;
  std::string bytes_;
  std::vector<size_t> char_byte_;
  std::vector<Piece> pieces_;
};

// The casing a model folder asks for; see FromModelDir.
StatusOr<bool> ReadLowercase(const std::string& dir, std::optional<bool> override_lowercase) {
  const std::string path = (std::filesystem::path(dir) / "tokenizer_config.json").string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return override_lowercase.value_or(true);
  ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  const nlohmann::json config =
      nlohmann::json::parse(contents, nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded() || !config.is_object()) {
    return InvalidArgument(path + ": not a JSON object");
  }
  bool lowercase = true;
  if (auto it = config.find("do_lower_case"); it != config.end()) {
    if (!it->is_boolean()) return InvalidArgument(path + ": do_lower_case must be true or false");
    lowercase = it->get<bool>();
  }
  if (override_lowercase.has_value()) lowercase = *override_lowercase;
  if (auto it = config.find("strip_accents"); it != config.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      return InvalidArgument(path + ": strip_accents must be true, false or null");
    }
    if (it->get<bool>() != lowercase) {
      return Unimplemented(path + ": strip_accents=" + it->dump() + " with lowercasing " +
                           (lowercase ? "on" : "off") +
                           " is not supported; accents are stripped exactly when lowercasing");
    }
  }
  if (auto it = config.find("tokenize_chinese_chars");
      it != config.end() && it->is_boolean() && !it->get<bool>()) {
    return Unimplemented(path + ": tokenize_chinese_chars=false is not supported");
  }
  return lowercase;
}

}  // namespace

StatusOr<BertTokenizer> BertTokenizer::Create(Vocab vocab, TokenizerOptions options) {
  if (options.max_input_chars_per_word <= 0) {
    return InvalidArgument("max_input_chars_per_word must be > 0, got " +
                           std::to_string(options.max_input_chars_per_word));
  }
  PieceTrie trie(vocab);
  return BertTokenizer(std::move(vocab), std::move(trie), options);
}

StatusOr<BertTokenizer> BertTokenizer::FromModelDir(const std::string& dir,
                                                    std::optional<bool> lowercase) {
  ASSIGN_OR_RETURN(bool lower, ReadLowercase(dir, lowercase));
  ASSIGN_OR_RETURN(Vocab vocab, Vocab::Load((std::filesystem::path(dir) / "vocab.txt").string()));
  TokenizerOptions options;
  options.lowercase = lower;
  return Create(std::move(vocab), options);
}

StatusOr<Encoding> BertTokenizer::Encode(std::string_view text) const {
  Encoding out;
  Pass pass(vocab_, trie_, options_, &out);
  RETURN_IF_ERROR(PreTokenize(text, options_.lowercase,
                              [&pass](const AlignedChars& chars, size_t begin, size_t end) {
                                pass.AddWord(chars, begin, end);
                              }));
  return out;
}

}  // namespace bioner::text
