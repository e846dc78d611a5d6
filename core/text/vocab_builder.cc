#include "core/text/vocab_builder.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <utility>

#include "core/util/utf8.h"

namespace bioner::text {
namespace {

const char* const kSpecialTokens[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
constexpr int kNumSpecialTokens = 5;
constexpr std::string_view kContinuation = "##";

// A pair of adjacent symbols (token ids), left in the high half.
using Pair = uint64_t;
Pair MakePair(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
         static_cast<uint32_t>(right);
}
int32_t Left(Pair p) { return static_cast<int32_t>(p >> 32); }
int32_t Right(Pair p) { return static_cast<int32_t>(p & 0xffffffffu); }

// One Build: the words as symbol sequences, the pair statistics and the merge loop. Words are
// stored back to back in one array (a merge only shortens a word, so it is compacted in
// place), which for ~1M distinct words saves a heap block per word.
class Trainer {
 public:
  Trainer(const VocabBuilderOptions& options,
          const std::unordered_map<std::string, int64_t>& word_counts)
      : options_(options), word_counts_(word_counts) {}

  StatusOr<std::vector<std::string>> Run() {
    RETURN_IF_ERROR(ChooseAlphabet());
    SplitWords();
    CountPairs();
    MergeLoop();
    return std::move(tokens_);
  }

 private:
  struct PairStats {
    int64_t count = 0;           // occurrences, weighted by word counts
    std::vector<int32_t> words;  // words that hold (or once held) the pair; may repeat
  };
  struct Entry {  // a heap entry; stale when its count is not the pair's current count
    int64_t count;
    Pair pair;
  };

  int32_t AddToken(std::string token) {
    const auto id = static_cast<int32_t>(tokens_.size());
    ids_.emplace(token, id);
    tokens_.push_back(std::move(token));
    return id;
  }

  // Specials, the alphabet and its "##" forms; the character -> symbol maps of SplitWords.
  Status ChooseAlphabet() {
    std::unordered_map<char32_t, int64_t> freq;
    for (const auto& [word, count] : word_counts_) {
      for (char32_t c : utf8::Decode(word)) freq[c] += count;
    }
    std::vector<std::pair<char32_t, int64_t>> chars(freq.begin(), freq.end());
    const auto limit = static_cast<size_t>(options_.limit_alphabet);
    if (chars.size() > limit) {  // the most frequent; ties to the lower code point
      std::nth_element(chars.begin(), chars.begin() + static_cast<ptrdiff_t>(limit), chars.end(),
                       [](const auto& x, const auto& y) {
                         return x.second != y.second ? x.second > y.second : x.first < y.first;
                       });
      chars.resize(limit);
    }
    std::sort(chars.begin(), chars.end());
    const int64_t needed = kNumSpecialTokens + 2 * static_cast<int64_t>(chars.size());
    if (needed > options_.vocab_size) {
      return FailedPrecondition(
          "vocab_size " + std::to_string(options_.vocab_size) + " cannot hold the " +
          std::to_string(kNumSpecialTokens) + " special tokens and the " +
          std::to_string(chars.size()) + " characters of the alphabet with their ## forms (" +
          std::to_string(needed) + " entries); raise vocab_size or lower limit_alphabet");
    }
    for (const char* special : kSpecialTokens) AddToken(special);
    std::string s;
    for (const auto& [c, count] : chars) {
      s.clear();
      utf8::Append(c, &s);
      initial_id_[c] = AddToken(s);
    }
    for (const auto& [c, count] : chars) {
      s.assign(kContinuation);
      utf8::Append(c, &s);
      continuation_id_[c] = AddToken(s);
    }
    return Status();
  }

  // Each word as symbols: its first kept character as is, the others as "##" forms.
  // Characters outside the alphabet are dropped (as Hugging Face's trainer does); words of
  // fewer than two symbols hold no pair and are left out, and so are overlong words.
  void SplitWords() {
    word_begin_.reserve(word_counts_.size() + 1);
    word_begin_.push_back(0);
    for (const auto& [word, count] : word_counts_) {
      const std::vector<char32_t> cps = utf8::Decode(word);
      if (cps.size() < 2 || cps.size() > static_cast<size_t>(options_.max_input_chars_per_word)) {
        continue;
      }
      const size_t begin = symbols_.size();
      for (char32_t c : cps) {
        const auto& ids = symbols_.size() == begin ? initial_id_ : continuation_id_;
        if (auto it = ids.find(c); it != ids.end()) symbols_.push_back(it->second);
      }
      if (symbols_.size() - begin < 2) {
        symbols_.resize(begin);
        continue;
      }
      word_begin_.push_back(symbols_.size());
      word_len_.push_back(static_cast<uint32_t>(symbols_.size() - begin));
      word_count_.push_back(count);
    }
  }

  // The heap order: higher count first, then the pair whose (left, right) pieces come first
  // in byte order. Tokens are unique, so distinct pairs never tie: the merge order does not
  // depend on the order in which pairs were pushed.
  auto Below() const {
    return [this](const Entry& x, const Entry& y) {
      if (x.count != y.count) return x.count < y.count;
      const int c = tokens_[Left(x.pair)].compare(tokens_[Left(y.pair)]);
      if (c != 0) return c > 0;
      return tokens_[Right(x.pair)].compare(tokens_[Right(y.pair)]) > 0;
    };
  }

  void CountPairs() {
    for (size_t w = 0; w < word_len_.size(); ++w) {
      const int32_t* s = &symbols_[word_begin_[w]];
      for (size_t i = 0; i + 1 < word_len_[w]; ++i) {
        PairStats& stats = pairs_[MakePair(s[i], s[i + 1])];
        stats.count += word_count_[w];
        if (stats.words.empty() || stats.words.back() != static_cast<int32_t>(w)) {
          stats.words.push_back(static_cast<int32_t>(w));
        }
      }
    }
    heap_.reserve(pairs_.size());
    for (const auto& [pair, stats] : pairs_) heap_.push_back({stats.count, pair});
    std::make_heap(heap_.begin(), heap_.end(), Below());
  }

  void MergeLoop() {
    const auto size = static_cast<size_t>(options_.vocab_size);
    while (tokens_.size() < size && !heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), Below());
      const Entry top = heap_.back();
      heap_.pop_back();
      auto it = pairs_.find(top.pair);
      if (it == pairs_.end()) continue;  // merged already, or its count fell to 0
      if (it->second.count != top.count) {
        // A count that fell is re-queued; one that rose was pushed when it rose.
        if (it->second.count < top.count) {
          heap_.push_back({it->second.count, top.pair});
          std::push_heap(heap_.begin(), heap_.end(), Below());
        }
        continue;
      }
      if (top.count < std::max<int64_t>(options_.min_frequency, 1)) break;
      const std::string& right = tokens_[Right(top.pair)];
      assert(right.compare(0, kContinuation.size(), kContinuation) == 0);
      std::string merged = tokens_[Left(top.pair)] + right.substr(kContinuation.size());
      // Two merges can spell the same piece ("a"+"##bc", "ab"+"##c"): one id, no duplicate.
      auto existing = ids_.find(merged);
      const int32_t id = existing != ids_.end() ? existing->second : AddToken(std::move(merged));
      std::vector<int32_t> words = std::move(it->second.words);
      pairs_.erase(it);
      Merge(top.pair, id, &words);
    }
  }

