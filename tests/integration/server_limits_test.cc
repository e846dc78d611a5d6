// docs/RELIABILITY.md, issue #14 defects 1, 4 and 3, against the real bioner-server on
// loopback: what a request may make the server allocate (gaps, the per-call budget), that
// a document the limits allow is served, that a full queue is load that passes, and that a
// slow client does not hold /metrics.
#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "bioner/v1/tagger.grpc.pb.h"
#include "core/decode/classifier_model.h"
#include "core/util/file.h"
#include "tests/integration/server_process.h"
#include "tests/integration/subprocess.h"

namespace bioner {
namespace {

using Clock = std::chrono::steady_clock;

const char kText[] =
    "BRCA1 and BRCA2 mutations increase the risk of breast and ovarian cancer; aspirin and "
    "cisplatin were given to patients with Lynch syndrome.";

// Starts a server on a repository of two tiny models; `extra` is appended to the config.
testing::ServerProcess* StartServer(const std::string& dir, const std::string& extra) {
  const std::string repo = dir + "/repo";
  EXPECT_TRUE(testing::WriteTinyModel(repo + "/Disease/1", "Disease", 1).ok());
  EXPECT_TRUE(testing::WriteTinyModel(repo + "/Chemical/1", "Chemical", 2).ok());
  const std::string config = dir + "/server.yaml";
  std::ofstream(config) << "models:\n  repository: " << repo << "\n  poll_interval_ms: 0\n"
                        << "threads: 1\n" << extra;
  auto* server = new testing::ServerProcess();
  Status s = server->Start(config);
  EXPECT_TRUE(s.ok()) << s;
  return server;
}

// Without gRPC's 4 MiB default on what a client receives: the answer to the largest
// document carries its 262,144 passages back.
std::shared_ptr<grpc::Channel> Channel(testing::ServerProcess* server) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  return grpc::CreateCustomChannel(server->address(), grpc::InsecureChannelCredentials(), args);
}

grpc::Status Annotate(testing::ServerProcess* server, const v1::AnnotateRequest& req,
                      v1::AnnotateResponse* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  return v1::Tagger::NewStub(Channel(server))->Annotate(&ctx, req, resp);
}

void AddPassage(v1::Document* d, uint64_t offset, const std::string& text) {
  v1::Passage* p = d->add_passages();
  p->set_offset(offset);
  p->set_text(text);
}

// A field of /proc/PID/status in kB ("VmHWM": the peak resident memory).
int64_t ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

// The server runs with the shipped defaults of limits and batching.
class LimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::MakeTempDir("bioner_limits_test_");
    server_ = StartServer(dir_, "");
  }
  static void TearDownTestSuite() {
    delete server_;
    testing::RunProcess("rm -rf " + dir_);
  }
  static std::string dir_;
  static testing::ServerProcess* server_;
};
std::string LimitsTest::dir_;
testing::ServerProcess* LimitsTest::server_ = nullptr;

// Defect 1: 1,500 documents {"offset": 1048576, "text": "x"} in a 26 KB message grew the
// server by ~1.5 GB, because every gap was materialised as spaces. Here the same shape at
// the default limit (262,144): 1,500 x 256 KiB = 375 MiB of spaces before the fix.
TEST_F(LimitsTest, GapsCostNoMemory) {
  const pid_t pid = server_->pid();
  v1::AnnotateRequest warm;
  AddPassage(warm.add_documents(), 0, kText);
  v1::AnnotateResponse resp;
  ASSERT_TRUE(Annotate(server_, warm, &resp).ok());
  const int64_t before = ProcStatusKb(pid, "VmHWM");
  v1::AnnotateRequest req;
  for (int i = 0; i < 1500; ++i) {
    v1::Document* d = req.add_documents();
    d->set_id("gap" + std::to_string(i));
    AddPassage(d, 262144, "x");
  }
  grpc::Status s = Annotate(server_, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.documents_size(), 1500);
  EXPECT_EQ(resp.documents(1499).passages(0).offset(), 262144u);  // as sent
  const int64_t growth_kb = ProcStatusKb(pid, "VmHWM") - before;
  std::cout << "peak resident memory grew by " << growth_kb << " kB\n";
  EXPECT_LT(growth_kb, 64 * 1024) << "the gaps were materialised";
}

