#include "core/text/piece_trie.h"

#include <gtest/gtest.h>

namespace bioner::text {
namespace {

Vocab MakeVocab() {
  StatusOr<Vocab> v =
      Vocab::Parse("[UNK]\nun\nuna\n##aff\n##a\n##able\n\xce\xb1\n##\xce\xb2\n#\n##\n", "v.txt");
  EXPECT_TRUE(v.ok()) << v.status();
  return std::move(v).value();
}

TEST(PieceTrieTest, LongestWordInitialPrefix) {
  const Vocab vocab = MakeVocab();
  const PieceTrie trie(vocab);
  PieceTrie::Match m = trie.LongestPrefix("unaffable", false);
  EXPECT_EQ(m.length, 3u);  // "una", not "un"
  EXPECT_EQ(m.id, vocab.Find("una"));
  m = trie.LongestPrefix("unx", false);
  EXPECT_EQ(m.length, 2u);
  EXPECT_EQ(m.id, vocab.Find("un"));
  m = trie.LongestPrefix("xyz", false);
  EXPECT_EQ(m.length, 0u);
  EXPECT_EQ(m.id, Vocab::kAbsent);
  m = trie.LongestPrefix("u", false);  // a prefix of entries but no entry itself
  EXPECT_EQ(m.id, Vocab::kAbsent);
}

TEST(PieceTrieTest, ContinuationsOnlyMatchHashEntries) {
  const Vocab vocab = MakeVocab();
  const PieceTrie trie(vocab);
  PieceTrie::Match m = trie.LongestPrefix("affable", true);
  EXPECT_EQ(m.length, 3u);
  EXPECT_EQ(m.id, vocab.Find("##aff"));
  m = trie.LongestPrefix("able", true);
  EXPECT_EQ(m.length, 4u);
  EXPECT_EQ(m.id, vocab.Find("##able"));
  EXPECT_EQ(trie.LongestPrefix("un", true).id, Vocab::kAbsent);  // "un" is word-initial only
  EXPECT_EQ(trie.LongestPrefix("able", false).id, Vocab::kAbsent);
  EXPECT_EQ(trie.LongestPrefix("#", false).id, vocab.Find("#"));
}

TEST(PieceTrieTest, MultiByteCharacters) {
  const Vocab vocab = MakeVocab();
  const PieceTrie trie(vocab);
  PieceTrie::Match m = trie.LongestPrefix("\xce\xb1\xce\xb2", false);  // "αβ"
  EXPECT_EQ(m.length, 2u);
  EXPECT_EQ(m.id, vocab.Find("\xce\xb1"));
  m = trie.LongestPrefix("\xce\xb2", true);
  EXPECT_EQ(m.length, 2u);
  EXPECT_EQ(m.id, vocab.Find("##\xce\xb2"));
  EXPECT_EQ(trie.LongestPrefix("\xce\xb3", false).id, Vocab::kAbsent);  // shares a lead byte
}

TEST(PieceTrieTest, VocabWithoutContinuations) {
  StatusOr<Vocab> v = Vocab::Parse("[UNK]\nab\n", "v.txt");
  ASSERT_TRUE(v.ok());
  const PieceTrie trie(*v);
  EXPECT_EQ(trie.LongestPrefix("ab", true).id, Vocab::kAbsent);
  EXPECT_EQ(trie.LongestPrefix("ab", false).id, 1);
}

}  // namespace
}  // namespace bioner::text
