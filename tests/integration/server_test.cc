// bioner-server end to end: the real binary on a free loopback port, tiny random models in
// a temporary model repository, driven through the generated gRPC stubs.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <thread>

#include "bioner/v1/tagger.grpc.pb.h"
#include "core/decode/classifier_model.h"
#include "core/util/file.h"
#include "core/util/utf8.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include <grpcpp/generic/generic_stub.h>
#include "tests/integration/server_process.h"
#include "tests/integration/subprocess.h"

namespace bioner {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr char kToken[] = "s3cret-token";

const char* kTexts[] = {
    "BRCA1 and BRCA2 mutations increase the risk of breast and ovarian cancer.",
    "Aspirin reduced the incidence of colorectal adenoma in patients with Lynch syndrome; "
    "naïve mice treated with cisplatin developed nephrotoxicity and hearing loss.",
    "The p53 tumour suppressor is mutated in most human cancers, including HeLa cells.",
};

std::string WriteConfig(const std::string& dir, const std::string& repo, const std::string& extra) {
  const std::string path = dir + "/server.yaml";
  std::ofstream(path) << "models:\n  repository: " << repo << "\n  poll_interval_ms: 0\n"
                      << "threads: 1\nbatching:\n  max_queue_delay_ms: 1\n"
                      << "  max_batch_tokens: 1000\n  max_queued_tokens: 16000\n" << extra;
  return path;
}

v1::Document MakeDoc(const std::string& id, const std::vector<std::string>& passages) {
  v1::Document d;
  d.set_id(id);
  size_t offset = 0;
  for (const std::string& text : passages) {
    v1::Passage* p = d.add_passages();
    p->set_offset(offset);
    p->set_text(text);
    offset += utf8::Length(text) + 1;
  }
  return d;
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::MakeTempDir("bioner_server_test_");
    const std::string repo = dir_ + "/repo";
    ASSERT_TRUE(testing::WriteTinyModel(repo + "/Disease/1", "Disease", 1).ok());
    ASSERT_TRUE(testing::WriteTinyModel(repo + "/Chemical/3", "Chemical", 2).ok());
    std::ofstream(repo + "/Chemical/current") << "3\n";
    std::ofstream(dir_ + "/token") << kToken << "\n";
    const std::string config = WriteConfig(
        dir_, repo, "limits:\n  max_document_bytes: 2000\n  max_request_bytes: 4000\n"
                   "  max_stream_inflight_documents: 4\nauth:\n  bearer_token_file: " + dir_ + "/token\n");
    server_ = new testing::ServerProcess();
    Status s = server_->Start(config);
    ASSERT_TRUE(s.ok()) << s;
    channel_ = new std::shared_ptr<grpc::Channel>(server_->Channel());
  }
  static void TearDownTestSuite() {
    delete channel_;
    delete server_;
    testing::RunProcess("rm -rf " + dir_);
  }

  static std::unique_ptr<v1::Tagger::Stub> Stub() { return v1::Tagger::NewStub(*channel_); }
  static void Authorize(grpc::ClientContext* ctx) {
    ctx->AddMetadata("authorization", std::string("Bearer ") + kToken);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  }
  static grpc::Status Annotate(const v1::AnnotateRequest& req, v1::AnnotateResponse* resp) {
    grpc::ClientContext ctx;
    Authorize(&ctx);
    return Stub()->Annotate(&ctx, req, resp);
  }

  static std::string dir_;
  static testing::ServerProcess* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
};
std::string ServerTest::dir_;
testing::ServerProcess* ServerTest::server_ = nullptr;
std::shared_ptr<grpc::Channel>* ServerTest::channel_ = nullptr;

// The entities the core library finds with the same model folders, in-process.
std::vector<Entity> Expected(const std::string& repo, const v1::Document& in) {
  std::vector<TaggingModel> models;
  for (const auto& [folder, version] : {std::pair<std::string, std::string>{"Chemical/3", "Chemical/3"},
                                        {"Disease/1", "Disease/1"}}) {
    auto m = LoadTaggingModel(repo + "/" + folder, version);
    EXPECT_TRUE(m.ok()) << m.status();
    models.push_back(std::move(m).value());
  }
  std::vector<Passage> passages;
  for (const auto& p : in.passages()) passages.push_back({p.type(), p.offset(), p.text()});
  std::vector<Document> docs{*Document::Create(in.id(), passages)};
  TagOptions options;
  Status s = TagDocuments(models, options, &docs);
  EXPECT_TRUE(s.ok()) << s;
  return docs[0].entities();
}

