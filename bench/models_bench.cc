// Model repositories side by side through the real server (issue #11; docs/BENCHMARKS.md,
// "Default models through the server"): real abstracts through one bioner-server process per
// repository, every repository once per round on the same documents.
//
//   build/bench/models_bench --repo NAME=DIR [--repo NAME=DIR ...]
//                            [--types Gene,Chemical,Disease,Species,CellLine]
//                            [--rounds 3] [--docs 40] [--window 8] [--threads 1] [--blas-threads 1]
//
// Each DIR is a model repository (docs/FORMATS.md): DIR/<Type>/current and its version
// folders, BERT or BiLSTM-CRF (whose word vectors are found in DIR/.embeddings/<sha256>/).
// One server per repository serves all the types with the default batching; all servers are
// started before the rounds and kept for all of them. Round r runs every repository on
// abstracts [(r-1) x docs, r x docs), in an order rotated per round, so that the machine's
// load hits all of them alike. Per run: documents/s; words/s (words of the project's
// pre-tokenizer, counted once per document, the same for every repository); model-input
// tokens/s as the server counts them (WordPiece subwords for BERT, word + character tokens
// for a BiLSTM-CRF: the repository's own work, not comparable across architectures); p50/p99
// latency; documents per CPU-second of server + client. The expected token count comes from
// the repository's own models, loaded here one at a time with the server's loader: a run
// whose server counted anything else measured something else and fails.
//
// Summary: medians over the rounds per repository, and each repository's ratio to the first
// (the median of the per-round ratios) for docs/s and docs/CPU-s, as a Markdown table.
// Exit codes: 0; 1 a failed run or setup (named); 2 bad flags; 77 ../shared missing (skip).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "bench/server_bench_runs.h"
#include "bench/server_bench_util.h"
#include "core/decode/classifier_model.h"
#include "core/text/tokenizer.h"
#include "core/util/args.h"
#include "core/util/file.h"
#include "tests/integration/subprocess.h"

namespace bioner::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
const std::string kShared = BIONER_SHARED_DIR;
constexpr char kProgram[] = "models_bench";

// One repository under test and everything measured of it.
struct Repository {
  std::string name, dir;
  Server server;
  std::vector<int64_t> tokens;  // model-input tokens per abstract, all types together
  bioner::testing::ProcessMemory loaded, end;
  std::vector<Run> runs;            // one per round
  std::vector<double> words_per_s;  // one per round
};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep)) parts.push_back(part);
  if (!s.empty() && s.back() == sep) parts.emplace_back();
  return parts;
}

// argv as a shell line: arguments with anything but [A-Za-z0-9_./=,:+-] in single quotes.
std::string CommandLine(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    const bool plain = !a.empty() && a.find_first_not_of(
                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789_./=,:+-") == std::string::npos;
    if (!plain) {
      std::string quoted = "'";
      for (char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      a = quoted + "'";
    }
    line += (i ? " " : "") + a;
  }
  return line;
}

std::string Now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
  return buf;
}

// Asks the server which version of each type it serves, loads each in this process with the
// server's own loader (one at a time, released after), and adds its model-input tokens per
// abstract to r->tokens. Prints one line per model: version, encoder, window, tokens.
Status CountTokens(const std::vector<std::string>& types, const std::vector<Document>& pool,
                   int threads, Repository* r) {
  ASSIGN_OR_RETURN(const std::vector<client::ModelInfo> served, r->server.client->ListModels());
  std::map<std::string, std::string> version;  // type -> "Gene/3"
  for (const client::ModelInfo& m : served) version[m.entity_type] = m.version;
  r->tokens.assign(pool.size(), 0);
  for (const std::string& type : types) {
    auto v = version.find(type);
    if (v == version.end()) return NotFound("the server does not serve " + type);
    LoadOptions lo;
    lo.num_threads = threads;
    const std::string dir = r->dir + "/" + v->second;
    ASSIGN_OR_RETURN(const TaggingModel m, LoadTaggingModel(dir, v->second, lo));
    const WindowOptions window = ServingWindow(*m.model);
    ASSIGN_OR_RETURN(const Tokenized t, Tokenize(pool, *m.tokenizer, window));
    double sum = 0;
    for (size_t d = 0; d < pool.size(); ++d) {
      r->tokens[d] += t.tokens[d];
      sum += static_cast<double>(t.tokens[d]);
    }
    const bool wordpiece = dynamic_cast<const text::BertTokenizer*>(m.tokenizer.get()) != nullptr;
    std::printf(
        "  %-10s %-14s %-10s windows of <= %d tokens, %.0f model-input tokens per abstract\n",
        r->name.c_str(), v->second.c_str(), wordpiece ? "WordPiece" : "word+chars",
        window.max_seq_len, sum / static_cast<double>(pool.size()));
  }
  return Status::Ok();
}

