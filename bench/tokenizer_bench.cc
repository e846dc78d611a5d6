// Tokenizer throughput (MB/s of UTF-8 input) over real PubMed abstracts, cased (BioBERT
// vocab) and uncased (PubMedBERT vocab, lowercasing + accent stripping).
//
//   build/bench/tokenizer_bench [--texts=FILE.jsonl.gz] [--max_docs=N] [benchmark flags]
//
// The texts are the "text" fields of a gzip JSONL file (default: the first 3000 abstracts
// of ../shared/pretrain/sysreview_abstracts-00.jsonl.gz; BIONER_BENCH_TEXTS overrides).
// Vocabularies come from ../shared/testvectors/vocab/.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/text/tokenizer.h"

namespace {

const std::string kShared = std::string(BIONER_SOURCE_DIR) + "/../shared";

std::string g_texts_path = kShared + "/pretrain/sysreview_abstracts-00.jsonl.gz";
size_t g_max_docs = 3000;

// The "text" fields of up to `max_docs` lines of a gzip JSONL file; exits on error, since a
// benchmark without its input has nothing to measure.
std::vector<std::string> ReadTexts(const std::string& path, size_t max_docs) {
  gzFile in = gzopen(path.c_str(), "rb");
  if (in == nullptr) {
    std::cerr << "tokenizer_bench: cannot open " << path << "\n";
    std::exit(2);
  }
  std::vector<std::string> texts;
  std::string line;
  char buf[1 << 16];
  size_t line_no = 0;
  while (texts.size() < max_docs && gzgets(in, buf, sizeof buf) != nullptr) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;  // a line longer than the buffer
    ++line_no;
    nlohmann::json doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    line.clear();
    if (!doc.is_object() || !doc.contains("text") || !doc["text"].is_string()) {
      std::cerr << "tokenizer_bench: " << path << " line " << line_no
                << ": expected an object with a string \"text\"\n";
      std::exit(2);
    }
    texts.push_back(doc["text"].get<std::string>());
  }
  gzclose(in);
  if (texts.empty()) {
    std::cerr << "tokenizer_bench: no texts in " << path << "\n";
    std::exit(2);
  }
  return texts;
}

const std::vector<std::string>& Texts() {
  static const std::vector<std::string> texts = ReadTexts(g_texts_path, g_max_docs);
  return texts;
}

bioner::text::BertTokenizer MakeTokenizer(const std::string& vocab_dir, bool lowercase) {
  auto vocab =
      bioner::text::Vocab::Load(kShared + "/testvectors/vocab/" + vocab_dir + "/vocab.txt");
  if (!vocab.ok()) {
    std::cerr << "tokenizer_bench: " << vocab.status() << "\n";
    std::exit(2);
  }
  bioner::text::TokenizerOptions options;
  options.lowercase = lowercase;
  return bioner::text::BertTokenizer::Create(std::move(vocab).value(), options).value();
}

void RunOverTexts(benchmark::State& state, const bioner::text::BertTokenizer& tokenizer) {
  const std::vector<std::string>& texts = Texts();
  size_t bytes = 0, tokens = 0;
  for (const std::string& t : texts) bytes += t.size();
  for (auto _ : state) {
    tokens = 0;
    for (const std::string& t : texts) {
      auto encoding = tokenizer.Encode(t);
      if (!encoding.ok()) {
        state.SkipWithError(encoding.status().ToString().c_str());
        return;
      }
      tokens += encoding->size();
      benchmark::DoNotOptimize(encoding);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * tokens));
  state.counters["docs"] = static_cast<double>(texts.size());
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}

void BM_TokenizeCasedBioBert(benchmark::State& state) {
  static const auto tokenizer = MakeTokenizer("biobert-v1.1", false);
  RunOverTexts(state, tokenizer);
}
BENCHMARK(BM_TokenizeCasedBioBert)->Unit(benchmark::kMillisecond);

void BM_TokenizeUncasedPubMedBert(benchmark::State& state) {
  static const auto tokenizer = MakeTokenizer("pubmedbert-base-uncased-abstract-fulltext", true);
  RunOverTexts(state, tokenizer);
}
BENCHMARK(BM_TokenizeUncasedPubMedBert)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  if (const char* env = std::getenv("BIONER_BENCH_TEXTS")) g_texts_path = env;
  benchmark::Initialize(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--texts=", 0) == 0) {
      g_texts_path = arg.substr(8);
    } else if (arg.rfind("--max_docs=", 0) == 0) {
      g_max_docs = std::strtoul(arg.c_str() + 11, nullptr, 10);
    } else {
      std::cerr << "tokenizer_bench: unknown flag " << arg
                << " (own flags: --texts=FILE.jsonl.gz --max_docs=N)\n";
      return 2;
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