TEST_F(ServerTest, ListModelsShowsEveryLoadedVersion) {
  grpc::ClientContext ctx;
  Authorize(&ctx);
  v1::ListModelsResponse resp;
  grpc::Status s = Stub()->ListModels(&ctx, v1::ListModelsRequest(), &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.models_size(), 2);
  std::map<std::string, v1::ModelInfo> by_type;
  for (const auto& m : resp.models()) by_type[m.entity_type()] = m;
  EXPECT_EQ(by_type["Disease"].version(), "Disease/1");
  EXPECT_EQ(by_type["Chemical"].version(), "Chemical/3");
  EXPECT_EQ(std::vector<std::string>(by_type["Disease"].labels().begin(), by_type["Disease"].labels().end()),
            (std::vector<std::string>{"O", "B-Disease", "I-Disease"}));
  EXPECT_EQ(by_type["Disease"].max_seq_len(), 40);
  EXPECT_EQ(by_type["Chemical"].metrics_json(), R"({"test": {"f1": 0.2}})");
}

TEST_F(ServerTest, AnnotateMatchesTheCoreLibraryWithExactOffsets) {
  v1::AnnotateRequest req;
  *req.add_documents() = MakeDoc("a", {kTexts[0], kTexts[1]});  // two passages, windowed
  *req.add_documents() = MakeDoc("b", {kTexts[2]});
  v1::AnnotateResponse resp;
  grpc::Status s = Annotate(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.documents_size(), 2);
  size_t total = 0;
  for (int d = 0; d < 2; ++d) {
    const v1::Document& got = resp.documents(d);
    EXPECT_EQ(got.id(), req.documents(d).id());
    EXPECT_EQ(got.passages_size(), req.documents(d).passages_size());
    std::vector<Entity> want = Expected(dir_ + "/repo", req.documents(d));
    ASSERT_EQ(static_cast<size_t>(got.entities_size()), want.size()) << got.id();
    for (int i = 0; i < got.entities_size(); ++i) {
      const v1::Entity& e = got.entities(i);
      EXPECT_EQ(e.start(), want[i].start);
      EXPECT_EQ(e.end(), want[i].end);
      EXPECT_EQ(e.type(), want[i].type);
      EXPECT_EQ(e.text(), want[i].text);
      EXPECT_EQ(e.model(), want[i].model_version);
      EXPECT_NEAR(e.score(), want[i].score, 1e-4);
    }
    total += want.size();
  }
  EXPECT_GT(total, 0u);  // random weights still predict spans: the comparison means something
}