template <typename F>
double MedianOf(const std::vector<Run>& runs, F field) {
  std::vector<double> v;
  for (const Run& r : runs) v.push_back(field(r));
  return Median(v);
}

int Main(int argc, char** argv) {
  ArgParser p(kProgram,
              "Model repositories side by side through bioner-server on real abstracts "
              "(docs/BENCHMARKS.md).");
  p.AddList("repo", "NAME=DIR",
            "a model repository and its name in the report (the first is the reference of "
            "the ratios)",
            /*required=*/true);
  p.AddValue("types", "T,T,...",
             "entity types every server serves and every document is tagged with", false,
             "Gene,Chemical,Disease,Species,CellLine");
  p.AddValue("abstracts", "FILE", "JSON lines with \"title\" and \"text\"", false,
             kShared + "/pretrain/sysreview_abstracts-00.jsonl.gz");
  p.AddValue("rounds", "N", "rounds; each runs every repository once", false, "3");
  p.AddValue("docs", "N", "abstracts per run (a new slice per round)", false, "40");
  p.AddValue("window", "N", "documents in flight (client)", false, "8");
  p.AddValue("threads", "N", "the servers' torch intra-op threads (0: all cores)", false, "1");
  p.AddValue("blas-threads", "N", "the servers' OpenBLAS threads", false, "1");
  if (auto code = p.ParseCommandLine(argc, argv)) return *code;
  long long rounds = 0, n = 0, window = 0, threads = 0, blas = 0;
  if (!ReadIntFlags(p, kProgram,
                    {{"rounds", &rounds, 1},
                     {"docs", &n, 1},
                     {"window", &window, 1},
                     {"threads", &threads, 0},
                     {"blas-threads", &blas, 1}})) {
    return 2;
  }
  auto bad_flag = [](const std::string& message) {
    std::cerr << kProgram << ": " << message << "\n";
    return 2;
  };
  std::vector<std::unique_ptr<Repository>> repos;
  std::set<std::string> names;
  for (const std::string& spec : p.GetList("repo")) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return bad_flag("--repo must be NAME=DIR, got '" + spec + "'");
    }
    auto r = std::make_unique<Repository>();
    r->name = spec.substr(0, eq);
    r->dir = spec.substr(eq + 1);
    if (!names.insert(r->name).second)
      return bad_flag("--repo: the name '" + r->name + "' is given twice");
    std::error_code ec;
    if (!fs::is_directory(r->dir, ec))
      return bad_flag("--repo " + r->name + ": " + r->dir + " is not a folder");
    r->dir = fs::absolute(r->dir, ec).lexically_normal().string();
    while (r->dir.size() > 1 && r->dir.back() == '/') r->dir.pop_back();
    repos.push_back(std::move(r));
  }
  const std::vector<std::string> types = Split(p.Get("types"), ',');
  std::set<std::string> seen;
  for (const std::string& t : types) {
    if (t.empty()) return bad_flag("--types: an empty type in '" + p.Get("types") + "'");
    if (!seen.insert(t).second) return bad_flag("--types: '" + t + "' is given twice");
  }
  std::error_code ec;
  if (!p.Has("abstracts") && !fs::is_directory(kShared, ec)) {
    std::cerr << kProgram << ": skipped: " << kShared << " is missing (it holds the abstracts; "
              << "--abstracts FILE reads others)\n";
    return 77;
  }
  if (p.Has("abstracts") && !fs::exists(p.Get("abstracts"), ec))
    return bad_flag("--abstracts: no file " + p.Get("abstracts"));

  const Clock::time_point t0 = Clock::now();
  const std::string load_start = LoadAverage();
  std::printf("command: %s\ndate: %s\nload average at start: %s (%u hardware threads)\n",
              CommandLine(argc, argv).c_str(), Now().c_str(), load_start.c_str(),
              std::thread::hardware_concurrency());
  auto fail = [](const Status& s) {
    std::cerr << kProgram << ": " << s << "\n";
    return 1;
  };
  const size_t needed = static_cast<size_t>(rounds * n);
  auto pool = ReadAbstracts(p.Get("abstracts"), needed);
  if (!pool.ok()) return fail(pool.status());
  if (pool->size() < needed) {
    return fail(InvalidArgument(p.Get("abstracts") + " has " + std::to_string(pool->size()) +
                                " abstracts; the runs need " + std::to_string(needed)));
  }
  std::vector<int64_t> words;
  double sum_words = 0;
  for (const Document& d : *pool) {
    auto w = CountWords(d);
    if (!w.ok()) return fail(w.status());
    words.push_back(*w);
    sum_words += static_cast<double>(*w);
  }
  std::printf("abstracts: %zu from %s, %.0f words per abstract (pre-tokenizer)\n", pool->size(),
              p.Get("abstracts").c_str(), sum_words / static_cast<double>(pool->size()));

  const std::string tmp = bioner::testing::MakeTempDir("bioner_models_bench_");
  struct RemoveOnExit {  // declared before the servers, so they are killed first
    std::string dir;
    ~RemoveOnExit() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } remove_tmp{tmp};
  const int w = static_cast<int>(window);
  std::printf("models (%s):\n", p.Get("types").c_str());
  for (size_t i = 0; i < repos.size(); ++i) {
    Repository& r = *repos[i];
    const std::string config = tmp + "/server-" + std::to_string(i) + ".yaml";
    Status s =
        WriteFileAtomic(config, ServerYaml(r.dir, static_cast<int>(threads), static_cast<int>(blas),
                                           /*batching=*/true, w, types));
    if (s.ok()) s = StartServer(config, w, &r.server);
    if (s.ok()) {
      // Resident memory with the models loaded, before any call.
      auto m = bioner::testing::ReadProcessMemory(r.server.process.pid());
      s = m.status();
      if (m.ok()) r.loaded = *m;
    }
    if (s.ok()) s = CountTokens(types, *pool, static_cast<int>(threads), &r);
    if (!s.ok()) return fail(s.WithContext("repository " + r.name + " (" + r.dir + ")"));
  }
  // Warm-up: first calls allocate; not measured.
  const size_t warm = std::min<size_t>(2, pool->size());
  const std::vector<Document> warm_docs(pool->begin(),
                                        pool->begin() + static_cast<std::ptrdiff_t>(warm));
  for (auto& r : repos) {
    int64_t tokens = 0;
    for (size_t d = 0; d < warm; ++d) tokens += r->tokens[d];
    auto run = RunServer(r->server, warm_docs, types, tokens);
    if (!run.ok()) return fail(run.status().WithContext("repository " + r->name + ", warm-up"));
  }

  for (long long round = 1; round <= rounds; ++round) {
    const size_t begin = static_cast<size_t>(round - 1) * static_cast<size_t>(n);
    const size_t end = begin + static_cast<size_t>(n);
    const std::vector<Document> docs(pool->begin() + static_cast<std::ptrdiff_t>(begin),
                                     pool->begin() + static_cast<std::ptrdiff_t>(end));
    double slice_words = 0;
    for (size_t d = begin; d < end; ++d) slice_words += static_cast<double>(words[d]);
    for (size_t k = 0; k < repos.size(); ++k) {
      Repository& r = *repos[(k + static_cast<size_t>(round - 1)) % repos.size()];
      int64_t tokens = 0;
      for (size_t d = begin; d < end; ++d) tokens += r.tokens[d];
      auto run = RunServer(r.server, docs, types, tokens);
      if (!run.ok()) {
        return fail(run.status().WithContext("repository " + r.name + " (" + r.dir + "), round " +
                                             std::to_string(round)));
      }
      const double words_per_s = slice_words / run->seconds;
      r.runs.push_back(*run);
      r.words_per_s.push_back(words_per_s);
      std::printf(
          "round %lld  %-10s %4zu docs %6.1f s %7.2f docs/s %7.0f words/s %8.0f tokens/s  p50 "
          "%6.0f ms  "
          "p99 %6.0f ms  padding %5.2f%%  %5.1f windows/batch  %5.1f CPU-s %6.3f docs/CPU-s\n",
          round, r.name.c_str(), docs.size(), run->seconds, run->docs_per_s, words_per_s,
          run->tokens_per_s, run->p50_ms, run->p99_ms, 100 * run->padding, run->windows_per_batch,
          run->cpu_seconds, run->docs_per_cpu_s);
      std::fflush(stdout);
    }
  }
  const std::string load_end = LoadAverage();
  for (auto& r : repos) {
    auto m = bioner::testing::ReadProcessMemory(r->server.process.pid());
    if (!m.ok()) return fail(m.status().WithContext("repository " + r->name));
    r->end = *m;
    const int code = r->server.process.Terminate();
    if (code != 0) {
      return fail(Internal("repository " + r->name + ": bioner-server exited with " +
                           std::to_string(code)));
    }
  }

  // Summary: medians over the rounds; ratios to the first repository per round, then the median.
  const Repository& first = *repos.front();
  auto ratio = [&](const Repository& r, double Run::*field) {
    std::vector<double> v;
    for (size_t i = 0; i < r.runs.size(); ++i) v.push_back(r.runs[i].*field / first.runs[i].*field);
    return Median(v);
  };
  std::printf(
      "\n%lld round(s) x %lld abstracts, %s, %lld in flight, threads %lld, blas-threads %lld; "
      "load average %s at start, %s after the rounds\n\n",
      rounds, n, p.Get("types").c_str(), window, threads, blas, load_start.c_str(),
      load_end.c_str());
  std::printf(
      "| repository | docs/s | words/s | tokens/s | p50 ms | p99 ms | docs/CPU-s | docs/s vs %s | "
      "docs/CPU-s vs %s | VmRSS loaded MB | VmHWM MB |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
      first.name.c_str(), first.name.c_str());
  for (const auto& r : repos) {
    const auto& v = r->runs;
    std::printf("| %s | %.2f | %.0f | %.0f | %.0f | %.0f | %.3f | %.2fx | %.2fx | %.0f | %.0f |\n",
                r->name.c_str(), MedianOf(v, [](const Run& x) { return x.docs_per_s; }),
                Median(r->words_per_s), MedianOf(v, [](const Run& x) { return x.tokens_per_s; }),
                MedianOf(v, [](const Run& x) { return x.p50_ms; }),
                MedianOf(v, [](const Run& x) { return x.p99_ms; }),
                MedianOf(v, [](const Run& x) { return x.docs_per_cpu_s; }),
                ratio(*r, &Run::docs_per_s), ratio(*r, &Run::docs_per_cpu_s),
                r->loaded.rss_bytes / 1e6, r->end.hwm_bytes / 1e6);
  }
  std::printf(
      "\ntokens/s: model-input tokens of all types as each server counts them (its own "
      "tokenization); "
      "words/s: pre-tokenizer words of the same abstracts, the same for every repository.\n");
  std::printf("total %.0f s; date at the end: %s\n",
              std::chrono::duration<double>(Clock::now() - t0).count(), Now().c_str());
  return 0;
}

}  // namespace
}  // namespace bioner::bench

int main(int argc, char** argv) { return bioner::bench::Main(argc, argv); }
