// bioner-tool import end to end: a PyTorch-written checkpoint with third-party labels
// (model-bin/legacy-names-zip relabelled LABEL_0..2, as a Hub download of a default head
// would be) and a label map go into a model repository in one command; the real bioner-server
// then serves the imported version with exact offsets. A hostile .bin publishes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "bioner/v1/tagger.grpc.pb.h"
#include "core/decode/classifier_model.h"
#include "core/util/file.h"
#include "core/util/sha256.h"
#include "core/util/utf8.h"
#include "tests/integration/server_process.h"
#include "tests/integration/subprocess.h"

namespace bioner {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kTool = std::string(BIONER_BINARY_DIR) + "/tool/bioner-tool";
const std::string kModelBin = std::string(BIONER_TEST_DATA_DIR) + "/testvectors/model-bin/";
// Words of the tiny models' vocabulary around text that is not: [UNK]s, a multi-byte
// character, so that offsets in code points and bytes differ.
constexpr char kText[] =
    "tok5 tok17 naïve tok33 tok8 — tok90 tok12 tok44 tok61 tok70 tok23 tok6 tok88 tok41 tok9 "
    "tok50 tok51 β-tok52 tok77 tok31";

std::string Read(const std::string& path) { return ReadFile(path).value(); }
void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A downloaded-looking folder: the files of model-bin/`name` with config.json relabelled
// LABEL_0..2, and a README.md that the import leaves behind.
void WriteDownload(const std::string& dir, const std::string& weights_from) {
  fs::create_directories(dir);
  for (const char* f : {"config.json", "vocab.txt"})
    Write(dir + "/" + f, Read(kModelBin + "legacy-names-zip/" + f));
  Write(dir + "/pytorch_model.bin", Read(kModelBin + weights_from + "/pytorch_model.bin"));
  Json config = Json::parse(Read(dir + "/config.json"));
  config["id2label"] = {{"0", "LABEL_0"}, {"1", "LABEL_1"}, {"2", "LABEL_2"}};
  config["label2id"] = {{"LABEL_0", 0}, {"LABEL_1", 1}, {"LABEL_2", 2}};
  Write(dir + "/config.json", config.dump(2));
  Write(dir + "/README.md", "# a model card\n");
}

std::set<std::string> Listing(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

class ToolImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("bioner_import_");
    repo_ = dir_ + "/repo";
    map_ = dir_ + "/map.json";
    Write(map_, R"({"labels": {"LABEL_0": "O", "LABEL_1": "B-Disease", "LABEL_2": "I-Disease"},
                    "comment": "from the model card"})");
  }
  void TearDown() override { testing::RunProcess("rm -rf " + dir_); }

  testing::ProcessResult Import(const std::string& from, const std::string& extra) {
    return testing::RunProcess(kTool + " import --from " + from + " --repository " + repo_ +
                               " --type Disease " + extra);
  }

  std::string dir_, repo_, map_;
};