// `bytes` sent as one Annotate request, encoded by hand (generic stub).
grpc::Status AnnotateRaw(testing::ServerProcess* server, const std::string& bytes) {
  grpc::GenericStub stub(server->Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  grpc::CompletionQueue cq;
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), reply;
  auto call = stub.PrepareUnaryCall(&ctx, "/bioner.v1.Tagger/Annotate", request, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&reply, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  EXPECT_TRUE(cq.Next(&tag, &ok));
  return status;
}

// Defect 1, sizes as sent: empty documents are 2 bytes of message each but hundreds of bytes
// parsed; 16 MB of them grew the server by 2 GB even when the call was then refused. The
// server now receives no message much larger than a valid call (2 x limits.max_request_bytes
// + 64 KiB): gRPC refuses a bigger one before parsing it.
TEST_F(LimitsTest, AMessageOfEmptyDocumentsIsRefusedUnparsed) {
  const pid_t pid = server_->pid();
  const int64_t before = ProcStatusKb(pid, "VmHWM");
  std::string empty_docs;
  for (int i = 0; i < 4000000; ++i) empty_docs.append("\x0a\x00", 2);  // documents { }
  grpc::Status s = AnnotateRaw(server_, empty_docs);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  const int64_t growth_kb = ProcStatusKb(pid, "VmHWM") - before;
  std::cout << "peak resident memory grew by " << growth_kb << " kB\n";
  EXPECT_LT(growth_kb, 64 * 1024) << "the message was parsed";
  // Just over the call's limit the server's own check answers, naming the key.
  s = AnnotateRaw(server_, empty_docs.substr(0, 2 * 140000));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_NE(s.error_message().find("280000 bytes as sent, 140000 documents"), std::string::npos)
      << s.error_message();
  EXPECT_NE(s.error_message().find("limits.max_request_bytes"), std::string::npos);
}

// The compact placement is invisible to the client: entities come back at the offsets of
// the document as sent, the same as the core library finds on the materialised document,
// through both RPCs.
TEST_F(LimitsTest, EntitiesKeepTheOffsetsSentAcrossGaps) {
  v1::Document in;
  in.set_id("gaps");
  AddPassage(&in, 3, kText);
  AddPassage(&in, 3 + sizeof kText - 1, kText);  // touching the first one (ASCII text)
  AddPassage(&in, 200000, kText);
  std::vector<TaggingModel> models;
  for (const std::string type : {"Chemical", "Disease"}) {
    auto m = LoadTaggingModel(dir_ + "/repo/" + type + "/1", type + "/1");
    ASSERT_TRUE(m.ok()) << m.status();
    models.push_back(std::move(m).value());
  }
  std::vector<Passage> passages;
  for (const auto& p : in.passages()) passages.push_back({p.type(), p.offset(), p.text()});
  std::vector<Document> docs{*Document::Create(in.id(), passages)};
  ASSERT_TRUE(TagDocuments(models, TagOptions(), &docs).ok());
  const std::vector<Entity>& want = docs[0].entities();
  ASSERT_FALSE(want.empty());  // random weights still predict spans: the comparison means something

  v1::AnnotateRequest req;
  *req.add_documents() = in;
  v1::AnnotateResponse resp;
  grpc::Status s = Annotate(server_, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  grpc::ClientContext ctx;
  auto stream = v1::Tagger::NewStub(server_->Channel())->AnnotateStream(&ctx);
  v1::AnnotateStreamRequest sreq;
  *sreq.mutable_document() = in;
  ASSERT_TRUE(stream->Write(sreq));
  stream->WritesDone();
  v1::AnnotateStreamResponse sresp;
  ASSERT_TRUE(stream->Read(&sresp));
  ASSERT_TRUE(stream->Finish().ok());
  for (const v1::Document* got : {&resp.documents(0), &sresp.document()}) {
    ASSERT_EQ(got->passages_size(), 3);
    EXPECT_EQ(got->passages(2).offset(), 200000u);
    ASSERT_EQ(static_cast<size_t>(got->entities_size()), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got->entities(i).start(), want[i].start);
      EXPECT_EQ(got->entities(i).end(), want[i].end);
      EXPECT_EQ(got->entities(i).text(), want[i].text);
      EXPECT_EQ(got->entities(i).model(), want[i].model_version);
    }
  }
}

// Defect 1: a call's total work has a limit, refused as a whole before any conversion.
TEST_F(LimitsTest, ACallOverItsBudgetIsRefusedNamingTheKey) {
  v1::AnnotateRequest req;
  for (int i = 0; i < 2; ++i) AddPassage(req.add_documents(), 0, std::string(200000, 'a'));
  v1::AnnotateResponse resp;
  grpc::Status s = Annotate(server_, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_NE(s.error_message().find("400024 bytes as sent, 2 documents"), std::string::npos)
      << s.error_message();
  EXPECT_NE(s.error_message().find("limits.max_request_bytes"), std::string::npos);
}

// Defect 4: the largest call the limits allow (262,144 bytes as sent), in the shape that
// needs the most model tokens per byte sent (one passage of punctuation: a token each, in
// windows that overlap), is served: ~361,000 tokens a model. With the old defaults (1 MiB documents,
// a 262,144-token queue) such a document was RESOURCE_EXHAUSTED on every retry.
TEST_F(LimitsTest, TheLargestDocumentInItsWorstShapeIsServed) {
  v1::AnnotateRequest req;
  v1::Document* d = req.add_documents();
  d->set_id("dots");
  AddPassage(d, 0, std::string(262144 - 64, '.'));
  d->mutable_passages(0)->mutable_text()->append(262144 - req.ByteSizeLong(), '.');
  ASSERT_EQ(req.ByteSizeLong(), 262144u);  // the largest call, with a document under its limit
  v1::AnnotateResponse resp;
  grpc::Status s = Annotate(server_, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  EXPECT_EQ(resp.documents(0).passages(0).text().size(), 262144u - 18);
  // One byte more is over the document limit: INVALID_ARGUMENT, never a retry (a stream,
  // which has no per-call limit, answers it as that document's error).
  grpc::ClientContext ctx;
  auto stream = v1::Tagger::NewStub(Channel(server_))->AnnotateStream(&ctx);
  v1::AnnotateStreamRequest big;
  AddPassage(big.mutable_document(), 0, std::string(262145 - 8, 'a'));
  ASSERT_EQ(big.document().ByteSizeLong(), 262145u);
  ASSERT_TRUE(stream->Write(big));
  stream->WritesDone();
  v1::AnnotateStreamResponse answer;
  ASSERT_TRUE(stream->Read(&answer));
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(answer.error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(answer.error().message().find("262145 bytes as sent (text, id, passages), the "
                                          "server's limit (limits.max_document_bytes) is 262144"),
            std::string::npos)
      << answer.error().message();
}

// Defect 3: a client sending its request head 1 byte at a time held the one-at-a-time
// /metrics endpoint, and a normal scrape waited 29-48 s. Four such clients (5 bytes/s, a
// head that never ends) connect first; a normal scrape must still be answered at once (the
// bound here is 3 s for a loaded machine; docs/RELIABILITY.md has the measured figure), and
// the server must drop each slow client at its whole-exchange deadline (2 s), not follow it.
TEST_F(LimitsTest, AScrapeIsAnsweredBesideSlowClients) {
  constexpr int kSlow = 4;
  constexpr auto kSlowFor = std::chrono::seconds(8);
  std::atomic<int> connected{0};
  std::vector<double> closed_after_s(kSlow, -1);
  std::vector<std::thread> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.emplace_back([&, i] {
      const int fd = testing::ConnectLoopback(server_->metrics_port());
      ASSERT_GE(fd, 0);
      ++connected;
      const std::string head = "GET /metrics HTTP/1.0\r\nX-Slow: ";
      const auto start = Clock::now();
      for (size_t k = 0; Clock::now() - start < kSlowFor; ++k) {
        const char c = k < head.size() ? head[k] : 'a';
        char buf[256];
        // The server closing the connection shows as end of file (or a reset).
        if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1 || ::recv(fd, buf, sizeof buf, MSG_DONTWAIT) == 0) {
          closed_after_s[i] = std::chrono::duration<double>(Clock::now() - start).count();
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      ::close(fd);
    });
  }
  ASSERT_TRUE(testing::WaitFor([&] { return connected == kSlow; }, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the slow heads are arriving
  const auto start = Clock::now();
  auto scrape = testing::ScrapeMetrics(server_->metrics_port());
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& t : slow) t.join();
  ASSERT_TRUE(scrape.ok()) << scrape.status();
  EXPECT_NE(scrape->find("bioner_requests_total"), std::string::npos);
  std::cout << "scrape beside " << kSlow << " slow clients took " << took << " s\n";
  EXPECT_LT(took, 3.0);
  for (int i = 0; i < kSlow; ++i) {
    EXPECT_GT(closed_after_s[i], 0) << "slow client " << i << " was never dropped";
    EXPECT_LT(closed_after_s[i], 6.0) << "slow client " << i;
  }
}

// RESOURCE_EXHAUSTED is load that passes: a queue full of other calls' work refuses at once,
// and once those calls go, their work leaves the queue. Batches here wait up to a minute for
// company (and every queued window can join one), so two calls' work stays queued.
TEST(QueueFullTest, AFullQueueRefusesWithResourceExhaustedAndEmptiesWhenTheCallsGo) {
  const std::string dir = testing::MakeTempDir("bioner_queue_full_test_");
  std::unique_ptr<testing::ServerProcess> server(StartServer(
      dir, "batching:\n  max_batch_tokens: 20000\n  max_queued_tokens: 20000\n"
           "  max_padding_percent: 100\n  max_queue_delay_ms: 60000\n"
           "limits:\n  max_document_bytes: 5000\n  max_request_bytes: 5000\n"));
  // 4,900 punctuation marks: 4,900 tokens in ~170 windows of <= 40, ~6,800 tokens a model.
  v1::AnnotateRequest heavy;
  AddPassage(heavy.add_documents(), 0, std::string(4900, '.'));
  const std::string depth = R"(bioner_queue_depth_tokens{entity_type="Disease"})";
  auto queued = [&] {
    auto m = testing::ScrapeMetrics(server->metrics_port());
    return m.ok() ? testing::MetricValue(*m, depth) : -1.0;
  };
  grpc::ClientContext contexts[2];
  grpc::Status held[2];
  std::vector<std::thread> calls;
  for (int i = 0; i < 2; ++i) {
    calls.emplace_back([&, i] {
      v1::AnnotateResponse r;
      contexts[i].set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
      held[i] = v1::Tagger::NewStub(server->Channel())->Annotate(&contexts[i], heavy, &r);
    });
  }
  EXPECT_TRUE(testing::WaitFor([&] { return queued() > 13000; }, 30)) << queued();
  v1::AnnotateResponse resp;
  grpc::Status s = Annotate(server.get(), heavy, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_NE(s.error_message().find("max_queued_tokens"), std::string::npos) << s.error_message();
  for (auto& c : contexts) c.TryCancel();
  for (auto& t : calls) t.join();
  for (const auto& h : held) EXPECT_EQ(h.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(testing::WaitFor([&] { return queued() == 0; }, 30)) << queued();
  server.reset();
  testing::RunProcess("rm -rf " + dir);
}

}  // namespace
}  // namespace bioner
