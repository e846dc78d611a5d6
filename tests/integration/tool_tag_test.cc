// bioner-tool tag end to end: a real (randomly initialised) model folder written by the core
// library, the real binary, real abstracts from examples/.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/doc/jsonl.h"
#include "core/model/token_classifier.h"
#include "core/util/file.h"
#include "tests/integration/subprocess.h"

namespace bioner {
namespace {

const std::string kTool = std::string(BIONER_BINARY_DIR) + "/tool/bioner-tool";
const std::string kExamples = std::string(BIONER_SOURCE_DIR) + "/examples/abstracts.jsonl";
const std::string kVocab =
    std::string(BIONER_TEST_DATA_DIR) + "/testvectors/vocab/biobert-v1.1/vocab.txt";

class ToolTagTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    repo_ = testing::MakeTempDir("bioner_tag_");
    model_ = repo_ + "/Disease/1";
    BertConfig c;
    c.vocab_size = 28996;
    c.hidden_size = 32;
    c.num_hidden_layers = 1;
    c.num_attention_heads = 2;
    c.intermediate_size = 64;
    c.max_position_embeddings = 64;  // short, so that abstracts are windowed
    c.initializer_range = 0.5;       // large random weights: plenty of B-/I- predictions
    c.labels = {"O", "B-Disease", "I-Disease"};
    auto vocab = ReadFile(kVocab);
    ASSERT_TRUE(vocab.ok());
    ASSERT_TRUE(CreateRandomModel(c, model_, 1, *vocab).ok());
    std::ofstream(model_ + "/tokenizer_config.json") << R"({"do_lower_case": false})";
  }
  static std::string repo_, model_;
};
std::string ToolTagTest::repo_, ToolTagTest::model_;

TEST_F(ToolTagTest, TagsEveryDocumentInOrderWithExactOffsets) {
  auto input = ReadFile(kExamples);
  ASSERT_TRUE(input.ok());
  auto r = testing::RunProcess(kTool + " tag --model " + model_, *input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in_docs(*input), out_docs(r.out);
  std::vector<Document> gold, tagged;
  ASSERT_TRUE(ReadJsonl(in_docs, "input", [&](Document d) { gold.push_back(std::move(d)); return Status::Ok(); }).ok());
  // ReadJsonl re-checks every entity's text against the document text at its span.
  Status s = ReadJsonl(out_docs, "output", [&](Document d) { tagged.push_back(std::move(d)); return Status::Ok(); });
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(tagged.size(), gold.size());
  size_t entities = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    EXPECT_EQ(tagged[i].id(), gold[i].id());
    EXPECT_EQ(tagged[i].text(), gold[i].text());
    for (const Entity& e : tagged[i].entities()) {
      EXPECT_EQ(e.type, "Disease");
      EXPECT_EQ(e.model_version, "Disease/1");
      EXPECT_GT(e.score, 0.0f);
      EXPECT_LE(e.score, 1.0f);
      ++entities;
    }
  }
  EXPECT_GT(entities, 0u);  // random weights still predict some spans
}

TEST_F(ToolTagTest, BadLinesAreReportedAndSkippedNotLost) {
  const std::string input =
      "{\"id\":\"a\",\"text\":\"Breast cancer.\"}\n"
      "{\"id\":\"b\",\"text\":\"bad \xFF utf8\"}\n"
      "{\"id\":\"c\",\"text\":\"Colitis.\"}\n";
  auto r = testing::RunProcess(kTool + " tag --model " + model_, input);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("line 2 (document 'b'): invalid UTF-8 at byte"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("\"id\":\"a\""), std::string::npos);
  EXPECT_NE(r.out.find("\"id\":\"c\""), std::string::npos);
}

TEST_F(ToolTagTest, MissingModelAndBadFlagsAreClearErrors) {
  auto r = testing::RunProcess(kTool + " tag --model /nonexistent/model", "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent/model"), std::string::npos) << r.err;
  r = testing::RunProcess(kTool + " tag", "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--model"), std::string::npos);
  r = testing::RunProcess(kTool + " tag --model " + model_ + " --chunk x", "");
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(ToolTagTest, EmptyInputGivesEmptyOutput) {
  auto r = testing::RunProcess(kTool + " tag --model " + model_, "");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace bioner
