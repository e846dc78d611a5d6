// bioner-client: a thin command line over bioner_client (docs/CLIENT.md).
//   bioner-client annotate --server ADDR --in FILE --out FILE [--types Gene,Disease] ...
//   bioner-client annotate --server ADDR --in DIR_OR_FILE... --out-dir DIR [--resume] ...
//   bioner-client models --server ADDR
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

#include "client/annotate_files.h"
#include "client/corpus_io.h"
#include "client/input_list.h"
#include "client/progress.h"
#include "client/tagger_client.h"
#include "core/util/args.h"
#include "core/util/main_guard.h"

namespace bioner::client {
namespace {

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size() && !s.empty()) {
    const size_t comma = std::min(s.find(',', pos), s.size());
    if (comma > pos) out.push_back(s.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

void AddConnectionFlags(ArgParser* p) {
  p->AddValue("server", "ADDR",
              "bioner-server address host:port, or a gRPC target (dns:///host:port, "
              "ipv4:a:port,b:port)", /*required=*/true);
  p->AddValue("load-balancing", "POLICY",
              "pick_first|round_robin: one server, or calls spread over every address the "
              "target resolves to", false, "pick_first");
  p->AddValue("token", "TOKEN", "bearer token (the server's auth.bearer_token_file)");
  p->AddValue("token-file", "FILE", "file holding the bearer token");
  p->AddBool("tls", "use TLS with the system root certificates");
  p->AddValue("root-cert", "FILE", "PEM root certificates for TLS (implies --tls)");
  p->AddBool("insecure", "plaintext connection (the default; for explicitness)");
}

StatusOr<ClientOptions> ConnectionOptions(const ArgParser& p) {
  ClientOptions o;
  o.server = p.Get("server");
  o.load_balancing = p.Get("load-balancing");
  o.token = p.Get("token");
  if (p.Has("token-file")) {
    FILE* f = std::fopen(p.Get("token-file").c_str(), "rb");
    if (f == nullptr) return NotFound("--token-file " + p.Get("token-file") + ": cannot open");
    char buf[4096];
    const size_t n = std::fread(buf, 1, sizeof(buf), f);
    std::fclose(f);
    o.token.assign(buf, n);
    while (!o.token.empty() && std::isspace(static_cast<unsigned char>(o.token.back()))) {
      o.token.pop_back();
    }
  }
  o.tls = p.GetBool("tls");
  o.root_cert_file = p.Get("root-cert");
  if (p.GetBool("insecure") && (o.tls || !o.root_cert_file.empty())) {
    return InvalidArgument("--insecure contradicts --tls/--root-cert");
  }
  return o;
}

int Fail(const Status& s) {
  std::cerr << "bioner-client: " << s << "\n";
  return 2;
}

// Exit codes (docs/CLIENT.md): 0 all done; 1 documents or input files refused (each
// reported), everything else done; 2 the run could not complete.
int ExitCode(const RunReport& r) {
  if (!r.stopped.ok()) return 2;
  return r.refused_documents > 0 || !r.refused.empty() ? 1 : 0;
}

std::string Plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The report of an --out-dir run: what was done, skipped and refused, and why it stopped.
void PrintSummary(const RunReport& r, size_t files, const std::string& out_dir) {
  for (const auto& [reason, n] : r.input.counts) {
    std::cerr << "bioner-client: input: " << reason << ": " << n << "\n";
    for (const std::string& e : r.input.examples.at(reason)) std::cerr << "    " << e << "\n";
  }
  char rate[64];
  std::snprintf(rate, sizeof(rate), "%.1f s, %.1f documents/s", r.seconds,
                r.seconds > 0 ? r.documents / r.seconds : 0.0);
  std::cerr << "bioner-client: done: " << Plural(r.done.size(), "file") << " annotated into "
            << out_dir << " (" << Plural(r.documents, "document") << " in " << rate;
  if (r.refused_documents > 0) {
    std::cerr << "; " << r.refused_documents << " refused by the server, reported above";
  }
  if (r.already_done > 0) std::cerr << "; " << r.already_done << " resumed from .partial outputs";
  std::cerr << ")\n";
  if (!r.skipped.empty()) {
    std::cerr << "bioner-client: skipped: " << Plural(r.skipped.size(), "file")
              << " finished by an earlier run (--resume)\n";
  }
  if (!r.refused.empty()) {
    std::cerr << "bioner-client: refused: " << Plural(r.refused.size(), "file")
              << " could not be read (fix or remove them; the other files are done):\n";
    for (const RefusedFile& f : r.refused) std::cerr << "    " << f.path << ": " << f.error << "\n";
  }
  if (!r.stopped.ok()) {
    const size_t left = files - r.done.size() - r.skipped.size() - r.refused.size();
    std::cerr << "bioner-client: stopped with " << Plural(left, "file")
              << " not done: " << r.stopped << "\n"
              << "bioner-client: rerun with --resume to continue where it stopped\n";
  }
}

// --in values and the arguments that follow them without a flag (--in data/*.xml.gz).
std::vector<std::string> Inputs(const ArgParser& p) {
  std::vector<std::string> in = p.GetList("in");
  in.insert(in.end(), p.positional().begin(), p.positional().end());
  return in;
}

// --out FILE for one input file, --out-dir DIR otherwise; the combinations that cannot mean
// what the user wants are refused before any work.
Status CheckOutputMode(const ArgParser& p, const std::vector<std::string>& inputs) {
  if (inputs.empty()) {
    return InvalidArgument("missing --in FILE|DIR: the documents to annotate (see --help)");
  }
  const bool out = p.Has("out"), out_dir = p.Has("out-dir");
  if (out && out_dir) {
    return InvalidArgument("--out and --out-dir contradict each other: --out FILE takes the "
                           "output of one input file, --out-dir DIR one output per input");
  }
  if (!out && !out_dir) {
    return InvalidArgument("missing --out FILE (for one input file) or --out-dir DIR (one "
                           "output per input file, for several files or a folder)");
  }
  if (out_dir) return Status::Ok();
  if (inputs.size() > 1) {
    return InvalidArgument("--out " + p.Get("out") + " is one output file, but " +
                           std::to_string(inputs.size()) + " inputs were given (" + inputs[0] +
                           ", " + inputs[1] + (inputs.size() > 2 ? ", ..." : "") +
                           "); use --out-dir DIR for one output per input");
  }
  std::error_code ec;
  if (std::filesystem::is_directory(inputs[0], ec)) {
    return InvalidArgument("--in " + inputs[0] + " is a folder; use --out-dir DIR (instead of "
                           "--out) for one output per file in it");
  }
  if (p.Has("shard")) {
    return InvalidArgument("--shard splits the input files of an --out-dir run between "
                           "processes; with --out there is one file");
  }
  return Status::Ok();
}

// With --out-dir a misspelt --types would have every document of every file refused one by
// one, so the types are checked once against the models served before the run. Only a
// served list can refuse: an unreachable server is left to the run's retries.
Status CheckTypesServed(TaggerClient* client, const std::vector<std::string>& types,
                        const std::string& server) {
  if (types.empty()) return Status::Ok();
  StatusOr<std::vector<ModelInfo>> models = client->ListModels();
  if (!models.ok()) return Status::Ok();
  std::set<std::string> served;
  for (const ModelInfo& m : *models) served.insert(m.entity_type);
  for (const std::string& t : types) {
    if (served.count(t)) continue;
    std::string list;
    for (const std::string& s : served) list += (list.empty() ? "" : ", ") + s;
    return InvalidArgument("--types " + t + ": no model for it on " + server + " (served: " +
                           (list.empty() ? "none" : list) + ")");
  }
  return Status::Ok();
}

Progress::Mode ProgressMode(const ArgParser& p) {
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  if (p.Has("progress") && !p.GetBool("progress")) return Progress::Mode::kOff;
  if (terminal) return Progress::Mode::kTerminal;
  return p.GetBool("progress") ? Progress::Mode::kLog : Progress::Mode::kOff;
}

int Annotate(int argc, char** argv) {
  ArgParser p("bioner-client annotate",
              "Annotates files of documents with bioner-server: one file into --out FILE, or "
              "files and folders into --out-dir DIR.");
  AddConnectionFlags(&p);
  p.AddList("in", "FILE|DIR",
            "input file, or folder: its files with a document extension, by name, not "
            "recursive; more inputs may follow without the flag (--in data/*.xml.gz)");
  p.AddValue("in-format", "NAME",
             "jsonl|plain_text|pubmed_xml|jats|bioc_xml|bioc_json|pubtator (default: detected "
             "per file)");
  p.AddValue("out", "FILE", "output file, for one input file");
  p.AddValue("out-dir", "DIR",
             "output folder, one output per input named after it (a.xml.gz -> a.jsonl); "
             "created if missing");
  p.AddValue("format", "NAME",
             "jsonl|pubtator|bioc-json|bioc-xml (default: from --out's name; jsonl with "
             "--out-dir)");
  p.AddValue("types", "LIST", "entity types, comma-separated (default: all served)");
  p.AddValue("window", "N", "documents in flight (in all, shared by the streams)", false, "64");
  p.AddValue("streams", "N",
             "parallel AnnotateStream calls over a file's documents (with round_robin: "
             "spread over the servers)", false, "1");
  p.AddValue("documents-per-call", "N",
             "a stream's call ends after N documents and a new one, placed anew by the load "
             "balancer, takes the next (0: one call per stream)", false, "0");
  p.AddValue("attempts", "N", "stream attempts in a row without progress on UNAVAILABLE", false,
             "5");
  p.AddValue("backoff-ms", "MS", "first retry delay, doubled per attempt", false, "500");
  p.AddBool("resume",
            "continue an interrupted run: skip documents already in --out (jsonl and pubtator "
            "output); with --out-dir also skip files whose output is finished");
  p.AddValue("shard", "K/N",
             "with --out-dir: annotate only the K-th of N parts of the files (by a hash of "
             "the name), for N client processes sharing one list");
  p.AddBool("progress",
            "progress on stderr even when it is not a terminal (a line per file and every "
            "10 s); --progress=false: none");
  if (auto exit_code = p.ParseCommandLine(argc, argv)) return *exit_code;
  const std::vector<std::string> inputs = Inputs(p);
  if (Status s = CheckOutputMode(p, inputs); !s.ok()) return Fail(s);
  const bool many = p.Has("out-dir");
  StatusOr<ClientOptions> options = ConnectionOptions(p);
  if (!options.ok()) return Fail(options.status());
  for (auto [flag, field] : {std::pair<const char*, int*>{"window", &options->window},
                             {"streams", &options->streams},
                             {"documents-per-call", &options->documents_per_call},
                             {"attempts", &options->max_attempts},
                             {"backoff-ms", &options->initial_backoff_ms}}) {
    StatusOr<long long> v = p.GetInt(flag);
    if (!v.ok()) return Fail(v.status());
    if (*v < 0 || *v > INT32_MAX) {
      return Fail(InvalidArgument("--" + std::string(flag) + " " + std::to_string(*v) +
                                  " is out of range"));
    }
    *field = static_cast<int>(*v);
  }
  options->max_backoff_ms = std::max(options->max_backoff_ms, options->initial_backoff_ms);

  RunOptions run;
  run.out_format = many ? OutputFormat::kJsonl : OutputFormatForPath(p.Get("out"));
  if (p.Has("format")) {
    StatusOr<OutputFormat> f = ParseOutputFormat(p.Get("format"));
    if (!f.ok()) return Fail(f.status());
    run.out_format = *f;
  }
  run.in_format = p.Get("in-format");
  run.types = SplitComma(p.Get("types"));
  run.resume = p.GetBool("resume");
  run.progress = ProgressMode(p);

  std::vector<InputFile> files;
  if (many) {
    StatusOr<InputListing> listing = ListInputs(inputs, p.Get("out-dir"), run.out_format);
    if (!listing.ok()) return Fail(listing.status());
    for (const std::string& note : listing->notes) std::cerr << "bioner-client: " << note << "\n";
    if (listing->files.empty()) {
      return Fail(InvalidArgument("no input files in --in " + inputs[0] +
                                  (inputs.size() > 1 ? " ..." : "") +
                                  " (a folder's inputs are its files named *.jsonl, *.xml.gz, "
                                  "*.xml, *.nxml, *.json, *.pubtator or *.txt)"));
    }
    files = std::move(listing->files);
    if (p.Has("shard")) {
      StatusOr<Shard> shard = ParseShard(p.Get("shard"));
      if (!shard.ok()) return Fail(shard.status());
      const size_t all = files.size();
      files = SelectShard(files, *shard);
      std::cerr << "bioner-client: shard " << p.Get("shard") << ": " << files.size() << " of "
                << all << " files\n";
    }
  }
  StatusOr<std::unique_ptr<TaggerClient>> client = TaggerClient::Connect(*options);
  if (!client.ok()) return Fail(client.status());

  if (many) {
    if (Status s = CheckTypesServed(client->get(), run.types, options->server); !s.ok()) {
      return Fail(s);
    }
    std::error_code ec;
    std::filesystem::create_directories(p.Get("out-dir"), ec);
    if (ec) {
      return Fail(Unavailable("--out-dir " + p.Get("out-dir") + ": cannot create: " +
                              ec.message()));
    }
    const RunReport report = AnnotateFiles(client->get(), files, run);
    PrintSummary(report, files.size(), p.Get("out-dir"));
    return ExitCode(report);
  }
  const RunReport report = AnnotateFile(client->get(), inputs[0], p.Get("out"), run);
  if (!report.stopped.ok()) return Fail(report.stopped);
  if (report.refused_documents > 0) {
    std::cerr << "bioner-client: " << report.refused_documents << " of "
              << report.documents << " documents failed (see above); the others are in "
              << p.Get("out") << "\n";
  }
  return ExitCode(report);
}

int Models(int argc, char** argv) {
  ArgParser p("bioner-client models", "Lists the models the server serves.");
  AddConnectionFlags(&p);
  if (auto exit_code = p.ParseCommandLine(argc, argv)) return *exit_code;
  StatusOr<ClientOptions> options = ConnectionOptions(p);
  if (!options.ok()) return Fail(options.status());
  StatusOr<std::unique_ptr<TaggerClient>> client = TaggerClient::Connect(*options);
  if (!client.ok()) return Fail(client.status());
  StatusOr<std::vector<ModelInfo>> models = (*client)->ListModels();
  if (!models.ok()) return Fail(models.status());
  for (const ModelInfo& m : *models) {
    std::cout << m.entity_type << "\t" << m.version << "\t" << m.max_seq_len << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace bioner::client

int main(int argc, char** argv) {
  // An exception reaching here is a bug: one line and the error exit code, never an abort.
  return bioner::RunMain("bioner-client", 2, [&]() -> int {
    return bioner::RunSubcommand(
        "bioner-client",
        {
            {"annotate", "--server ADDR (--in FILE --out FILE | --in DIR_OR_FILE... --out-dir DIR) [--types T,...] [--format F] [--resume] [--load-balancing round_robin --streams N]   tag files of documents", bioner::client::Annotate},
            {"models", "--server ADDR   the models the server serves", bioner::client::Models},
        },
        argc, argv);
  });
}