  // Replaces every occurrence of `pair` by `replacement` in `words`, updating the counts of
  // the neighbouring pairs, and queues the pairs whose count rose.
  void Merge(Pair pair, int32_t replacement, std::vector<int32_t>* words) {
    std::sort(words->begin(), words->end());
    words->erase(std::unique(words->begin(), words->end()), words->end());
    merged_ = pair;
    rose_.clear();
    const int32_t a = Left(pair), b = Right(pair), r = replacement;
    for (int32_t w : *words) {
      int32_t* s = &symbols_[word_begin_[w]];
      const size_t n = word_len_[w];
      const int64_t c = word_count_[w];
      size_t j = 0;  // compacted length; s[j - 1] is the left neighbour after merging
      for (size_t i = 0; i < n;) {
        if (i + 1 < n && s[i] == a && s[i + 1] == b) {
          if (j > 0) {
            Change(MakePair(s[j - 1], a), -c, w);
            Change(MakePair(s[j - 1], r), c, w);
          }
          if (i + 2 < n) {
            Change(MakePair(b, s[i + 2]), -c, w);
            Change(MakePair(r, s[i + 2]), c, w);
          }
          s[j++] = r;
          i += 2;
        } else {
          s[j++] = s[i++];
        }
      }
      word_len_[w] = static_cast<uint32_t>(j);
    }
    std::sort(rose_.begin(), rose_.end());
    rose_.erase(std::unique(rose_.begin(), rose_.end()), rose_.end());
    for (Pair p : rose_) {
      auto it = pairs_.find(p);
      if (it == pairs_.end()) continue;
      heap_.push_back({it->second.count, p});
      std::push_heap(heap_.begin(), heap_.end(), Below());
    }
  }