TEST_F(ToolImportTest, ImportedCheckpointIsServedWithExactOffsets) {
  // A trained version is served already; the import becomes version 2 and --promote serves it.
  ASSERT_TRUE(testing::WriteTinyModel(repo_ + "/Disease/1", "Disease", 7).ok());
  Write(repo_ + "/Disease/current", "1\n");
  const std::string from = dir_ + "/download";
  WriteDownload(from, "legacy-names-zip");

  auto r = Import(from, "--label-map " + map_ + " --promote");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json summary = Json::parse(r.out);
  EXPECT_EQ(summary["version"], 2);
  EXPECT_EQ(summary["served"], "2");
  EXPECT_GT(summary["smoke_entities"].get<int>(), 0);

  // The version folder: the files as downloaded (no README.md), the map, metrics.json.
  const std::string version = repo_ + "/Disease/2";
  EXPECT_EQ(Listing(version),
            (std::set<std::string>{"config.json", "vocab.txt", "pytorch_model.bin",
                                   "label_map.json", "metrics.json"}));
  for (const char* f : {"config.json", "vocab.txt", "pytorch_model.bin"}) {
    EXPECT_EQ(Read(version + "/" + f), Read(from + "/" + f)) << f;
  }
  EXPECT_EQ(Read(version + "/label_map.json"), Read(map_));
  EXPECT_EQ(Read(repo_ + "/Disease/current"), "2\n");
  const Json metrics = Json::parse(Read(version + "/metrics.json"));
  EXPECT_EQ(metrics["imported"], true);
  EXPECT_EQ(metrics["entity_type"], "Disease");
  EXPECT_EQ(metrics["version"], 2);
  EXPECT_EQ(metrics["source"], fs::path(from).lexically_normal().string());
  EXPECT_EQ(metrics["label_map"], map_);
  EXPECT_EQ(metrics["labels"], Json({"O", "B-Disease", "I-Disease"}));
  EXPECT_FALSE(metrics.contains("dev"));  // nothing for the quality gate to compare
  EXPECT_EQ(metrics["date"].get<std::string>().size(), 20u);  // 2026-12-03T16:28:46Z
  for (const char* f : {"config.json", "vocab.txt", "pytorch_model.bin"}) {
    EXPECT_EQ(metrics["files"][f]["sha256"], *Sha256File(from + "/" + f)) << f;
    EXPECT_EQ(metrics["files"][f]["bytes"], fs::file_size(from + "/" + f)) << f;
  }
  EXPECT_EQ(metrics["files"]["label_map.json"]["sha256"], *Sha256File(map_));

  // The real server on the repository serves it.
  Write(dir_ + "/server.yaml",
        "models:\n  repository: " + repo_ + "\n  poll_interval_ms: 0\nthreads: 1\n");
  testing::ServerProcess server;
  Status started = server.Start(dir_ + "/server.yaml");
  ASSERT_TRUE(started.ok()) << started << server.stderr_text();
  auto stub = v1::Tagger::NewStub(server.Channel());
  {
    grpc::ClientContext ctx;
    v1::ListModelsResponse resp;
    ASSERT_TRUE(stub->ListModels(&ctx, v1::ListModelsRequest(), &resp).ok());
    ASSERT_EQ(resp.models_size(), 1);
    EXPECT_EQ(resp.models(0).version(), "Disease/2");
    EXPECT_EQ(
        std::vector<std::string>(resp.models(0).labels().begin(), resp.models(0).labels().end()),
        (std::vector<std::string>{"O", "B-Disease", "I-Disease"}));
    EXPECT_EQ(resp.models(0).metrics_json(), Read(version + "/metrics.json"));
  }
  v1::AnnotateRequest req;
  v1::Document* doc = req.add_documents();
  doc->set_id("d");
  doc->add_passages()->set_text(kText);
  v1::AnnotateResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = stub->Annotate(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.documents_size(), 1);

  // The same entities the core library finds in-process with the imported folder, and each
  // one's text is the document's at its code-point span.
  auto model = LoadTaggingModel(version, "Disease/2");
  ASSERT_TRUE(model.ok()) << model.status();
  std::vector<Document> docs{*Document::Create("d", {Passage{"", 0, kText}})};
  ASSERT_TRUE(TagDocuments({*model}, TagOptions{}, &docs).ok());
  const std::vector<Entity>& want = docs[0].entities();
  ASSERT_GT(want.size(), 0u);  // random weights still tag spans: the comparison means something
  ASSERT_EQ(static_cast<size_t>(resp.documents(0).entities_size()), want.size());
  for (int i = 0; i < resp.documents(0).entities_size(); ++i) {
    const v1::Entity& e = resp.documents(0).entities(i);
    EXPECT_EQ(e.start(), want[i].start);
    EXPECT_EQ(e.end(), want[i].end);
    EXPECT_EQ(e.type(), "Disease");
    EXPECT_EQ(e.model(), "Disease/2");
    EXPECT_EQ(e.text(), *utf8::Substr(kText, e.start(), e.end()));
  }
  EXPECT_EQ(server.Terminate(), 0);
}

TEST_F(ToolImportTest, WithoutPromoteTheServedVersionStays) {
  ASSERT_TRUE(testing::WriteTinyModel(repo_ + "/Disease/4", "Disease", 7).ok());
  WriteDownload(dir_ + "/download", "legacy-names-legacy");
  auto r = Import(dir_ + "/download", "--label-map " + map_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["version"], 5);
  EXPECT_EQ(Json::parse(r.out)["served"], "4");  // pinned: publication never serves ungated
  EXPECT_NE(r.err.find("--promote"), std::string::npos) << r.err;
  EXPECT_EQ(Read(repo_ + "/Disease/current"), "4\n");
}

TEST_F(ToolImportTest, RefusedImportsPublishNothing) {
  // A hostile pickle: refused naming the file and the global; nothing ran, nothing is written.
  const std::string hostile = dir_ + "/hostile";
  WriteDownload(hostile, "malicious-zip");
  auto r = Import(hostile, "--label-map " + map_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(hostile + "/pytorch_model.bin"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("posix"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was published"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(repo_ + "/Disease") && !Listing(repo_ + "/Disease").empty());

  // Third-party labels without a map, and a map that misses a label.
  const std::string from = dir_ + "/download";
  WriteDownload(from, "legacy-names-zip");
  r = Import(from, "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("LABEL_0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--label-map"), std::string::npos) << r.err;
  Write(dir_ + "/short.json", R"({"labels": {"LABEL_0": "O", "LABEL_1": "B-Disease"}})");
  r = Import(from, "--label-map " + dir_ + "/short.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir_ + "/short.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'LABEL_2' is not mapped"), std::string::npos) << r.err;
  // Imported as another type than its labels name.
  r = testing::RunProcess(kTool + " import --from " + from + " --repository " + repo_ +
                          " --type Gene --label-map " + map_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'Gene'"), std::string::npos) << r.err;
  // Bad flags.
  EXPECT_EQ(testing::RunProcess(kTool + " import --from " + from).exit_code, 2);
  for (const char* type : {"Disease", "Gene"}) {
    EXPECT_TRUE(!fs::exists(repo_ + "/" + type) || Listing(repo_ + "/" + type).empty()) << type;
  }
}

}  // namespace
}  // namespace bioner
