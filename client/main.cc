// bioner-client: a thin command line over bioner_client (docs/CLIENT.md).
//   bioner-client annotate --server ADDR --in FILE --out FILE [--types Gene,Disease] ...
//   bioner-client models --server ADDR
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <set>

#include "client/corpus_io.h"
#include "client/tagger_client.h"
#include "core/util/args.h"

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

void PrintReport(const CorpusReport& report) {
  for (const auto& [reason, n] : report.counts) {
    std::cerr << "bioner-client: input: " << reason << ": " << n << "\n";
    for (const std::string& e : report.examples.at(reason)) std::cerr << "    " << e << "\n";
  }
}

int Annotate(int argc, char** argv) {
  ArgParser p("bioner-client annotate", "Annotates a file of documents with bioner-server.");
  AddConnectionFlags(&p);
  p.AddValue("in", "FILE", "input documents", /*required=*/true);
  p.AddValue("in-format", "NAME",
             "jsonl|plain_text|pubmed_xml|jats|bioc_xml|bioc_json|pubtator (default: detected)");
  p.AddValue("out", "FILE", "output file", /*required=*/true);
  p.AddValue("format", "NAME", "jsonl|pubtator|bioc-json|bioc-xml (default: from --out's name)");
  p.AddValue("types", "LIST", "entity types, comma-separated (default: all served)");
  p.AddValue("window", "N", "documents in flight (in all, shared by the streams)", false, "64");
  p.AddValue("streams", "N",
             "parallel AnnotateStream calls over the file's documents (with round_robin: "
             "spread over the servers)", false, "1");
  p.AddValue("documents-per-call", "N",
             "a stream's call ends after N documents and a new one, placed anew by the load "
             "balancer, takes the next (0: one call per stream)", false, "0");
  p.AddValue("attempts", "N", "stream attempts in a row without progress on UNAVAILABLE", false,
             "5");
  p.AddValue("backoff-ms", "MS", "first retry delay, doubled per attempt", false, "500");
  p.AddBool("resume", "skip documents already in --out (jsonl and pubtator output)");
  if (auto exit_code = p.ParseCommandLine(argc, argv)) return *exit_code;
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

  OutputFormat out_format = OutputFormatForPath(p.Get("out"));
  if (p.Has("format")) {
    StatusOr<OutputFormat> f = ParseOutputFormat(p.Get("format"));
    if (!f.ok()) return Fail(f.status());
    out_format = *f;
  }
  std::string in_format = p.Get("in-format");
  if (in_format.empty()) {
    StatusOr<std::string> f = DetectInputFormat(p.Get("in"));
    if (!f.ok()) return Fail(f.status());
    in_format = *f;
  }
  CorpusReport report;
  StatusOr<std::vector<Document>> docs = ReadInput(p.Get("in"), in_format, &report);
  if (!docs.ok()) return Fail(docs.status());
  PrintReport(report);

  std::set<std::string> done;
  if (p.GetBool("resume")) {
    StatusOr<std::set<std::string>> ids = PrepareResume(p.Get("out"), out_format);
    if (!ids.ok()) return Fail(ids.status());
    done = std::move(*ids);
  }
  std::vector<Document> todo;
  for (Document& d : *docs) {
    if (!done.count(d.id())) todo.push_back(std::move(d));
  }
  if (!done.empty()) {
    std::cerr << "bioner-client: resuming: " << (docs->size() - todo.size())
              << " documents already in " << p.Get("out") << ", " << todo.size() << " to go\n";
  }
  StatusOr<OutputFile> out = OutputFile::Open(p.Get("out"), out_format, p.GetBool("resume"));
  if (!out.ok()) return Fail(out.status());
  StatusOr<std::unique_ptr<TaggerClient>> client = TaggerClient::Connect(*options);
  if (!client.ok()) return Fail(client.status());

  const bool progress = ::isatty(STDERR_FILENO) == 1;
  const auto start = std::chrono::steady_clock::now();
  size_t written = 0, failed = 0;
  auto show = [&](bool final) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "\r%zu/%zu documents, %zu failed, %.1f docs/s%s", written + failed,
                 todo.size(), failed, s > 0 ? written / s : 0.0, final ? "\n" : "");
  };
  Status s = (*client)->AnnotateStream(
      todo, SplitComma(p.Get("types")),
      [&](Document doc) {
        RETURN_IF_ERROR(out->Write(doc));
        ++written;
        if (progress) show(false);
        return Status::Ok();
      },
      [&](const std::string& id, const Status& error) {
        ++failed;
        if (progress) std::fputc('\n', stderr);
        std::cerr << "bioner-client: document '" << id << "': " << error << "\n";
      });
  if (progress) show(true);
  const Status closed = out->Close();
  if (!s.ok()) return Fail(s);
  if (!closed.ok()) return Fail(closed);
  if (failed > 0) {
    std::cerr << "bioner-client: " << failed << " of " << todo.size()
              << " documents failed (see above); the others are in " << p.Get("out") << "\n";
    return 1;
  }
  return 0;
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
  return bioner::RunSubcommand(
      "bioner-client",
      {
          {"annotate", "--server ADDR --in FILE --out FILE [--types T,...] [--format F] [--resume] [--load-balancing round_robin --streams N]   tag a file of documents", bioner::client::Annotate},
          {"models", "--server ADDR   the models the server serves", bioner::client::Models},
      },
      argc, argv);
}
