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
    size_t length = 0;  // bytes of `text` covered; 0 if no match
    int32_t id = Vocab::kAbsent;
  };

  // The longest vocabulary entry equal to a prefix of `text` (`continuation`: of "##" +
  // `text`); `length` does not count the "##".
  Match LongestPrefix(std::string_view text, bool continuation) const;

 private:
  // Child of `node` on byte `b`, or -1.
  int32_t Child(int32_t node, unsigned char b) const;

  // Nodes are numbered breadth-first, so the short prefixes every lookup passes through sit
  // together in a few cache lines; each node's children are a sorted run of edges_.
  struct Node {
    int32_t id = Vocab::kAbsent;  // the entry spelled by the path to this node
    uint32_t first_edge = 0;
    uint32_t num_edges = 0;
  };
  struct Edge {
    unsigned char label;
    int32_t child;
  };
  std::vector<Node> nodes_;  // nodes_[0] is the root
  std::vector<Edge> edges_;
  std::vector<int32_t> root_child_;  // the root's children by byte: the first step is direct
  int32_t continuation_root_ = -1;   // the node reached by "##"
};

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_PIECE_TRIE_H_
