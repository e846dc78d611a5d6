// bioner-trainer corpus list|fetch|stats|export: the HUNER corpora from the registry
// (core/corpus/corpora.json). Progress and problems go to stderr, results to stdout or --out.
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/corpus/corpus.h"
#include "core/corpus/fetch.h"
#include "core/corpus/registry.h"
#include "core/doc/jsonl.h"
#include "core/util/args.h"
#include "core/util/file.h"
#include "trainer/commands.h"

namespace bioner::trainer {
namespace {

using json = nlohmann::json;

constexpr const char kUsage[] =
    "usage: bioner-trainer corpus ACTION [flags]\n"
    "\n"
    "actions:\n"
    "  list     registered corpora: types, status, present in the cache/mirror, held out\n"
    "  fetch    download (or copy from --mirror) into the cache, checking sha256 sums\n"
    "  stats    documents, sentences, entities per corpus/type/split, and every repair\n"
    "  export   one split as bioner JSONL, gold entities with canonical types\n"
    "\n"
    "Run 'bioner-trainer corpus ACTION --help' for its flags.\n";

int Fail(const Status& s) {
  if (s.code() == StatusCode::kCancelled) return 0;  // --help
  std::cerr << "bioner-trainer corpus: " << s.ToString() << "\n";
  return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

void AddRootFlags(ArgParser* p) {
  p->AddValue("mirror", "DIR", "a local mirror laid out like shared/corpora");
  p->AddValue("cache", "DIR", "the corpus cache", false, "$BIONER_CACHE or ~/.cache/bioner/corpora");
}

std::string CacheDir(const ArgParser& p) { return p.Has("cache") ? p.Get("cache") : DefaultCacheDir(); }

// Where corpora are read from: the mirror when given, else the cache.
StatusOr<std::string> ReadRoot(const ArgParser& p) {
  if (p.Has("mirror") && p.Has("cache")) {
    return InvalidArgument("give --mirror or --cache, not both (stats and export read one folder)");
  }
  return p.Has("mirror") ? p.Get("mirror") : CacheDir(p);
}

// The named corpora, or by default every available one.
StatusOr<std::vector<const CorpusSpec*>> SelectCorpora(const CorpusRegistry& reg,
                                                       const std::vector<std::string>& names) {
  std::vector<const CorpusSpec*> out;
  if (names.empty()) {
    for (const CorpusSpec& c : reg.corpora()) {
      if (c.status == CorpusStatus::kAvailable) out.push_back(&c);
    }
    return out;
  }
  for (const std::string& n : names) {
    ASSIGN_OR_RETURN(const CorpusSpec* c, reg.Find(n));
    out.push_back(c);
  }
  return out;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

int List(int argc, char** argv, const CorpusRegistry& reg) {
  ArgParser p("bioner-trainer corpus list", "Lists the registered corpora.");
  AddRootFlags(&p);
  p.AddBool("json", "print JSON instead of a table");
  if (Status s = p.Parse(argc, argv, 2); !s.ok()) return Fail(s);
  const std::string cache = CacheDir(p);
  json rows = json::array();
  for (const CorpusSpec& c : reg.corpora()) {
    json r = {{"name", c.name}, {"types", c.Types()}, {"status", CorpusStatusName(c.status)},
              {"held_out", c.held_out()}, {"format", c.format},
              {"in_cache", CorpusPresent(reg, c, cache)}};
    if (p.Has("mirror")) r["in_mirror"] = CorpusPresent(reg, c, p.Get("mirror"));
    rows.push_back(r);
  }
  if (p.GetBool("json")) {
    std::cout << json{{"cache", cache}, {"corpora", rows}}.dump(2) << "\n";
    return 0;
  }
  std::cout << "cache: " << cache << "\n";
  std::cout << std::left << std::setw(16) << "corpus" << std::setw(34) << "types" << std::setw(11)
            << "status" << std::setw(10) << "held-out" << std::setw(7) << "cache"
            << (p.Has("mirror") ? "mirror" : "") << "\n";
  for (const json& r : rows) {
    std::cout << std::setw(16) << r["name"].get<std::string>() << std::setw(34)
              << Join(r["types"].get<std::vector<std::string>>(), ",") << std::setw(11)
              << r["status"].get<std::string>() << std::setw(10)
              << (r["held_out"].get<bool>() ? "HELD OUT" : "-") << std::setw(7)
              << (r["in_cache"].get<bool>() ? "yes" : "no")
              << (r.contains("in_mirror") ? (r["in_mirror"].get<bool>() ? "yes" : "no") : "")
              << "\n";
  }
  return 0;
}

int Fetch(int argc, char** argv, const CorpusRegistry& reg) {
  ArgParser p("bioner-trainer corpus fetch",
              "Downloads corpora from their original addresses (or copies them from --mirror) "
              "into the cache, checking sha256 sums. Default: every available corpus.");
  p.AddList("corpus", "NAME", "corpus to fetch");
  AddRootFlags(&p);
  if (Status s = p.Parse(argc, argv, 2); !s.ok()) return Fail(s);
  auto corpora = SelectCorpora(reg, p.GetList("corpus"));
  if (!corpora.ok()) return Fail(corpora.status());
  FetchOptions opt{CacheDir(p), p.Has("mirror") ? p.Get("mirror") : "", &std::cerr};
  int failed = 0;
  for (const CorpusSpec* c : *corpora) {
    if (Status s = FetchCorpus(reg, *c, opt); !s.ok()) {
      std::cerr << "bioner-trainer corpus fetch: " << c->name << ": " << s.ToString() << "\n";
      ++failed;
    }
  }
  if (failed) std::cerr << failed << " of " << corpora->size() << " corpora failed\n";
  return failed ? 1 : 0;
}

json ReportJson(const CorpusReport& r) {
  json out = json::object();
  for (const auto& [reason, n] : r.counts) {
    out[reason] = {{"count", n}, {"examples", r.examples.count(reason) ? r.examples.at(reason)
                                                                        : std::vector<std::string>{}}};
  }
  return out;
}

json StatsJson(const LoadedCorpus& c) {
  json types = json::object();
  for (const auto& [type, splits] : ComputeStats(c)) {
    json t = {{"split_file", c.spec->split_files.at(type)}};
    for (const auto& [split, s] : splits) {
      t[split] = {{"documents", s.documents}, {"sentences", s.sentences}, {"entities", s.entities},
                  {"entities_crossing_sentences", s.crossing_sentences},
                  {"entities_inside_words", s.inside_words}, {"inside_word_examples", s.inside_word_examples},
                  {"split_ids_missing", s.missing_ids}};
    }
    types[type] = t;
  }
  return {{"name", c.spec->name}, {"status", CorpusStatusName(c.spec->status)},
          {"held_out", c.spec->held_out()}, {"format", c.spec->format},
          {"documents", c.documents.size()}, {"labels", c.labels}, {"types", types},
          {"report", ReportJson(c.report)}};
}

void PrintTable(const json& corpora, std::ostream& os) {
  os << std::left << std::setw(15) << "corpus" << std::setw(10) << "type" << std::setw(7)
     << "split" << std::right << std::setw(7) << "docs" << std::setw(9) << "sents"
     << std::setw(9) << "entities" << std::setw(9) << "crossing" << std::setw(9) << "in-word" << std::setw(9)
     << "missing" << "\n";
  for (const json& c : corpora) {
    if (c.contains("error")) {
      os << std::left << std::setw(15) << c["name"].get<std::string>() << "ERROR: "
         << c["error"].get<std::string>() << "\n";
      continue;
    }
    for (const auto& [type, t] : c["types"].items()) {
      for (const char* split : kSplitNames) {
        const json& s = t[split];
        os << std::left << std::setw(15) << c["name"].get<std::string>() << std::setw(10) << type
           << std::setw(7) << split << std::right << std::setw(7) << s["documents"].get<long>()
           << std::setw(9) << s["sentences"].get<long>() << std::setw(9)
           << s["entities"].get<long>() << std::setw(9)
           << s["entities_crossing_sentences"].get<long>() << std::setw(9)
           << s["entities_inside_words"].get<long>() << std::setw(9) << s["split_ids_missing"].get<long>() << "\n";
      }
    }
  }
  os << "\nin-word: entities with a boundary inside a word of the word taggers' pre-tokenizer (widened to whole\n"
        "words when a BiLSTM-CRF trains), e.g.:\n";
  for (const json& c : corpora) {
    if (c.contains("error")) continue;
    for (const auto& [type, t] : c["types"].items()) {
      for (const char* split : kSplitNames) {
        for (const auto& ex : t[split]["inside_word_examples"]) {
          os << "  " << c["name"].get<std::string>() << " " << type << " " << split << ": " << ex.get<std::string>()
             << "\n";
        }
      }
    }
  }
  os << "\nrepairs and drops (count, reason, examples):\n";
  for (const json& c : corpora) {
    if (c.contains("error") || c["report"].empty()) continue;
    os << c["name"].get<std::string>() << ":\n";
    for (const auto& [reason, r] : c["report"].items()) {
      const auto ex = r["examples"].get<std::vector<std::string>>();
      os << "  " << std::right << std::setw(7) << r["count"].get<long>() << "  " << reason;
      if (!ex.empty()) os << "  e.g. " << ex.front();
      os << "\n";
    }
  }
}

int Stats(int argc, char** argv, const CorpusRegistry& reg) {
  ArgParser p("bioner-trainer corpus stats",
              "Loads corpora and prints documents, sentences and entities per type and split, "
              "and every dropped or repaired annotation with the reason. Default: every "
              "available corpus.");
  p.AddList("corpus", "NAME", "corpus to load");
  AddRootFlags(&p);
  p.AddBool("json", "print JSON instead of a table");
  if (Status s = p.Parse(argc, argv, 2); !s.ok()) return Fail(s);
  auto root = ReadRoot(p);
  if (!root.ok()) return Fail(root.status());
  auto corpora = SelectCorpora(reg, p.GetList("corpus"));
  if (!corpora.ok()) return Fail(corpora.status());
  json out = json::array();
  int failed = 0;
  for (const CorpusSpec* c : *corpora) {
    std::cerr << "loading " << c->name << "\n";
    auto loaded = LoadCorpus(reg, *c, CorpusLoadOptions{*root});
    if (!loaded.ok()) {
      std::cerr << "bioner-trainer corpus stats: " << loaded.status().ToString() << "\n";
      out.push_back({{"name", c->name}, {"status", CorpusStatusName(c->status)},
                     {"error", loaded.status().ToString()}});
      ++failed;
      continue;
    }
    out.push_back(StatsJson(*loaded));
  }
  if (p.GetBool("json")) {
    std::cout << json{{"root", *root}, {"corpora", out}}.dump(2) << "\n";
  } else {
    PrintTable(out, std::cout);
  }
  return failed ? 1 : 0;
}

int Export(int argc, char** argv, const CorpusRegistry& reg) {
  ArgParser p("bioner-trainer corpus export",
              "Writes one split as bioner JSONL with gold entities of canonical types. "
              "--type alone exports that type from every non-held-out corpus (HUNER-style).");
  p.AddList("corpus", "NAME", "corpus to export");
  p.AddValue("type", "TYPE", "only entities of this type (Gene, Chemical, Disease, Species, CellLine)");
  p.AddValue("split", "SPLIT", "train, dev or test", true);
  p.AddValue("out", "FILE.jsonl", "output file (written atomically)", true);
  AddRootFlags(&p);
  if (Status s = p.Parse(argc, argv, 2); !s.ok()) return Fail(s);
  auto root = ReadRoot(p);
  if (!root.ok()) return Fail(root.status());
  const std::string split = p.Get("split");
  if (!IsSplitName(split)) return Fail(InvalidArgument("--split must be train, dev or test, not '" + split + "'"));
  std::vector<std::string> types;
  if (p.Has("type")) {
    if (!IsCanonicalEntityType(p.Get("type"))) {
      return Fail(InvalidArgument("--type '" + p.Get("type") +
                                  "' is not one of Gene, Chemical, Disease, Species, CellLine"));
    }
    types.push_back(p.Get("type"));
  }
  std::vector<const CorpusSpec*> corpora;
  if (!p.GetList("corpus").empty()) {
    auto sel = SelectCorpora(reg, p.GetList("corpus"));
    if (!sel.ok()) return Fail(sel.status());
    corpora = *sel;
  } else if (!types.empty()) {
    for (const CorpusSpec* c : reg.WithType(types[0])) {
      if (c->status == CorpusStatus::kMissing) {
        std::cerr << "skipping " << c->name << ": missing here (docs/CORPORA.md)\n";
        continue;
      }
      corpora.push_back(c);
    }
  } else {
    return Fail(InvalidArgument("give --corpus NAME or --type TYPE"));
  }
  std::string data;
  size_t n = 0;
  for (const CorpusSpec* c : corpora) {
    if (c->held_out() && split == "train") {
      return Fail(FailedPrecondition("corpus '" + c->name + "' is held out for cross-corpus "
                                     "evaluation; its train split is never exported"));
    }
    std::cerr << "loading " << c->name << "\n";
    auto loaded = LoadCorpus(reg, *c, CorpusLoadOptions{*root});
    if (!loaded.ok()) return Fail(loaded.status());
    auto docs = SplitDocuments(*loaded, split, types);
    if (!docs.ok()) return Fail(docs.status());
    for (const Document& d : *docs) data += DocumentToJson(d) + "\n";
    n += docs->size();
    std::cerr << "  " << c->name << " " << split << ": " << docs->size() << " documents\n";
  }
  if (Status s = WriteFileAtomic(p.Get("out"), data); !s.ok()) return Fail(s);
  std::cerr << "wrote " << n << " documents to " << p.Get("out") << "\n";
  return 0;
}

}  // namespace

int RunCorpus(int argc, char** argv) {
  const CorpusRegistry& reg = CorpusRegistry::Default();
  if (!CorpusRegistry::EmbeddedStatus().ok()) return Fail(CorpusRegistry::EmbeddedStatus());
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string action = argv[1];
  if (action == "list") return List(argc, argv, reg);
  if (action == "fetch") return Fetch(argc, argv, reg);
  if (action == "stats") return Stats(argc, argv, reg);
  if (action == "export") return Export(argc, argv, reg);
  std::cerr << "bioner-trainer corpus: unknown action '" << action << "'\n" << kUsage;
  return 2;
}

}  // namespace bioner::trainer
