// Runs the built `bioner-tool tokenize` on test-vector lines and on bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

using testing::HasSubstr;

const std::string kTool = std::string(BIONER_BINARY_DIR) + "/tool/bioner-tool";
const std::string kVectors = std::string(BIONER_TEST_DATA_DIR) + "/testvectors/";

struct ToolRun {
  int exit_code = -1;
  std::vector<std::string> out_lines;
  std::string err;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the tool with `flags`, `input` on stdin.
ToolRun RunTool(const std::string& flags, const std::string& input) {
  const std::string base = testing::TempDir() + "/tokenize_tool_test." +
                           testing::UnitTest::GetInstance()->current_test_info()->name();
  std::ofstream(base + ".in") << input;
  const std::string cmd =
      kTool + " tokenize " + flags + " < " + base + ".in > " + base + ".out 2> " + base + ".err";
  const int status = std::system(cmd.c_str());
  ToolRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::istringstream out(ReadAll(base + ".out"));
  for (std::string line; std::getline(out, line);) run.out_lines.push_back(line);
  run.err = ReadAll(base + ".err");
  return run;
}

// The first `n` lines of a test-vector file.
std::vector<nlohmann::json> Vectors(const std::string& file, size_t n) {
  std::ifstream in(kVectors + "tokenizer/" + file);
  std::vector<nlohmann::json> v;
  for (std::string line; v.size() < n && std::getline(in, line);) {
    v.push_back(nlohmann::json::parse(line));
  }
  return v;
}

void ExpectToolMatches(const std::string& flags, const std::string& file) {
  const std::vector<nlohmann::json> want = Vectors(file, 40);
  ASSERT_EQ(want.size(), 40u);
  std::string input;
  for (const auto& w : want) input += nlohmann::json{{"text", w["text"]}}.dump() + "\n";
  const ToolRun run = RunTool(flags, input);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.out_lines.size(), want.size()) << run.err;
  for (size_t i = 0; i < want.size(); ++i) {
    const nlohmann::json got = nlohmann::json::parse(run.out_lines[i]);
    const std::string where =
        file + " line " + std::to_string(i + 1) + " " + want[i]["text"].dump();
    EXPECT_EQ(got["tokens"], want[i]["tokens"]) << where;
    EXPECT_EQ(got["ids"], want[i]["ids"]) << where;
    if (want[i].contains("offsets")) {
      EXPECT_EQ(got["offsets"], want[i]["offsets"]) << where;
    }
  }
}

TEST(TokenizeToolTest, CasedVocabMatchesVectors) {
  ExpectToolMatches("--vocab " + kVectors + "vocab/biobert-v1.1/vocab.txt", "biobert-cased.jsonl");
}

TEST(TokenizeToolTest, LowercaseVocabMatchesVectors) {
  ExpectToolMatches("--lowercase --vocab " + kVectors +
                        "vocab/pubmedbert-base-uncased-abstract-fulltext/vocab.txt",
                    "pubmedbert-uncased.jsonl");
}

TEST(TokenizeToolTest, ModelFolderReadsCasing) {
  // bert-base-cased has biobert's vocab and {"do_lower_case": false}.
  ExpectToolMatches("--model " + kVectors + "vocab/bert-base-cased", "biobert-cased.jsonl");
}

TEST(TokenizeToolTest, BadLineIsNamedAndStopsTheRun) {
  const ToolRun run =
      RunTool("--vocab " + kVectors + "vocab/biobert-v1.1/vocab.txt",
              "{\"text\": \"fine\"}\n\n{\"txt\": \"no text\"}\n{\"text\": \"after\"}\n");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out_lines.size(), 1u);
  EXPECT_THAT(run.err, HasSubstr("line 3"));
  EXPECT_THAT(run.err, HasSubstr("\"text\""));

  const ToolRun bad_json = RunTool("--vocab " + kVectors + "vocab/biobert-v1.1/vocab.txt",
                                   "{\"text\": \"unterminated\n");
  EXPECT_EQ(bad_json.exit_code, 1);
  EXPECT_THAT(bad_json.err, HasSubstr("line 1"));
  EXPECT_TRUE(bad_json.out_lines.empty());
}

TEST(TokenizeToolTest, FlagErrors) {
  const ToolRun missing = RunTool("--vocab /nonexistent/vocab.txt", "");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("/nonexistent/vocab.txt"));
  const ToolRun both = RunTool("--vocab x --model y", "");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("exactly one of --vocab"));
}

}  // namespace
