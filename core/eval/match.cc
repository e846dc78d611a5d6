#include "core/eval/match.h"

#include <algorithm>
#include <tuple>

namespace bioner {
namespace {

bool SpanLess(const Entity& a, const Entity& b) {
  return std::tie(a.start, a.end, a.type) < std::tie(b.start, b.end, b.type);
}

using ByType = std::map<std::string, std::vector<const Entity*>>;

// Keeps the (start, end) order of `sorted` within each type.
ByType GroupByType(const std::vector<Entity>& sorted) {
  ByType groups;
  for (const Entity& e : sorted) groups[e.type].push_back(&e);
  return groups;
}

// One greedy pass of HunFlair's script: each `entry` takes the first unused candidate it
// lies inside. Returns how many entries found one. Both lists are sorted by start, and an
// entry can only lie inside a candidate that starts at most `kLenientSlack` after it, so the
// scan stops there; the first match in list order is still the one taken.
int64_t GreedyPass(const std::vector<const Entity*>& entries,
                   const std::vector<const Entity*>& candidates) {
  std::vector<bool> used(candidates.size(), false);
  int64_t matched = 0;
  for (const Entity* e : entries) {
    for (size_t i = 0; i < candidates.size(); ++i) {
      const Entity* c = candidates[i];
      if (c->start > e->start + kLenientSlack) break;
      if (!used[i] && LenientInside(*e, *c)) {
        used[i] = true;
        ++matched;
        break;
      }
    }
  }
  return matched;
}

}  // namespace

bool LenientInside(const Entity& inner, const Entity& outer, size_t slack) {
  // Written without subtraction: offsets are unsigned and may be 0.
  const bool start_out = inner.start + slack >= outer.start && inner.end <= outer.end;
  const bool end_out = inner.start >= outer.start && inner.end <= outer.end + slack;
  return start_out || end_out;
}

std::vector<Entity> DistinctSpans(const std::vector<Entity>& entities) {
  std::vector<Entity> out;
  out.reserve(entities.size());
  for (const Entity& e : entities) {
    Entity s;
    s.start = e.start;
    s.end = e.end;
    s.type = e.type;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), SpanLess);
  out.erase(std::unique(out.begin(), out.end()), out.end());  // Entity== is (start,end,type)
  return out;
}

void MatchStrict(const std::vector<Entity>& gold, const std::vector<Entity>& pred,
                 TypeCounts* out) {
  const std::vector<Entity> g = DistinctSpans(gold);
  const std::vector<Entity> p = DistinctSpans(pred);
  size_t i = 0, j = 0;
  while (i < g.size() || j < p.size()) {
    if (j == p.size() || (i < g.size() && SpanLess(g[i], p[j]))) {
      ++(*out)[g[i++].type].fn;
    } else if (i == g.size() || SpanLess(p[j], g[i])) {
      ++(*out)[p[j++].type].fp;
    } else {
      ++(*out)[p[j].type].tp;
      ++i;
      ++j;
    }
  }
}

void MatchLenient(const std::vector<Entity>& gold, const std::vector<Entity>& pred,
                  TypeCounts* out) {
  const std::vector<Entity> g = DistinctSpans(gold);
  const std::vector<Entity> p = DistinctSpans(pred);
  const ByType gold_by_type = GroupByType(g);
  const ByType pred_by_type = GroupByType(p);
  static const std::vector<const Entity*> kNone;
  for (const auto& [type, preds] : pred_by_type) {
    auto it = gold_by_type.find(type);
    const int64_t tp = GreedyPass(preds, it == gold_by_type.end() ? kNone : it->second);
    Counts& c = (*out)[type];
    c.tp += tp;
    c.fp += static_cast<int64_t>(preds.size()) - tp;
  }
  for (const auto& [type, golds] : gold_by_type) {
    auto it = pred_by_type.find(type);
    const int64_t found = GreedyPass(golds, it == pred_by_type.end() ? kNone : it->second);
    (*out)[type].fn += static_cast<int64_t>(golds.size()) - found;
  }
}

}  // namespace bioner
