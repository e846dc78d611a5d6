// bioner-client and bioner_client end to end against the real bioner-server binary on a free
// loopback port with tiny random models: annotation of JSONL, PubMed XML and plain text,
// resume after a partial output and after a kill, per-document errors, authentication, an
// unreachable server, and parallel streams spread by round_robin over two servers.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "client/tagger_client.h"
#include "core/formats/format.h"
#include "core/doc/jsonl.h"
#include "core/util/file.h"
#include "core/util/utf8.h"
#include "tests/integration/server_process.h"
#include "tests/integration/subprocess.h"

namespace bioner {
namespace {

constexpr char kToken[] = "client-test-token";
const std::string kClient = std::string(BIONER_BINARY_DIR) + "/client/bioner-client";
const std::string kSamples = std::string(BIONER_TEST_DATA_DIR) + "/samples/";

const char* kSentences[] = {
    "BRCA1 and BRCA2 mutations increase the risk of breast and ovarian cancer.",
    "Aspirin reduced the incidence of colorectal adenoma in patients with Lynch syndrome.",
    "Naïve mice treated with cisplatin developed nephrotoxicity and hearing loss.",
    "The p53 tumour suppressor is mutated in most human cancers, including HeLa cells.",
};

std::vector<Document> MakeDocs(int n) {
  std::vector<Document> docs;
  for (int i = 0; i < n; ++i) {
    const std::string title = kSentences[i % 4];
    const std::string abstract = std::string(kSentences[(i + 1) % 4]) + " Case " +
                                 std::to_string(i) + ".";
    StatusOr<Document> d = Document::Create(
        "doc" + std::to_string(i),
        {{"title", 0, title}, {"abstract", utf8::Length(title) + 1, abstract}});
    EXPECT_TRUE(d.ok()) << d.status();
    docs.push_back(std::move(*d));
  }
  return docs;
}

class ClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::MakeTempDir("bioner_client_test_");
    const std::string repo = dir_ + "/repo";
    ASSERT_TRUE(testing::WriteTinyModel(repo + "/Disease/1", "Disease", 1).ok());
    ASSERT_TRUE(testing::WriteTinyModel(repo + "/Chemical/2", "Chemical", 2).ok());
    std::ofstream(dir_ + "/token") << kToken << "\n";
    const std::string config = dir_ + "/server.yaml";
    std::ofstream(config) << "models:\n  repository: " << repo << "\n  poll_interval_ms: 0\n"
                          << "threads: 1\nbatching:\n  max_queue_delay_ms: 1\n"
                          << "limits:\n  max_document_bytes: 20000\n"
                          << "auth:\n  bearer_token_file: " << dir_ << "/token\n";
    server_ = new testing::ServerProcess();
    Status s = server_->Start(config);
    ASSERT_TRUE(s.ok()) << s;
  }
  static void TearDownTestSuite() {
    delete server_;
    testing::RunProcess("rm -rf " + dir_);
  }

  static std::string Path(const std::string& name) { return dir_ + "/" + name; }

  static testing::ProcessResult Client(const std::string& args) {
    return testing::RunProcess(kClient + " annotate --server " + server_->address() +
                               " --token " + kToken + " " + args);
  }

  static std::string WriteInput(const std::string& name, const std::vector<Document>& docs) {
    EXPECT_TRUE(WriteJsonlFile(Path(name), docs).ok());
    return Path(name);
  }

  // Documents of a JSONL output by id; fails the test on a repeated id.
  static std::map<std::string, Document> ReadOutput(const std::string& path) {
    std::map<std::string, Document> out;
    StatusOr<std::vector<Document>> docs = ReadJsonlFile(path);
    EXPECT_TRUE(docs.ok()) << docs.status();
    if (!docs.ok()) return out;
    for (Document& d : *docs) {
      EXPECT_TRUE(out.emplace(d.id(), d).second) << "document twice in output: " << d.id();
    }
    return out;
  }

