// Runs the real bioner-tool binary on the reference cases and compares its output.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/unit/model/test_util.h"

namespace bioner {
namespace {

using Json = nlohmann::json;

struct Result {
  int exit_code = -1;
  std::string out;
};

// stdout only, or stdout and stderr together (`with_stderr`).
Result RunTool(const std::string& args, bool with_stderr = false) {
  const std::string cmd = std::string(BIONER_BINARY_DIR) + "/tool/bioner-tool " + args +
                          (with_stderr ? " 2>&1" : " 2>/dev/null");
  Result r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class LogitsTool : public ::testing::TestWithParam<std::string> {};

TEST_P(LogitsTool, MatchesReference) {
  const std::string dir = testing::ModelVectorDir(GetParam());
  const Result r = RunTool("logits --model " + dir + " --cases " + dir + "/cases.json");
  ASSERT_EQ(r.exit_code, 0);
  const Json got = Json::parse(r.out);
  const Json want = testing::ReadJson(dir + "/cases.json");
  const double tol = want["tolerance_abs"].get<double>();
  const char* key = want["cases"][0].contains("logits") ? "logits" : "last_hidden_state";
  ASSERT_EQ(got["cases"].size(), want["cases"].size());
  double worst = 0;
  size_t values = 0;
  for (size_t i = 0; i < want["cases"].size(); ++i) {
    const Json& w = want["cases"][i][key];
    const Json& g = got["cases"][i][key];
    EXPECT_EQ(got["cases"][i]["input_ids"], want["cases"][i]["input_ids"]);
    ASSERT_EQ(g.size(), w.size());
    for (size_t b = 0; b < w.size(); ++b) {
      ASSERT_EQ(g[b].size(), w[b].size());
      for (size_t t = 0; t < w[b].size(); ++t) {
        ASSERT_EQ(g[b][t].size(), w[b][t].size());
        for (size_t k = 0; k < w[b][t].size(); ++k, ++values) {
          worst = std::max(worst, std::fabs(g[b][t][k].get<double>() - w[b][t][k].get<double>()));
        }
      }
    }
  }
  EXPECT_GT(values, 0u);
  EXPECT_LE(worst, tol) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Model, LogitsTool, ::testing::Values("tiny-f32", "tiny-f16", "legacy-names", "encoder-only"));
// The same models as PyTorch's pytorch_model.bin (zip and pre-1.6 formats), loaded through
// the restricted unpickler (core/model/pytorch_bin.h): the same logits.
INSTANTIATE_TEST_SUITE_P(PytorchBin, LogitsTool,
                         ::testing::Values("../model-bin/tiny-f32-zip", "../model-bin/tiny-f32-legacy",
                                           "../model-bin/tiny-f16-zip", "../model-bin/tiny-f16-legacy",
                                           "../model-bin/legacy-names-zip",
                                           "../model-bin/legacy-names-legacy"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(info.param.rfind('/') + 1);
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(LogitsToolErrors, BadArgumentsExitNonZero) {
  EXPECT_EQ(RunTool("logits --cases x.json").exit_code, 2);
  const std::string dir = testing::ModelVectorDir("tiny-f32");
  EXPECT_EQ(RunTool("logits --model /nonexistent --cases " + dir + "/cases.json").exit_code, 1);
  EXPECT_EQ(RunTool("logits --model " + dir + " --cases /nonexistent.json").exit_code, 1);
}

// A folder with both weight files reads model.safetensors (as transformers does): a garbage
// pytorch_model.bin beside it is never opened. Without the safetensors file, the .bin is
// read, and a malicious one is refused naming the global it asked for.
TEST(LogitsToolWeights, SafetensorsWinsAndAMaliciousBinIsRefused) {
  namespace fs = std::filesystem;
  testing::TempDir tmp;
  const std::string src = testing::ModelVectorDir("tiny-f32");
  const std::string dir = tmp.path() + "/model";
  fs::copy(src, dir, fs::copy_options::recursive);
  {
    std::ofstream garbage(dir + "/pytorch_model.bin", std::ios::binary);
    garbage << "not a checkpoint";
  }
  EXPECT_EQ(RunTool("logits --model " + dir + " --cases " + src + "/cases.json").exit_code, 0);
  fs::remove(dir + "/model.safetensors");
  fs::copy_file(testing::ModelVectorDir("../model-bin/malicious-zip") + "/pytorch_model.bin",
                dir + "/pytorch_model.bin", fs::copy_options::overwrite_existing);
  const Result r = RunTool("logits --model " + dir + " --cases " + src + "/cases.json", true);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const std::string& out = r.out;
  EXPECT_NE(out.find("posix.system"), std::string::npos) << out;
  EXPECT_NE(out.find("pytorch_model.bin"), std::string::npos) << out;
}

}  // namespace
}  // namespace bioner
