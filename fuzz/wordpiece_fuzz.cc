// Fuzz target: the WordPiece tokenizer (core/text/tokenizer.h) on arbitrary bytes, with two
// real vocabularies (PubMedBERT's uncased, BioBERT's cased), and the vocab.txt parser.
//
// The FIRST BYTE picks the setting: bit 0 lowercase, bit 1 the vocabulary (BioBERT's when
// set), bit 2 a short max_input_chars_per_word (1 + bits 3-5) instead of BERT's 100; with
// bit 7 set, the rest is "vocab.txt<NUL>text" (a vocabulary of the fuzzer's own), else it is
// the text. An Encoding must be well formed: parallel vectors, ids in the vocabulary, offsets
// and words inside the text and in order.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/tokenizer.h"
#include "core/text/vocab.h"
#include "core/util/utf8.h"
#include "fuzz/checks.h"
#include "fuzz/scratch_dir.h"

using bioner::StatusOr;
using bioner::fuzz::Die;
using bioner::text::BertTokenizer;
using bioner::text::Encoding;
using bioner::text::Span;
using bioner::text::Vocab;

namespace {

const Vocab& TestVocab(bool cased) {
  auto load = [](const char* name) {
    StatusOr<Vocab> v = Vocab::Load(std::string(BIONER_SOURCE_DIR) +
                                    "/tests/data/testvectors/vocab/" + name + "/vocab.txt");
    bioner::fuzz::ExpectOk(v.status(), "test vocabulary");
    return *std::move(v);
  };
  static const Vocab pubmedbert = load("pubmedbert-base-uncased-abstract-fulltext");
  static const Vocab biobert = load("biobert-v1.1");  // cased
  return cased ? biobert : pubmedbert;
}

void CheckSpan(const Span& s, int32_t length, const char* what) {
  if (s.first < 0 || s.first > s.second || s.second > length) {
    Die(std::string(what) + " [" + std::to_string(s.first) + ", " + std::to_string(s.second) +
        ") outside the text (" + std::to_string(length) + " code points)");
  }
}

void CheckEncoding(const Encoding& e, const Vocab& vocab, std::string_view text) {
  const size_t n = e.ids.size();
  if (e.tokens.size() != n || e.offsets.size() != n || e.word_ids.size() != n) {
    Die("encoding vectors of different lengths");
  }
  const auto length = static_cast<int32_t>(bioner::utf8::Length(text));
  for (size_t i = 0; i < n; ++i) {
    if (e.ids[i] < 0 || e.ids[i] >= vocab.size()) Die("id outside the vocabulary");
    if (vocab.token(e.ids[i]) != e.tokens[i]) Die("token and id disagree");
    CheckSpan(e.offsets[i], length, "token");
    if (e.word_ids[i] < 0 || static_cast<size_t>(e.word_ids[i]) >= e.words.size()) {
      Die("word index outside the words");
    }
    if (i > 0 && (e.word_ids[i] < e.word_ids[i - 1] || e.offsets[i].first < e.offsets[i - 1].first)) {
      Die("tokens out of order");
    }
  }
  for (size_t w = 0; w < e.words.size(); ++w) {
    CheckSpan(e.words[w], length, "word");
    if (e.words[w].first == e.words[w].second) Die("empty word");
    if (w > 0 && e.words[w].first < e.words[w - 1].second) Die("words overlap");
  }
  if (n > 0 && (e.word_ids.front() != 0 || static_cast<size_t>(e.word_ids.back()) + 1 != e.words.size())) {
    Die("a word without tokens");
  }
}

void Encode(const BertTokenizer& tokenizer, std::string_view text) {
  const StatusOr<Encoding> e = tokenizer.Encode(text);
  bioner::fuzz::ExpectMessage(e);
  if (e.ok()) CheckEncoding(*e, tokenizer.vocab(), text);
}

BertTokenizer MakeTokenizer(const Vocab& vocab, bioner::text::TokenizerOptions options) {
  StatusOr<BertTokenizer> tokenizer = BertTokenizer::Create(vocab, options);
  bioner::fuzz::ExpectOk(tokenizer.status(), "tokenizer options");
  return *std::move(tokenizer);
}

// The tokenizers of the test vocabularies, built once per setting: building one walks the
// 30,000-entry vocabulary into a trie, a thousand times the cost of encoding a short text.
const BertTokenizer& TestTokenizer(uint8_t setting, bioner::text::TokenizerOptions options) {
  static std::map<uint8_t, BertTokenizer> cache;
  setting &= 0x3f;
  auto it = cache.find(setting);
  if (it == cache.end()) {
    it = cache.emplace(setting, MakeTokenizer(TestVocab((setting & 2) != 0), options)).first;
  }
  return it->second;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t setting = data[0];
  bioner::text::TokenizerOptions options;
  options.lowercase = (setting & 1) != 0;
  if ((setting & 4) != 0) options.max_input_chars_per_word = 1 + ((setting >> 3) & 7);

  if ((setting & 0x80) == 0) {
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    Encode(TestTokenizer(setting, options), text);
    return 0;
  }
  const std::vector<std::string_view> parts = bioner::fuzz::SplitParts(data + 1, size - 1, 2);
  const StatusOr<Vocab> vocab = Vocab::Parse(parts[0], "fuzz/vocab.txt");
  bioner::fuzz::ExpectMessage(vocab);
  if (vocab.ok()) Encode(MakeTokenizer(*vocab, options), parts[1]);
  return 0;
}