  static std::string dir_;
  static testing::ServerProcess* server_;
};

std::string ClientTest::dir_;
testing::ServerProcess* ClientTest::server_ = nullptr;

void ExpectAllAnnotated(const std::vector<Document>& in,
                        const std::map<std::string, Document>& out) {
  ASSERT_EQ(out.size(), in.size());
  for (const Document& d : in) {
    auto it = out.find(d.id());
    ASSERT_NE(it, out.end()) << d.id();
    EXPECT_EQ(it->second.text(), d.text());
    for (const Entity& e : it->second.entities()) EXPECT_FALSE(e.model_version.empty());
  }
}

TEST_F(ClientTest, AnnotatesJsonlEndToEnd) {
  const std::vector<Document> docs = MakeDocs(40);
  const std::string in = WriteInput("e2e.jsonl", docs);
  testing::ProcessResult r = Client("--in " + in + " --out " + Path("e2e.out.jsonl") +
                                    " --window 3 --types Disease,Chemical");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::map<std::string, Document> out = ReadOutput(Path("e2e.out.jsonl"));
  ExpectAllAnnotated(docs, out);
  std::set<std::string> models;
  for (const auto& [id, d] : out) {
    for (const Entity& e : d.entities()) models.insert(e.model_version);
  }
  // Large random weights predict plenty of entities of both types.
  EXPECT_EQ(models, (std::set<std::string>{"Chemical/2", "Disease/1"}));
}

TEST_F(ClientTest, TypesRestrictTheModels) {
  const std::vector<Document> docs = MakeDocs(8);
  const std::string in = WriteInput("types.jsonl", docs);
  testing::ProcessResult r = Client("--in " + in + " --out " + Path("types.out.jsonl") +
                                    " --types Disease");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& [id, d] : ReadOutput(Path("types.out.jsonl"))) {
    for (const Entity& e : d.entities()) EXPECT_EQ(e.type, "Disease");
  }
}