  void Change(Pair p, int64_t delta, int32_t word) {
    if (p == merged_) return;  // its entry is gone; overlaps ("##a ##a ##a") land here
    auto [it, inserted] = pairs_.try_emplace(p);
    PairStats& stats = it->second;
    stats.count += delta;
    assert(stats.count >= 0);
    if (delta > 0) {
      if (stats.words.empty() || stats.words.back() != word) stats.words.push_back(word);
      rose_.push_back(p);
    } else if (stats.count == 0) {
      pairs_.erase(it);
    }
  }

  const VocabBuilderOptions& options_;
  const std::unordered_map<std::string, int64_t>& word_counts_;
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int32_t> ids_;
  std::unordered_map<char32_t, int32_t> initial_id_, continuation_id_;
  std::vector<int32_t> symbols_;
  std::vector<size_t> word_begin_;  // word w starts at symbols_[word_begin_[w]]
  std::vector<uint32_t> word_len_;
  std::vector<int64_t> word_count_;
  std::unordered_map<Pair, PairStats> pairs_;
  std::vector<Entry> heap_;
  Pair merged_ = 0;
  std::vector<Pair> rose_;
};

}  // namespace

StatusOr<VocabBuilder> VocabBuilder::Create(VocabBuilderOptions options) {
  if (options.vocab_size <= kNumSpecialTokens) {
    return InvalidArgument("vocab_size must be > " + std::to_string(kNumSpecialTokens) +
                           " (the special tokens), got " + std::to_string(options.vocab_size));
  }
  if (options.min_frequency < 0) {
    return InvalidArgument("min_frequency must be >= 0, got " +
                           std::to_string(options.min_frequency));
  }
  if (options.limit_alphabet <= 0) {
    return InvalidArgument("limit_alphabet must be > 0, got " +
                           std::to_string(options.limit_alphabet));
  }
  if (options.max_input_chars_per_word <= 0) {
    return InvalidArgument("max_input_chars_per_word must be > 0, got " +
                           std::to_string(options.max_input_chars_per_word));
  }
  return VocabBuilder(options);
}

Status VocabBuilder::AddText(std::string_view utf8_text) {
  return pre_.Run(utf8_text, [this](const AlignedChars& chars, size_t begin, size_t end) {
    scratch_.clear();
    for (size_t k = begin; k < end; ++k) utf8::Append(chars.chars[k], &scratch_);
    ++counts_[scratch_];
    ++words_seen_;
  });
}

StatusOr<std::vector<std::string>> VocabBuilder::Build() const {
  if (counts_.empty()) return FailedPrecondition("no words to build a vocabulary from");
  return Trainer(options_, counts_).Run();
}

std::string VocabTxt(const std::vector<std::string>& vocab) {
  std::string out;
  for (const std::string& token : vocab) {
    out += token;
    out += '\n';
  }
  return out;
}

}  // namespace bioner::text
