// Runs the built `bioner-trainer eval` and `report` on small files written here.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace bioner {
namespace {

using nlohmann::json;

const char* const kBinary = BIONER_BINARY_DIR "/trainer/bioner-trainer";

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

class TrainerCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "eval_cli_" + std::to_string(getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ASSERT_EQ(system(("mkdir -p '" + dir_ + "'").c_str()), 0);
  }
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << content;
    return path;
  }
  RunResult Run(const std::string& args) {
    const std::string err_path = dir_ + "/stderr.txt";
    const std::string cmd = std::string("'") + kBinary + "' " + args + " 2>'" + err_path + "'";
    RunResult r;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (pipe == nullptr) return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) r.out.append(buf, n);
    const int status = pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_path);
    std::stringstream ss;
    ss << err.rdbuf();
    r.err = ss.str();
    return r;
  }
  std::string dir_;
};

constexpr const char* kGold =
    R"({"id":"1","corpus":"ncbi_disease","text":"breast cancer and BRCA1","entities":[{"start":0,"end":13,"type":"Disease"},{"start":18,"end":23,"type":"Gene"}]})"
    "\n"
    R"({"id":"2","corpus":"linnaeus","text":"mice and rats","entities":[{"start":0,"end":4,"type":"Species"},{"start":9,"end":13,"type":"Species"}]})"
    "\n"
    R"({"id":"3","corpus":"linnaeus","text":"no entities"})"
    "\n";

// Doc 1: "cancer" (sub-span: lenient tp for precision, gold not found), BRCA1 exact.
// Doc 2: "mice" exact, "rats" with a trailing extra character is impossible (text end), so
// [8,13) " rats": lenient tp (one extra at the start), gold found; strict fp + fn.
// Doc 3: missing from the predictions (no entities: no fn).
constexpr const char* kPred =
    R"({"id":"2","text":"mice and rats","entities":[{"start":0,"end":4,"type":"Species"},{"start":8,"end":13,"type":"Species"}]})"
    "\n"
    R"({"id":"1","text":"breast cancer and BRCA1","entities":[{"start":7,"end":13,"type":"Disease"},{"start":18,"end":23,"type":"Gene"},{"start":18,"end":23,"type":"Gene"}]})"
    "\n";

TEST_F(TrainerCli, EvalJsonCounts) {
  const std::string g = Write("g.jsonl", kGold), p = Write("p.jsonl", kPred);
  RunResult r = Run("eval --gold '" + g + "' --pred '" + p + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);  // exactly one object
  // Strict: Disease tp0 fp1 fn1; Gene tp1 (duplicate counted once); Species tp1 fp1 fn1.
  EXPECT_EQ(j["strict"]["micro"]["tp"], 2);
  EXPECT_EQ(j["strict"]["micro"]["fp"], 2);
  EXPECT_EQ(j["strict"]["micro"]["fn"], 2);
  EXPECT_DOUBLE_EQ(j["strict"]["micro"]["f1"].get<double>(), 0.5);
  EXPECT_EQ(j["strict"]["per_type"]["Gene"]["fp"], 0);
  // Lenient: Disease tp1 fp0 fn1; Gene tp1; Species tp2 fp0 fn0.
  EXPECT_EQ(j["lenient"]["micro"]["tp"], 4);
  EXPECT_EQ(j["lenient"]["micro"]["fp"], 0);
  EXPECT_EQ(j["lenient"]["micro"]["fn"], 1);
  EXPECT_EQ(j["lenient"]["per_type"]["Species"]["f1"], 1.0);
  // Per corpus: linnaeus strict tp1 fp1 fn1 -> F1 0.5; ncbi_disease tp1 fp1 fn1 -> 0.5.
  EXPECT_DOUBLE_EQ(j["strict"]["per_corpus"]["linnaeus"]["f1"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["strict"]["macro_over_corpora"]["f1"].get<double>(), 0.5);
  EXPECT_EQ(j["strict"]["macro_over_corpora"]["corpora"], 2);
  EXPECT_EQ(j["strict"]["per_corpus_type"]["ncbi_disease"]["Gene"]["tp"], 1);
  EXPECT_EQ(j["documents_gold"], 3);
  EXPECT_EQ(j["documents_pred"], 2);
  EXPECT_EQ(j["documents_missing_from_pred"], 1);
}

TEST_F(TrainerCli, EvalTextTable) {
  const std::string g = Write("g.jsonl", kGold), p = Write("p.jsonl", kPred);
  RunResult r = Run("eval --gold '" + g + "' --pred '" + p + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("== strict matching =="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("== lenient matching =="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": 1 (3)"), std::string::npos) << r.out;
}

TEST_F(TrainerCli, EvalErrors) {
  const std::string g = Write("g.jsonl", kGold);
  struct Case {
    std::string pred, expected;
  };
  const Case cases[] = {
      {R"({"id":"9","text":"x"})", "p.jsonl line 1 (id '9'): no gold document has this id"},
      {R"({"id":"2","text":"mice and cats"})", "document text differs from the gold document"},
      {std::string(R"({"id":"3","text":"no entities"})") + "\n" +
           R"({"id":"3","text":"no entities"})",
       "p.jsonl line 2 (id '3'): duplicate document id"},
      {R"({"id":"3","text":"no entities","entities":[{"start":0,"end":99,"type":"X"}]})",
       "p.jsonl: line 1: document '3'"},
  };
  for (const Case& c : cases) {
    const std::string p = Write("p.jsonl", c.pred + "\n");
    RunResult r = Run("eval --gold '" + g + "' --pred '" + p + "' --json");
    EXPECT_EQ(r.exit_code, 1) << c.pred;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
  }
  RunResult empty = Run("eval --gold '" + Write("e.jsonl", "") + "' --pred '" + g + "'");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("no gold documents"), std::string::npos) << empty.err;
  RunResult missing = Run("eval --gold '" + g + "'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--pred"), std::string::npos) << missing.err;
}

TEST_F(TrainerCli, ReportFromEvalJson) {
  const std::string g = Write("g.jsonl", kGold), p = Write("p.jsonl", kPred);
  RunResult e = Run("eval --gold '" + g + "' --pred '" + p + "' --json");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const std::string m = Write("m.json", e.out);
  const std::string t =
      Write("t.json", R"({"test": {"strict": {"per_type": {"Disease": {"f1": 0.9}}}}})");
  RunResult r = Run("report --metrics '" + m + "' --metrics '" + t + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Disease: macro over the corpora annotated for Disease (ncbi_disease only): F1 0.
  EXPECT_NE(r.out.find("| Disease | 0.000 | 0.900 | 0.828 | 0.865 |"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("| Species | 0.500 | — | 0.799 | 0.870 |"), std::string::npos) << r.out;
  RunResult bad = Run("report --metrics '" + g + "'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("g.jsonl: not valid JSON"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace bioner
