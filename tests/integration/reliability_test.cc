// docs/RELIABILITY.md, end to end on the real binaries: inputs that used to abort them
// (a passage offset of 1e12: std::bad_alloc, SIGABRT; a PubTator file cut in half: read as a
// shorter file, exit code 0) are refused with one message naming the file, line and field;
// and an exception that escapes a command (injected by preloading a bioner::ReadFile that
// throws, throwing_read_file.cc) ends each program with one line and its error exit code,
// never an abort.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "core/util/file.h"
#include "tests/integration/subprocess.h"

namespace bioner {
namespace {

const std::string kBin = BIONER_BINARY_DIR;
const std::string kTool = kBin + "/tool/bioner-tool";
const std::string kTrainer = kBin + "/trainer/bioner-trainer";
const std::string kClient = kBin + "/client/bioner-client";
const std::string kServer = kBin + "/server/bioner-server";
// Nothing listens there: every client run below must stop before it connects.
const std::string kNoServer = " --server 127.0.0.1:1";

constexpr char kHugeOffsetLine[] =
    R"({"id":"big","passages":[{"type":"text","offset":1000000000000,"text":"x"}]})";

class ReliabilityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::MakeTempDir("bioner_reliability_");
    std::ofstream(dir_ + "/ok.jsonl") << R"({"id":"a","text":"BRCA1 in breast cancer."})"
                                      << "\n";
    std::ofstream(dir_ + "/big.jsonl") << R"({"id":"a","text":"BRCA1 in breast cancer."})"
                                       << "\n"
                                       << kHugeOffsetLine << "\n";
  }
  static void TearDownTestSuite() { testing::RunProcess("rm -rf " + dir_); }

  // Neither killed by a signal (-1) nor a shell's report of SIGABRT (134).
  static void ExpectCleanExit(const testing::ProcessResult& r, int code) {
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
  }
  static std::string dir_;
};
std::string ReliabilityTest::dir_;

// The field, the line and (where the program reads a file) the file.
void ExpectNamesTheOffset(const std::string& err, const std::string& file_and_line) {
  EXPECT_NE(err.find(file_and_line + " (document 'big'): passages[0]: \"offset\" "
                                     "1000000000000 is past the longest document bioner reads"),
            std::string::npos)
      << err;
}

TEST_F(ReliabilityTest, ToolTagRefusesAHugeOffset) {
  auto current = ReadFile(std::string(BIONER_SOURCE_DIR) + "/models/Gene/current");
  ASSERT_TRUE(current.ok()) << current.status();
  const std::string model = std::string(BIONER_SOURCE_DIR) + "/models/Gene/" +
                            current->substr(0, current->find_first_of("\r\n"));
  auto big = ReadFile(dir_ + "/big.jsonl");
  ASSERT_TRUE(big.ok());
  testing::ProcessResult r = testing::RunProcess(kTool + " tag --model " + model, *big);
  ExpectCleanExit(r, 1);  // the bad document is skipped and named; the good one is tagged
  ExpectNamesTheOffset(r.err, "stdin: line 2");
  EXPECT_NE(r.out.find("\"id\":\"a\""), std::string::npos) << r.out;
}

TEST_F(ReliabilityTest, TrainerEvalRefusesAHugeOffset) {
  testing::ProcessResult r = testing::RunProcess(kTrainer + " eval --gold " + dir_ +
                                                 "/big.jsonl --pred " + dir_ + "/ok.jsonl");
  ExpectCleanExit(r, 1);
  ExpectNamesTheOffset(r.err, "big.jsonl: line 2");
}

TEST_F(ReliabilityTest, ClientRefusesAHugeOffset) {
  testing::ProcessResult r = testing::RunProcess(kClient + " annotate" + kNoServer + " --in " +
                                                 dir_ + "/big.jsonl --out " + dir_ + "/out.jsonl");
  ExpectCleanExit(r, 2);
  ExpectNamesTheOffset(r.err, "big.jsonl: line 2");
}

TEST_F(ReliabilityTest, ClientRefusesAPubtatorFileCutInHalf) {
  auto whole =
      ReadFile(std::string(BIONER_TEST_DATA_DIR) + "/samples/bioc_pubtator_biored/Dev.PubTator");
  ASSERT_TRUE(whole.ok()) << whole.status();
  const std::string half = whole->substr(0, whole->size() / 2);
  std::ofstream(dir_ + "/half.pubtator", std::ios::binary) << half;
  const size_t last_line = static_cast<size_t>(std::count(half.begin(), half.end(), '\n')) + 1;
  testing::ProcessResult r =
      testing::RunProcess(kClient + " annotate" + kNoServer + " --in " + dir_ +
                          "/half.pubtator --out " + dir_ + "/half.jsonl");
  ExpectCleanExit(r, 2);
  EXPECT_NE(r.err.find("DATA_LOSS: " + dir_ + "/half.pubtator:" + std::to_string(last_line) +
                       ": the file ends in the middle of this line"),
            std::string::npos)
      << r.err;
}

// Each program's main() catches what escapes its command: one line naming the program, and
// the exit code the program uses for errors (tool, trainer, server 1; client 2).
TEST_F(ReliabilityTest, AnEscapedExceptionEndsEachProgramWithOneLine) {
  const std::string marker = dir_ + "/inject-exception";
  for (const char* ext : {".txt", ".json", ".pubtator", ".yaml"})
    std::ofstream(marker + ext) << "\n";
  // ASan (make test-asan) insists on being first in the library list; the shim is preloaded.
  const std::string preload = std::string("ASAN_OPTIONS=verify_asan_link_order=0:") +
                              "${ASAN_OPTIONS:-} LD_PRELOAD=" BIONER_THROWING_READ_FILE " ";
  struct Case {
    std::string program, args;
    int exit_code;
  };
  const Case cases[] = {
      {"bioner-tool", kTool + " tokenize --vocab " + marker + ".txt", 1},
      {"bioner-trainer", kTrainer + " report --metrics " + marker + ".json", 1},
      {"bioner-client",
       kClient + " annotate" + kNoServer + " --in " + marker + ".pubtator --out " + dir_ +
           "/x.jsonl",
       2},
      {"bioner-server", kServer + " --config " + marker + ".yaml", 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.program);
    testing::ProcessResult r = testing::RunProcess(preload + c.args, "");
    ExpectCleanExit(r, c.exit_code);
    EXPECT_NE(r.err.find(c.program +
                         ": internal error: exception injected by the test while "
                         "reading " +
                         marker),
              std::string::npos)
        << r.err;
  }
}

}  // namespace
}  // namespace bioner
