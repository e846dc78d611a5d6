#include "core/text/piece_trie.h"

#include <map>

namespace bioner::text {

PieceTrie::PieceTrie(const Vocab& vocab) {
  // Built with maps in insertion order, then renumbered breadth-first into flat arrays:
  // construction is once per model, lookups are per token.
  std::vector<std::map<unsigned char, int32_t>> children(1);
  std::vector<int32_t> ids(1, Vocab::kAbsent);
  for (int32_t id = 0; id < vocab.size(); ++id) {
    int32_t node = 0;
    for (char ch : vocab.token(id)) {
      const auto b = static_cast<unsigned char>(ch);
      auto [it, inserted] = children[node].emplace(b, static_cast<int32_t>(children.size()));
      if (inserted) {
        children.emplace_back();
        ids.push_back(Vocab::kAbsent);
      }
      node = it->second;
    }
    ids[node] = id;  // an empty line's token sits on the root and never matches
  }
  // order[k]: the old number of the node numbered k; renumber[old] = k.
  std::vector<int32_t> order(1, 0), renumber(children.size(), 0);
  for (size_t k = 0; k < order.size(); ++k) {
    for (const auto& [label, child] : children[order[k]]) {
      renumber[child] = static_cast<int32_t>(order.size());
      order.push_back(child);
    }
  }
  nodes_.resize(order.size());
  edges_.reserve(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    Node& n = nodes_[k];
    n.id = ids[order[k]];
    n.first_edge = static_cast<uint32_t>(edges_.size());
    n.num_edges = static_cast<uint32_t>(children[order[k]].size());
    for (const auto& [label, child] : children[order[k]]) {
      edges_.push_back({label, renumber[child]});
    }
  }
  root_child_.assign(256, -1);
  for (uint32_t e = 0; e < nodes_[0].num_edges; ++e) {
    root_child_[edges_[e].label] = edges_[e].child;
  }
  const int32_t hash = root_child_['#'];
  continuation_root_ = hash < 0 ? -1 : Child(hash, '#');
}

int32_t PieceTrie::Child(int32_t node, unsigned char b) const {
  if (node == 0) return root_child_[b];
  const Node& n = nodes_[static_cast<size_t>(node)];
  const Edge* e = edges_.data() + n.first_edge;
  const Edge* end = e + n.num_edges;
  if (n.num_edges <= 8) {  // most nodes have one or two children
    for (; e != end; ++e) {
      if (e->label == b) return e->child;
    }
    return -1;
  }
  while (e < end) {  // binary search over the sorted labels
    const Edge* mid = e + (end - e) / 2;
    if (mid->label < b) {
      e = mid + 1;
    } else {
      end = mid;
    }
  }
  return e != edges_.data() + n.first_edge + n.num_edges && e->label == b ? e->child : -1;
}

PieceTrie::Match PieceTrie::LongestPrefix(std::string_view text, bool continuation) const {
  Match best;
  int32_t node = continuation ? continuation_root_ : 0;
  for (size_t i = 0; node >= 0 && i < text.size(); ++i) {
    node = Child(node, static_cast<unsigned char>(text[i]));
    if (node >= 0 && nodes_[static_cast<size_t>(node)].id != Vocab::kAbsent) {
      best = {i + 1, nodes_[static_cast<size_t>(node)].id};
    }
  }
  return best;
}

}  // namespace bioner::text
