#include "core/text/vocab.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>

namespace bioner::text {
namespace {

using testing::HasSubstr;

const std::string kVocabDir = std::string(BIONER_TEST_DATA_DIR) + "/testvectors/vocab/";

TEST(VocabTest, IdIsLineNumberMinusOne) {
  StatusOr<Vocab> v = Vocab::Parse("[PAD]\n[UNK]\nthe\n##s\n", "v.txt");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->size(), 4);
  EXPECT_EQ(v->Find("the"), 2);
  EXPECT_EQ(v->Find("##s"), 3);
  EXPECT_EQ(v->Find("s"), Vocab::kAbsent);
  EXPECT_EQ(v->token(2), "the");
  EXPECT_EQ(v->unk_id(), 1);
  EXPECT_EQ(v->pad_id(), 0);
  EXPECT_EQ(v->cls_id(), Vocab::kAbsent);
  EXPECT_EQ(v->sep_id(), Vocab::kAbsent);
  EXPECT_EQ(v->mask_id(), Vocab::kAbsent);
}

TEST(VocabTest, ToleratesCrlfAndMissingFinalNewline) {
  StatusOr<Vocab> v = Vocab::Parse("[UNK]\r\nthe\r\ngene", "v.txt");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->size(), 3);
  EXPECT_EQ(v->Find("the"), 1);
  EXPECT_EQ(v->Find("gene"), 2);
  EXPECT_EQ(v->token(1), "the");
}

TEST(VocabTest, DuplicateTokenNamesBothLines) {
  StatusOr<Vocab> v = Vocab::Parse("[UNK]\nthe\ngene\nthe\n", "dup.txt");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("dup.txt line 4"));
  EXPECT_THAT(v.status().message(), HasSubstr("'the'"));
  EXPECT_THAT(v.status().message(), HasSubstr("line 2"));
}

TEST(VocabTest, CrlfAndLfSpellingsOfOneTokenAreDuplicates) {
  StatusOr<Vocab> v = Vocab::Parse("[UNK]\nthe\r\nthe\n", "dup.txt");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("dup.txt line 3"));
}

TEST(VocabTest, MissingUnkIsAnError) {
  StatusOr<Vocab> v = Vocab::Parse("[PAD]\nthe\n", "nounk.txt");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("nounk.txt"));
  EXPECT_THAT(v.status().message(), HasSubstr("[UNK]"));
}

TEST(VocabTest, EmptyFileIsAnError) {
  StatusOr<Vocab> v = Vocab::Parse("", "empty.txt");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("empty.txt"));
  EXPECT_THAT(v.status().message(), HasSubstr("empty"));
}

TEST(VocabTest, InvalidUtf8NamesLine) {
  StatusOr<Vocab> v = Vocab::Parse("[UNK]\nok\nb\xff\n", "bad.txt");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("bad.txt line 3"));
  EXPECT_THAT(v.status().message(), HasSubstr("byte 1"));
}

TEST(VocabTest, LoadNamesMissingFile) {
  StatusOr<Vocab> v = Vocab::Load(testing::TempDir() + "/no-such-vocab.txt");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("no-such-vocab.txt"));
}

TEST(VocabTest, LoadsEmptyFileFromDiskWithPath) {
  const std::string path = testing::TempDir() + "/empty-vocab.txt";
  { std::ofstream(path).flush(); }
  StatusOr<Vocab> v = Vocab::Load(path);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr(path));
}

TEST(VocabTest, CopiesOutliveTheOriginal) {
  std::optional<Vocab> copy;
  {
    StatusOr<Vocab> v = Vocab::Parse("[UNK]\nab\n", "v.txt");  // short: SSO-sized contents
    ASSERT_TRUE(v.ok());
    copy = *v;
  }
  EXPECT_EQ(copy->Find("ab"), 1);
  EXPECT_EQ(copy->token(1), "ab");
}

TEST(VocabTest, BioBertSpecialTokens) {
  StatusOr<Vocab> v = Vocab::Load(kVocabDir + "biobert-v1.1/vocab.txt");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->size(), 28996);
  EXPECT_EQ(v->pad_id(), 0);
  EXPECT_EQ(v->unk_id(), 100);
  EXPECT_EQ(v->cls_id(), 101);
  EXPECT_EQ(v->sep_id(), 102);
  EXPECT_EQ(v->mask_id(), 103);
  EXPECT_EQ(v->Find("the"), 1103);
  EXPECT_EQ(v->Find("The"), 1109);
}

TEST(VocabTest, PubMedBertSpecialTokens) {
  StatusOr<Vocab> v =
      Vocab::Load(kVocabDir + "pubmedbert-base-uncased-abstract-fulltext/vocab.txt");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->size(), 30522);
  EXPECT_EQ(v->pad_id(), 0);
  EXPECT_EQ(v->unk_id(), 1);
  EXPECT_EQ(v->cls_id(), 2);
  EXPECT_EQ(v->sep_id(), 3);
  EXPECT_EQ(v->mask_id(), 4);
  EXPECT_EQ(v->Find("##ing"), 1941);
  EXPECT_EQ(v->token(v->size() - 1), "zns");
}

}  // namespace
}  // namespace bioner::text
