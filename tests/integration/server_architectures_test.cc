// bioner-server with both model architectures: a BERT and a BiLSTM-CRF served side by side
// through the same batching path, offsets exact, and hot reload from one architecture to the
// other. The server does not know which it runs; this test holds it to that.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "bioner/v1/tagger.grpc.pb.h"
#include "core/util/file.h"
#include "core/util/utf8.h"
#include "tests/integration/server_process.h"
#include "tests/integration/subprocess.h"

namespace bioner {
namespace {

using testing::WaitFor;

constexpr char kText[] =
    "Mutations in BRCA1 cause hereditary breast and ovarian cancer; tamoxifen lowers the risk. "
    "Patients with Lynch-syndrome (HNPCC) and ÉTUDE-β variants were treated.";

v1::AnnotateResponse Annotate(v1::Tagger::Stub& stub) {
  v1::AnnotateRequest req;
  auto* doc = req.add_documents();
  doc->set_id("d1");
  auto* passage = doc->add_passages();
  passage->set_text(kText);
  grpc::ClientContext ctx;
  v1::AnnotateResponse resp;
  grpc::Status s = stub.Annotate(&ctx, req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return resp;
}

// Every entity's [start, end) in code points covers exactly its text; returns the versions seen.
std::set<std::string> CheckOffsets(const v1::AnnotateResponse& resp) {
  std::set<std::string> versions;
  const std::vector<char32_t> cps = utf8::Decode(kText);
  const std::u32string text(cps.begin(), cps.end());
  for (const auto& d : resp.documents()) {
    for (const auto& e : d.entities()) {
      EXPECT_LT(e.start(), e.end());
      EXPECT_LE(e.end(), text.size());
      EXPECT_EQ(e.text(), utf8::Encode(text.substr(e.start(), e.end() - e.start()))) << e.ShortDebugString();
      versions.insert(e.model());
    }
  }
  return versions;
}

TEST(ServerArchitecturesTest, BertAndBiLstmCrfSideBySideAndReloadAcrossArchitectures) {
  const std::string dir = testing::MakeTempDir("bioner_arch_test_");
  const std::string repo = dir + "/repo";
  ASSERT_TRUE(testing::WriteTinyModel(repo + "/Disease/1", "Disease", 1).ok());
  ASSERT_TRUE(WriteFileAtomic(repo + "/Disease/current", "1\n").ok());
  Status word = testing::WriteTinyWordTagger(repo, "Chemical", "1", 3);
  ASSERT_TRUE(word.ok()) << word;
  ASSERT_TRUE(WriteFileAtomic(repo + "/Chemical/current", "1\n").ok());
  const std::string config = dir + "/server.yaml";
  std::ofstream(config) << "models:\n  repository: " << repo << "\n  poll_interval_ms: 100\n"
                        << "threads: 1\nbatching:\n  max_queue_delay_ms: 1\n";
  testing::ServerProcess server;
  Status started = server.Start(config);
  ASSERT_TRUE(started.ok()) << started;
  auto stub = v1::Tagger::NewStub(server.Channel());

  {
    grpc::ClientContext ctx;
    v1::ListModelsResponse models;
    ASSERT_TRUE(stub->ListModels(&ctx, v1::ListModelsRequest(), &models).ok());
    std::set<std::string> served;
    for (const auto& m : models.models()) served.insert(m.version());
    EXPECT_EQ(served, (std::set<std::string>{"Chemical/1", "Disease/1"}));
  }
  // Random weights tag something; whatever they tag, the offsets are exact.
  std::set<std::string> seen;
  for (int i = 0; i < 5; ++i) {
    for (const auto& v : CheckOffsets(Annotate(*stub))) seen.insert(v);
  }
  EXPECT_EQ(seen.count("Chemical/1"), 1u) << "the BiLSTM-CRF tagged nothing in 5 calls";

  // Disease moves from BERT to a BiLSTM-CRF, Chemical to another BiLSTM-CRF version, whose
  // table stores its vectors as F16 (as the default models' does).
  ASSERT_TRUE(testing::WriteTinyWordTagger(repo, "Disease", "2", 5).ok());
  ASSERT_TRUE(WriteFileAtomic(repo + "/Disease/current", "2\n").ok());
  ASSERT_TRUE(testing::WriteTinyWordTagger(repo, "Chemical", "2", 6, DType::kF16).ok());
  ASSERT_TRUE(WriteFileAtomic(repo + "/Chemical/current", "2\n").ok());
  ASSERT_TRUE(WaitFor([&] {
    auto m = testing::ScrapeMetrics(server.metrics_port());
    return m.ok() &&
           testing::MetricValue(*m, R"(bioner_model_info{entity_type="Disease",version="Disease/2"})") == 1 &&
           testing::MetricValue(*m, R"(bioner_model_info{entity_type="Chemical",version="Chemical/2"})") == 1;
  }, 60)) << server.stderr_text();
  for (int i = 0; i < 3; ++i) {
    for (const auto& v : CheckOffsets(Annotate(*stub))) {
      EXPECT_TRUE(v == "Disease/2" || v == "Chemical/2") << v;
    }
  }
  // And back to BERT.
  ASSERT_TRUE(testing::WriteTinyModel(repo + "/Disease/3", "Disease", 9).ok());
  ASSERT_TRUE(WriteFileAtomic(repo + "/Disease/current", "3\n").ok());
  ASSERT_TRUE(WaitFor([&] {
    auto m = testing::ScrapeMetrics(server.metrics_port());
    return m.ok() && testing::MetricValue(*m, R"(bioner_model_info{entity_type="Disease",version="Disease/3"})") == 1;
  }, 60)) << server.stderr_text();
  CheckOffsets(Annotate(*stub));
  EXPECT_EQ(server.Terminate(), 0);
  testing::RunProcess("rm -rf " + dir);
}

}  // namespace
}  // namespace bioner
