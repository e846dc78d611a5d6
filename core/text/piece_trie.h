// PieceTrie: the vocabulary as a byte trie, for WordPiece's greedy longest-match-first search.
//
// WordPiece takes, at each position of a word, the longest vocabulary entry that is a prefix
// of the rest of the word ("##"-prefixed after the first piece). Asking a hash map for every
// candidate length costs one lookup per length; walking a trie finds the longest match in one
// pass over its bytes. The answer is the same: entries are whole UTF-8 characters, so a
// byte-prefix match always ends on a character boundary of valid UTF-8 input.
//
// Immutable after construction; safe to query from many threads.
#ifndef BIONER_CORE_TEXT_PIECE_TRIE_H_
#define BIONER_CORE_TEXT_PIECE_TRIE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/text/vocab.h"

namespace bioner::text {

class PieceTrie {
 public:
  explicit PieceTrie(const Vocab& vocab);

  struct Match {
    size_t length = 0;              // bytes of `text` covered; 0 if no match
    int32_t id = Vocab::kAbsent;
  };

  // The longest vocabulary entry equal to a prefix of `text` (`continuation`: of "##" +
  // `text`); `length` does not count the "##".
  Match LongestPrefix(std::string_view text, bool continuation) const;

 private:
  // Child of `node` on byte `b`, or -1.
  int32_t Child(int32_t node, unsigned char b) const;

  // Node n is the entry id_[n] (or kAbsent); node 0 is the root. Edges (node, byte) -> child
  // live in one open-addressing hash table: a lookup is usually one cache line, where a
  // per-node sorted edge list would cost several.
  struct Edge {
    uint32_t key = 0;  // (node << 8 | byte) + 1; 0 marks an empty slot
    int32_t child = -1;
  };
  std::vector<int32_t> id_;
  std::vector<Edge> edges_;  // size is a power of two, at most half full
  uint32_t mask_ = 0;
  int32_t continuation_root_ = -1;   // the node reached by "##"
};

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_PIECE_TRIE_H_