TEST_F(ServerTest, EntityTypesSelectTheModels) {
  v1::AnnotateRequest req;
  *req.add_documents() = MakeDoc("a", {kTexts[0], kTexts[1], kTexts[2]});
  req.add_entity_types("Chemical");
  v1::AnnotateResponse resp;
  grpc::Status s = Annotate(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GT(resp.documents(0).entities_size(), 0);
  for (const auto& e : resp.documents(0).entities()) EXPECT_EQ(e.model(), "Chemical/3");
}

TEST_F(ServerTest, BadInputIsRefusedWithTheRightCode) {
  v1::AnnotateResponse resp;
  {
    v1::AnnotateRequest req;
    *req.add_documents() = MakeDoc("ok", {kTexts[0]});
    *req.add_documents() = MakeDoc("broken", {"bad \xFF utf8"});
    grpc::Status s = Annotate(req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("document 'broken'"), std::string::npos) << s.error_message();
    EXPECT_NE(s.error_message().find("invalid UTF-8 at byte 4"), std::string::npos) << s.error_message();
  }
  {
    v1::AnnotateRequest req;
    *req.add_documents() = MakeDoc("a", {kTexts[0]});
    req.add_entity_types("Disease");
    req.add_entity_types("Protein");
    grpc::Status s = Annotate(req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("unknown entity type 'Protein'"), std::string::npos) << s.error_message();
  }
  {
    v1::AnnotateRequest req;
    *req.add_documents() = MakeDoc("huge", {std::string(2500, 'a')});
    grpc::Status s = Annotate(req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("document 'huge' is too large: 2512 bytes as sent"), std::string::npos)
        << s.error_message();
    EXPECT_NE(s.error_message().find("max_document_bytes"), std::string::npos);
  }
  {
    v1::AnnotateRequest req;
    v1::Document* d = req.add_documents();
    *d = MakeDoc("gap", {"x"});
    d->mutable_passages(0)->set_offset(1ull << 40);  // would be a terabyte of spaces
    grpc::Status s = Annotate(req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
}

TEST_F(ServerTest, EmptyDocumentsGiveEmptyResults) {
  v1::AnnotateRequest req;
  req.add_documents()->set_id("no-passages");
  *req.add_documents() = MakeDoc("blank", {"", "   "});
  v1::AnnotateResponse resp;
  grpc::Status s = Annotate(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.documents_size(), 2);
  EXPECT_EQ(resp.documents(0).id(), "no-passages");
  EXPECT_EQ(resp.documents(0).entities_size(), 0);
  EXPECT_EQ(resp.documents(1).entities_size(), 0);
  v1::AnnotateResponse none;
  ASSERT_TRUE(Annotate(v1::AnnotateRequest(), &none).ok());
  EXPECT_EQ(none.documents_size(), 0);
}

TEST_F(ServerTest, CallsWithoutTheBearerTokenAreUnauthenticated) {
  v1::AnnotateRequest req;
  *req.add_documents() = MakeDoc("a", {kTexts[0]});
  v1::AnnotateResponse resp;
  {
    grpc::ClientContext ctx;
    grpc::Status s = Stub()->Annotate(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_NE(s.error_message().find("missing bearer token"), std::string::npos);
  }
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer wrong");
    grpc::Status s = Stub()->Annotate(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_NE(s.error_message().find("wrong bearer token"), std::string::npos);
  }
  {
    grpc::ClientContext ctx;
    v1::ListModelsResponse models;
    EXPECT_EQ(Stub()->ListModels(&ctx, v1::ListModelsRequest(), &models).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext ctx;
    auto stream = Stub()->AnnotateStream(&ctx);
    v1::AnnotateStreamResponse r;
    EXPECT_FALSE(stream->Read(&r));
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_F(ServerTest, StreamReturnsEveryDocumentByIdAndKeepsGoingPastABadOne) {
  grpc::ClientContext ctx;
  Authorize(&ctx);
  auto stream = Stub()->AnnotateStream(&ctx);
  std::map<std::string, v1::Document> sent;
  for (int i = 0; i < 24; ++i) {
    v1::AnnotateStreamRequest req;
    *req.mutable_document() = MakeDoc("doc" + std::to_string(i), {kTexts[i % 3]});
    if (i == 5) req.mutable_document()->mutable_passages(0)->set_text("bad \xC3 utf8");
    if (i == 6) req.add_entity_types("Protein");
    if (i == 7) req.add_entity_types("Disease");
    sent[req.document().id()] = req.document();
    ASSERT_TRUE(stream->Write(req));
  }
  stream->WritesDone();
  std::map<std::string, v1::AnnotateStreamResponse> got;
  v1::AnnotateStreamResponse r;
  while (stream->Read(&r)) got[r.id()] = r;
  grpc::Status s = stream->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(got.size(), sent.size());
  EXPECT_EQ(got["doc5"].error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(got["doc5"].error().message().find("invalid UTF-8"), std::string::npos);
  EXPECT_EQ(got["doc6"].error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(got["doc6"].error().message().find("'Protein'"), std::string::npos);
  for (const auto& e : got["doc7"].document().entities()) EXPECT_EQ(e.model(), "Disease/1");
  for (int i : {0, 1, 2, 10, 23}) {
    const std::string id = "doc" + std::to_string(i);
    EXPECT_FALSE(got[id].has_error()) << got[id].error().message();
    std::vector<Entity> want = Expected(dir_ + "/repo", sent[id]);
    ASSERT_EQ(static_cast<size_t>(got[id].document().entities_size()), want.size()) << id;
    for (size_t k = 0; k < want.size(); ++k) {
      EXPECT_EQ(got[id].document().entities(k).start(), want[k].start);
      EXPECT_EQ(got[id].document().entities(k).model(), want[k].model_version);
    }
  }
}

TEST_F(ServerTest, AStreamRefusesAnIdThatIsStillInFlightAndAnswersTheEarlierOne) {
  grpc::ClientContext ctx;
  Authorize(&ctx);
  auto stream = Stub()->AnnotateStream(&ctx);
  // The first "dup" is long (within max_document_bytes), so it is still in flight when its
  // namesake is read; the stream goes on with "other".
  std::string long_text;
  for (int i = 0; i < 20; ++i) long_text += std::string(kTexts[0]) + " ";
  for (const auto& [id, text] : std::vector<std::pair<std::string, std::string>>{
           {"dup", long_text}, {"dup", kTexts[1]}, {"other", kTexts[2]}}) {
    v1::AnnotateStreamRequest req;
    *req.mutable_document() = MakeDoc(id, {text});
    ASSERT_TRUE(stream->Write(req));
  }
  stream->WritesDone();
  std::vector<v1::AnnotateStreamResponse> got;
  v1::AnnotateStreamResponse r;
  while (stream->Read(&r)) got.push_back(r);
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(got.size(), 3u);
  int refused = 0, answered = 0;
  for (const auto& g : got) {
    if (g.id() != "dup") {
      EXPECT_FALSE(g.has_error()) << g.error().message();
      continue;
    }
    if (g.has_error()) {
      ++refused;
      EXPECT_EQ(g.error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      EXPECT_NE(g.error().message().find("'dup' is already in flight"), std::string::npos)
          << g.error().message();
    } else {
      ++answered;
      // The earlier document is the one answered.
      EXPECT_EQ(g.document().passages(0).text(), long_text);
    }
  }
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(answered, 1);
}

TEST_F(ServerTest, HealthIsServingForCheckAndWatch) {
  auto health = Health::NewStub(*channel_);
  for (const std::string service : {"", "bioner.v1.Tagger"}) {
    grpc::ClientContext ctx;
    HealthCheckRequest req;
    req.set_service(service);
    HealthCheckResponse resp;
    grpc::Status s = health->Check(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << service << ": " << s.error_message();
    EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING) << service;
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto watch = health->Watch(&ctx, HealthCheckRequest());
  HealthCheckResponse resp;
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
  ctx.TryCancel();
}

TEST_F(ServerTest, ReflectionListsTheServices) {
  // grpc.reflection.v1alpha has no shipped C++ stubs: the request is encoded by hand
  // (field 7 `list_services`, empty string) and the reply searched for the service names.
  grpc::GenericStub stub(*channel_);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  auto step = [&](int want) {
    EXPECT_TRUE(cq.Next(&tag, &ok));
    EXPECT_EQ(tag, reinterpret_cast<void*>(want));
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(step(1));
  grpc::Slice slice(std::string("\x3a\x00", 2));
  grpc::ByteBuffer request(&slice, 1);
  call->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
  ASSERT_TRUE(step(2));
  grpc::ByteBuffer reply;
  call->Read(&reply, reinterpret_cast<void*>(3));
  ASSERT_TRUE(step(3));
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  step(4);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(reply.Dump(&slices).ok());
  std::string bytes;
  for (const auto& sl : slices) bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  EXPECT_NE(bytes.find("bioner.v1.Tagger"), std::string::npos);
  EXPECT_NE(bytes.find("grpc.health.v1.Health"), std::string::npos);
}

TEST_F(ServerTest, MetricsMoveAsRequestsAreServed) {
  auto before = testing::ScrapeMetrics(server_->metrics_port());
  ASSERT_TRUE(before.ok()) << before.status();
  v1::AnnotateRequest req;
  *req.add_documents() = MakeDoc("m1", {kTexts[0]});
  *req.add_documents() = MakeDoc("m2", {kTexts[1]});
  v1::AnnotateResponse resp;
  ASSERT_TRUE(Annotate(req, &resp).ok());
  auto after = testing::ScrapeMetrics(server_->metrics_port());
  ASSERT_TRUE(after.ok()) << after.status();
  const std::string ok = R"(bioner_requests_total{code="OK",method="Annotate"})";
  EXPECT_EQ(testing::MetricValue(*after, ok), testing::MetricValue(*before, ok) + 1) << *after;
  EXPECT_EQ(testing::MetricValue(*after, "bioner_documents_total"),
            testing::MetricValue(*before, "bioner_documents_total") + 2);
  const std::string tokens = R"(bioner_tokens_total{entity_type="Disease"})";
  EXPECT_GT(testing::MetricValue(*after, tokens), testing::MetricValue(*before, tokens));
  const std::string batches = R"(bioner_batch_padding_ratio_count{entity_type="Disease"})";
  EXPECT_GT(testing::MetricValue(*after, batches), testing::MetricValue(*before, batches));
  EXPECT_EQ(testing::MetricValue(*after, R"(bioner_model_info{entity_type="Disease",version="Disease/1"})"), 1);
  EXPECT_EQ(testing::MetricValue(*after, R"(bioner_model_loads_total{entity_type="Chemical"})"), 1);
  EXPECT_NE(after->find("bioner_request_duration_seconds_bucket{method=\"Annotate\""), std::string::npos);
  EXPECT_NE(after->find("bioner_queue_wait_seconds_count{entity_type=\"Disease\"}"), std::string::npos);
}

// docs/RELIABILITY.md "Cancelled or expired streams counted as OK": a client that cancels a
// stream, or whose deadline passes, while the server waits for its next document is first
// seen as a failed read, like a half-close; the stream finished OK and was counted so.
TEST_F(ServerTest, CancelledAndExpiredStreamsAreCountedByTheirRealCode) {
  const std::string ok = R"(bioner_requests_total{code="OK",method="AnnotateStream"})";
  const std::string cancelled =
      R"(bioner_requests_total{code="CANCELLED",method="AnnotateStream"})";
  const std::string expired =
      R"(bioner_requests_total{code="DEADLINE_EXCEEDED",method="AnnotateStream"})";
  auto before = testing::ScrapeMetrics(server_->metrics_port());
  ASSERT_TRUE(before.ok()) << before.status();

  // One document in, its answer out, then the client cancels: the stream is idle, with the
  // server's next read pending.
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", std::string("Bearer ") + kToken);  // no deadline
    auto stream = Stub()->AnnotateStream(&ctx);
    v1::AnnotateStreamRequest req;
    *req.mutable_document() = MakeDoc("c1", {kTexts[0]});
    ASSERT_TRUE(stream->Write(req));
    v1::AnnotateStreamResponse r;
    ASSERT_TRUE(stream->Read(&r));
    EXPECT_FALSE(r.has_error()) << r.error().message();
    ctx.TryCancel();
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // The same, but the client waits until its deadline passes.
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", std::string("Bearer ") + kToken);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(1500));
    auto stream = Stub()->AnnotateStream(&ctx);
    v1::AnnotateStreamRequest req;
    *req.mutable_document() = MakeDoc("d1", {kTexts[1]});
    ASSERT_TRUE(stream->Write(req));
    v1::AnnotateStreamResponse r;
    ASSERT_TRUE(stream->Read(&r));
    EXPECT_FALSE(stream->Read(&r));  // returns at the deadline
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  }

  // The server counts a call when gRPC is done with it, a moment after the client saw the end.
  std::string after;
  for (int i = 0; i < 100; ++i) {
    auto scraped = testing::ScrapeMetrics(server_->metrics_port());
    ASSERT_TRUE(scraped.ok()) << scraped.status();
    after = *scraped;
    if (testing::MetricValue(after, cancelled) >= testing::MetricValue(*before, cancelled) + 1 &&
        testing::MetricValue(after, expired) >= testing::MetricValue(*before, expired) + 1) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(testing::MetricValue(after, cancelled), testing::MetricValue(*before, cancelled) + 1)
      << after;
  EXPECT_EQ(testing::MetricValue(after, expired), testing::MetricValue(*before, expired) + 1)
      << after;
  EXPECT_EQ(testing::MetricValue(after, ok), testing::MetricValue(*before, ok)) << after;
}

}  // namespace
}  // namespace bioner
