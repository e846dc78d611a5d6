#include "core/text/piece_trie.h"

#include <map>

namespace bioner::text {
namespace {

uint32_t EdgeKey(int32_t node, unsigned char b) {
  return ((static_cast<uint32_t>(node) << 8) | b) + 1;
}

uint32_t Slot(uint32_t key, uint32_t mask) {
  return (key * 0x9E3779B1u) & mask;  // Fibonacci hashing spreads consecutive keys
}

}  // namespace

PieceTrie::PieceTrie(const Vocab& vocab) {
  // Built with maps, then moved into the hash table: construction is once per model,
  // lookups are per token.
  std::vector<std::map<unsigned char, int32_t>> children(1);
  id_.assign(1, Vocab::kAbsent);
  size_t num_edges = 0;
  for (int32_t id = 0; id < vocab.size(); ++id) {
    int32_t node = 0;
    for (char ch : vocab.token(id)) {
      const auto b = static_cast<unsigned char>(ch);
      auto [it, inserted] = children[node].emplace(b, static_cast<int32_t>(children.size()));
      if (inserted) {
        children.emplace_back();
        id_.push_back(Vocab::kAbsent);
        ++num_edges;
      }
      node = it->second;
    }
    id_[node] = id;  // an empty line's token sits on the root and never matches
  }
  size_t size = 16;
  while (size < 2 * num_edges) size *= 2;
  edges_.assign(size, Edge{});
  mask_ = static_cast<uint32_t>(size - 1);
  for (size_t node = 0; node < children.size(); ++node) {
    for (const auto& [label, child] : children[node]) {
      const uint32_t key = EdgeKey(static_cast<int32_t>(node), label);
      uint32_t slot = Slot(key, mask_);
      while (edges_[slot].key != 0) slot = (slot + 1) & mask_;
      edges_[slot] = {key, child};
    }
  }
  const int32_t hash = Child(0, '#');
  continuation_root_ = hash < 0 ? -1 : Child(hash, '#');
}

int32_t PieceTrie::Child(int32_t node, unsigned char b) const {
  const uint32_t key = EdgeKey(node, b);
  for (uint32_t slot = Slot(key, mask_);; slot = (slot + 1) & mask_) {
    const Edge& e = edges_[slot];
    if (e.key == key) return e.child;
    if (e.key == 0) return -1;
  }
}

PieceTrie::Match PieceTrie::LongestPrefix(std::string_view text, bool continuation) const {
  Match best;
  int32_t node = continuation ? continuation_root_ : 0;
  for (size_t i = 0; node >= 0 && i < text.size(); ++i) {
    node = Child(node, static_cast<unsigned char>(text[i]));
    if (node >= 0 && id_[node] != Vocab::kAbsent) best = {i + 1, id_[node]};
  }
  return best;
}

}  // namespace bioner::text