TEST_F(ClientTest, ResumeAfterPartialOutputWritesEachDocumentOnce) {
  const std::vector<Document> docs = MakeDocs(25);
  const std::string in = WriteInput("resume.jsonl", docs);
  ASSERT_EQ(Client("--in " + in + " --out " + Path("full.jsonl")).exit_code, 0);
  // The output an interrupted run leaves: 10 complete lines and half of the 11th.
  std::istringstream full(*ReadFile(Path("full.jsonl")));
  std::string line, partial;
  for (int i = 0; i < 11 && std::getline(full, line); ++i) {
    partial += i < 10 ? line + "\n" : line.substr(0, line.size() / 2);
  }
  std::ofstream(Path("partial.jsonl"), std::ios::binary) << partial;
  testing::ProcessResult r = Client("--in " + in + " --out " + Path("partial.jsonl") + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("10 documents already in"), std::string::npos) << r.err;
  const std::map<std::string, Document> out = ReadOutput(Path("partial.jsonl"));
  ExpectAllAnnotated(docs, out);
  // The model is deterministic: resumed documents are annotated as in the full run.
  const std::map<std::string, Document> ref = ReadOutput(Path("full.jsonl"));
  for (const auto& [id, d] : out) EXPECT_EQ(d.entities(), ref.at(id).entities()) << id;
  // A second resume has nothing left to do and changes nothing.
  const std::string before = *ReadFile(Path("partial.jsonl"));
  r = Client("--in " + in + " --out " + Path("partial.jsonl") + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(*ReadFile(Path("partial.jsonl")), before);
}

TEST_F(ClientTest, KilledRunResumesWithoutLossOrDuplicates) {
  const std::vector<Document> docs = MakeDocs(400);
  const std::string in = WriteInput("kill.jsonl", docs);
  const std::string out = Path("kill.out.jsonl");
  // SIGKILL after a moment: wherever the run was, the output must resume cleanly (if the
  // run happened to finish first, the resume has nothing to do, which is fine too).
  testing::RunProcess("timeout -s KILL 1.5 " + kClient + " annotate --server " +
                      server_->address() + " --token " + kToken + " --window 2 --in " + in +
                      " --out " + out);
  testing::ProcessResult r = Client("--in " + in + " --out " + out + " --resume --format jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectAllAnnotated(docs, ReadOutput(out));
}

TEST_F(ClientTest, PerDocumentErrorIsReportedAndOthersAreKept) {
  std::vector<Document> docs = MakeDocs(6);
  StatusOr<Document> big = Document::Create("too-big", {{"text", 0, std::string(30000, 'a')}});
  ASSERT_TRUE(big.ok());
  docs.insert(docs.begin() + 3, std::move(*big));
  const std::string in = WriteInput("errors.jsonl", docs);
  testing::ProcessResult r = Client("--in " + in + " --out " + Path("errors.out.jsonl"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("document 'too-big'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("INVALID_ARGUMENT"), std::string::npos) << r.err;
  const std::map<std::string, Document> out = ReadOutput(Path("errors.out.jsonl"));
  EXPECT_EQ(out.size(), 6u);
  EXPECT_EQ(out.count("too-big"), 0u);
}

TEST_F(ClientTest, PubmedXmlToPubtatorMatchesJsonl) {
  const std::string in = kSamples + "pubmed_xml/pubmed26n1335.xml.gz";
  testing::ProcessResult r = Client("--in " + in + " --out " + Path("pubmed.pubtator"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("DeleteCitation entry skipped: 6"), std::string::npos) << r.err;
  r = Client("--in " + in + " --out " + Path("pubmed.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::map<std::string, Document> jsonl = ReadOutput(Path("pubmed.jsonl"));
  EXPECT_EQ(jsonl.size(), 30u);
  CorpusReport report;
  FormatInput fi;
  fi.files = {Path("pubmed.pubtator")};
  StatusOr<std::vector<Document>> pubtator = FindFormat("pubtator")(fi, &report);
  ASSERT_TRUE(pubtator.ok()) << pubtator.status();
  ASSERT_EQ(pubtator->size(), 30u);
  for (const Document& d : *pubtator) {
    ASSERT_EQ(jsonl.count(d.id()), 1u) << d.id();
    EXPECT_EQ(d.entities(), jsonl.at(d.id()).entities()) << d.id();
  }
}

TEST_F(ClientTest, PlainTextAndBiocXmlOutput) {
  std::ofstream(Path("plain.txt")) << kSentences[0] << "\n\n" << kSentences[1] << "\n"
                                   << kSentences[2] << "\n\n\n" << kSentences[3] << "\n";
  testing::ProcessResult r = Client("--in " + Path("plain.txt") + " --out " + Path("plain.xml"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  CorpusReport report;
  FormatInput fi;
  fi.files = {Path("plain.xml")};
  StatusOr<std::vector<Document>> docs = FindFormat("bioc_xml")(fi, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ((*docs)[1].id(), "2");
  EXPECT_EQ((*docs)[1].text(), std::string(kSentences[1]) + "\n" + kSentences[2]);
}

TEST_F(ClientTest, ResumeIsRefusedForBiocOutput) {
  const std::string in = WriteInput("bioc.jsonl", MakeDocs(2));
  testing::ProcessResult r = Client("--in " + in + " --out " + Path("o.json") + " --resume");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--resume supports jsonl and pubtator"), std::string::npos) << r.err;
}

TEST_F(ClientTest, WrongTokenIsUnauthenticated) {
  const std::string in = WriteInput("auth.jsonl", MakeDocs(2));
  testing::ProcessResult r = testing::RunProcess(
      kClient + " annotate --server " + server_->address() + " --token wrong --in " + in +
      " --out " + Path("auth.out.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("UNAUTHENTICATED"), std::string::npos) << r.err;
}

TEST_F(ClientTest, UnreachableServerGivesUpAfterBoundedAttempts) {
  const std::string in = WriteInput("down.jsonl", MakeDocs(2));
  testing::ProcessResult r = testing::RunProcess(
      kClient + " annotate --server 127.0.0.1:1 --attempts 3 --backoff-ms 10 --in " + in +
      " --out " + Path("down.out.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("UNAVAILABLE"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 attempts in a row failed"), std::string::npos) << r.err;
}

TEST_F(ClientTest, LibraryListModelsAndStream) {
  client::ClientOptions o;
  o.server = server_->address();
  o.token = kToken;
  o.window = 2;
  StatusOr<std::unique_ptr<client::TaggerClient>> c = client::TaggerClient::Connect(o);
  ASSERT_TRUE(c.ok()) << c.status();
  StatusOr<std::vector<client::ModelInfo>> models = (*c)->ListModels();
  ASSERT_TRUE(models.ok()) << models.status();
  std::set<std::string> versions;
  for (const client::ModelInfo& m : *models) versions.insert(m.version);
  EXPECT_EQ(versions, (std::set<std::string>{"Chemical/2", "Disease/1"}));

  const std::vector<Document> docs = MakeDocs(9);
  std::map<std::string, Document> got;
  Status s = (*c)->AnnotateStream(
      docs, {"Chemical"},
      [&](Document d) {
        got.emplace(d.id(), std::move(d));
        return Status::Ok();
      },
      [&](const std::string& id, const Status& e) { ADD_FAILURE() << id << ": " << e; });
  ASSERT_TRUE(s.ok()) << s;
  ExpectAllAnnotated(docs, got);

  // A callback error stops the run and is returned as is.
  int calls = 0;
  s = (*c)->AnnotateStream(
      docs, {},
      [&](Document) {
        ++calls;
        return DataLoss("disk full");
      },
      [](const std::string&, const Status&) {});
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(calls, 1);

  std::vector<Document> dup = {docs[0], docs[0]};
  s = (*c)->AnnotateStream(dup, {}, [](Document) { return Status::Ok(); },
                           [](const std::string&, const Status&) {});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);

  o.window = 0;
  EXPECT_FALSE(client::TaggerClient::Connect(o).ok());
  o.window = 2;
  o.streams = 3;  // more streams than documents in flight
  StatusOr<std::unique_ptr<client::TaggerClient>> refused = client::TaggerClient::Connect(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("streams (3) must not exceed window (2)"),
            std::string::npos) << refused.status();
  o.streams = 1;
  o.load_balancing = "least_request";
  refused = client::TaggerClient::Connect(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("load_balancing 'least_request'"), std::string::npos)
      << refused.status();
}

TEST_F(ClientTest, LibraryStreamsDeliverEachDocumentOnceAndStopTogether) {
  client::ClientOptions o;
  o.server = server_->address();
  o.token = kToken;
  o.window = 8;
  o.streams = 4;
  StatusOr<std::unique_ptr<client::TaggerClient>> c = client::TaggerClient::Connect(o);
  ASSERT_TRUE(c.ok()) << c.status();
  const std::vector<Document> docs = MakeDocs(30);
  std::map<std::string, Document> got;
  bool inside = false;  // the callbacks are serialised: never two at once
  Status s = (*c)->AnnotateStream(
      docs, {"Disease"},
      [&](Document d) {
        EXPECT_FALSE(inside);
        inside = true;
        EXPECT_TRUE(got.emplace(d.id(), std::move(d)).second);
        inside = false;
        return Status::Ok();
      },
      [&](const std::string& id, const Status& e) { ADD_FAILURE() << id << ": " << e; });
  ASSERT_TRUE(s.ok()) << s;
  ExpectAllAnnotated(docs, got);

  // One stream's callback error ends every stream, and is what the run returns.
  int calls = 0;
  s = (*c)->AnnotateStream(
      docs, {},
      [&](Document) {
        ++calls;
        return DataLoss("disk full");
      },
      [](const std::string&, const Status&) {});
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s;
  EXPECT_GE(calls, 1);
  EXPECT_LE(calls, 4);  // at most one answer per stream reached the callback
}

// Two servers behind one target: round_robin with two streams of short calls gives both of
// them work, the output holds every document once, and a resumed run completes it exactly.
TEST_F(ClientTest, RoundRobinStreamsSpreadOverServers) {
  testing::ServerProcess second;
  ASSERT_TRUE(second.Start(Path("server.yaml")).ok());
  // Series that can be known in advance exist at 0 before their first event (so that
  // Prometheus' increase() sees the first one).
  StatusOr<std::string> fresh = testing::ScrapeMetrics(second.metrics_port());
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  for (const char* series :
       {R"(bioner_requests_total{code="OK",method="AnnotateStream"} 0)",
        R"(bioner_requests_total{code="UNAUTHENTICATED",method="ListModels"} 0)",
        R"(bioner_requests_total{code="RESOURCE_EXHAUSTED",method="Annotate"} 0)",
        R"(bioner_model_load_failures_total{entity_type="Disease"} 0)",
        R"(bioner_model_reloads_total{entity_type="Chemical"} 0)",
        R"(bioner_request_duration_seconds_count{method="AnnotateStream"} 0)"}) {
    EXPECT_NE(fresh->find(series), std::string::npos) << series << "\n" << *fresh;
  }

  const std::string streams_ok = R"(bioner_requests_total{code="OK",method="AnnotateStream"})";
  auto counts = [&](const testing::ServerProcess& server) {
    StatusOr<std::string> m = testing::ScrapeMetrics(server.metrics_port());
    EXPECT_TRUE(m.ok()) << m.status();
    return std::pair<double, double>{
        m.ok() ? testing::MetricValue(*m, streams_ok) : -1,
        m.ok() ? testing::MetricValue(*m, "bioner_documents_total") : -1};
  };
  const auto first_before = counts(*server_);
  const auto second_before = counts(second);

  const std::vector<Document> docs = MakeDocs(60);
  const std::string in = WriteInput("rr.jsonl", docs);
  const std::string target =
      "ipv4:127.0.0.1:" + std::to_string(server_->port()) + ",127.0.0.1:" +
      std::to_string(second.port());
  const std::string rr = kClient + " annotate --server " + target + " --token " + kToken +
                         " --load-balancing round_robin --streams 2 --window 4"
                         " --documents-per-call 5 --in " + in;
  testing::ProcessResult r = testing::RunProcess(rr + " --out " + Path("rr.out.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectAllAnnotated(docs, ReadOutput(Path("rr.out.jsonl")));

  const auto first_after = counts(*server_);
  const auto second_after = counts(second);
  // 60 documents in calls of 5: 12 calls, each placed by round_robin, and both servers got
  // some of them and their documents.
  const double first_calls = first_after.first - first_before.first;
  const double second_calls = second_after.first - second_before.first;
  EXPECT_EQ(first_calls + second_calls, 12);
  EXPECT_GE(first_calls, 1);
  EXPECT_GE(second_calls, 1);
  EXPECT_EQ(first_after.second - first_before.second, 5 * first_calls);
  EXPECT_EQ(second_after.second - second_before.second, 5 * second_calls);

  // Resume over the same target and streams: 20 complete lines kept, the rest added once.
  std::istringstream full(*ReadFile(Path("rr.out.jsonl")));
  std::string line, partial;
  for (int i = 0; i < 20 && std::getline(full, line); ++i) partial += line + "\n";
  std::ofstream(Path("rr.partial.jsonl"), std::ios::binary) << partial;
  r = testing::RunProcess(rr + " --out " + Path("rr.partial.jsonl") + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("20 documents already in"), std::string::npos) << r.err;
  ExpectAllAnnotated(docs, ReadOutput(Path("rr.partial.jsonl")));

  // A bad policy name is refused before any work.
  r = testing::RunProcess(kClient + " annotate --server " + target +
                          " --load-balancing random --in " + in + " --out " + Path("x.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("load_balancing 'random'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace bioner
