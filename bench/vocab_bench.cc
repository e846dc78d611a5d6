// WordPiece vocabulary building (core/text/vocab_builder.h) over the real pretraining texts:
// counting words (AddText) and learning the vocabulary (Build), timed apart.
//
//   build/bench/vocab_bench [--texts=FILE.jsonl.gz ...] [--vocab_size=N] [--lowercase]
//                           [--out=vocab.txt] [benchmark flags]
//
// The texts are the "title" and "text" fields of gzip JSONL files (default: every
// ../shared/pretrain/*.jsonl.gz). Each benchmark runs once: a Build is minutes, not
// microseconds. Peak memory: run under `/usr/bin/time -v`.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/text/vocab_builder.h"

namespace {

std::vector<std::string> g_paths;
int g_vocab_size = 30522;
bool g_lowercase = false;
std::string g_out;

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "vocab_bench: " << message << "\n";
  std::exit(2);
}

// The "title" and "text" fields of every line of the gzip JSONL files; exits on error.
std::vector<std::string> ReadTexts() {
  std::vector<std::string> texts;
  char buf[1 << 16];
  for (const std::string& path : g_paths) {
    gzFile in = gzopen(path.c_str(), "rb");
    if (in == nullptr) Fail("cannot open " + path);
    std::string line;
    size_t line_no = 0;
    while (gzgets(in, buf, sizeof buf) != nullptr) {
      line += buf;
      if (line.empty() || line.back() != '\n') continue;
      ++line_no;
      nlohmann::json doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      line.clear();
      if (!doc.is_object()) Fail(path + " line " + std::to_string(line_no) + ": not an object");
      for (const char* key : {"title", "text"}) {
        if (auto it = doc.find(key); it != doc.end() && it->is_string()) {
          texts.push_back(it->get<std::string>());
        }
      }
    }
    gzclose(in);
  }
  if (texts.empty()) Fail("no texts");
  return texts;
}

const std::vector<std::string>& Texts() {
  static const std::vector<std::string> texts = ReadTexts();
  return texts;
}

bioner::text::VocabBuilder MakeBuilder() {
  bioner::text::VocabBuilderOptions options;
  options.vocab_size = g_vocab_size;
  options.lowercase = g_lowercase;
  auto builder = bioner::text::VocabBuilder::Create(options);
  if (!builder.ok()) Fail(builder.status().ToString());
  return std::move(builder).value();
}

// A builder that has counted every text; built once, shared by the Build benchmark.
const bioner::text::VocabBuilder& Counted() {
  static const bioner::text::VocabBuilder builder = [] {
    bioner::text::VocabBuilder b = MakeBuilder();
    for (const std::string& t : Texts()) {
      if (bioner::Status s = b.AddText(t); !s.ok()) Fail(s.ToString());
    }
    return b;
  }();
  return builder;
}

void BM_CountWords(benchmark::State& state) {
  const std::vector<std::string>& texts = Texts();
  size_t bytes = 0;
  for (const std::string& t : texts) bytes += t.size();
  int64_t words = 0, distinct = 0;
  for (auto _ : state) {
    bioner::text::VocabBuilder b = MakeBuilder();
    for (const std::string& t : texts) {
      if (bioner::Status s = b.AddText(t); !s.ok()) Fail(s.ToString());
    }
    words = b.words_seen();
    distinct = b.distinct_words();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["words"] = static_cast<double>(words);
  state.counters["distinct"] = static_cast<double>(distinct);
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_CountWords)->Unit(benchmark::kSecond)->Iterations(1);

void BM_Build(benchmark::State& state) {
  const bioner::text::VocabBuilder& builder = Counted();
  size_t size = 0;
  for (auto _ : state) {
    auto vocab = builder.Build();
    if (!vocab.ok()) Fail(vocab.status().ToString());
    size = vocab->size();
    if (!g_out.empty()) {
      std::ofstream(g_out, std::ios::binary) << bioner::text::VocabTxt(*vocab);
    }
  }
  state.counters["vocab"] = static_cast<double>(size);
  state.counters["words"] = static_cast<double>(builder.words_seen());
  state.counters["distinct"] = static_cast<double>(builder.distinct_words());
}
BENCHMARK(BM_Build)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--texts=", 0) == 0) {
      g_paths.push_back(arg.substr(8));
    } else if (arg.rfind("--vocab_size=", 0) == 0) {
      g_vocab_size = std::atoi(arg.c_str() + 13);
    } else if (arg == "--lowercase") {
      g_lowercase = true;
    } else if (arg.rfind("--out=", 0) == 0) {
      g_out = arg.substr(6);
    } else {
      std::cerr << "vocab_bench: unknown flag " << arg
                << " (own flags: --texts=FILE.jsonl.gz --vocab_size=N --lowercase --out=FILE)\n";
      return 2;
    }
  }
  if (g_paths.empty()) {
    const std::string dir = std::string(BIONER_SOURCE_DIR) + "/../shared/pretrain";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      const std::string name = entry.path().string();
      if (name.size() > 9 && name.compare(name.size() - 9, 9, ".jsonl.gz") == 0) {
        g_paths.push_back(name);
      }
    }
    if (ec) Fail("cannot list " + dir + ": " + ec.message());
    std::sort(g_paths.begin(), g_paths.end());
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
