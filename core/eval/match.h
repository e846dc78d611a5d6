// Entity matching within ONE document: strict (exact span) and HunFlair's lenient rule.
//
// Both functions look only at (start, end, type) of each entity and first reduce each side
// to its distinct (start, end, type) triples in (start, end, type) order: an entity listed
// twice counts once, on either side.
//
// Strict: a prediction is a true positive iff a gold entity has the same type, start and
// end. tp = |gold ∩ pred|, fp = |pred \ gold|, fn = |gold \ pred|.
//
// Lenient: HunFlair's cross-corpus evaluation script (hu-ner/hunflair-experiments,
// evaluate_ann.py, `evaluate` with `partial_match(1)`, the version that uses flair's Metric;
// docs/EVALUATION.md quotes it), reproduced decision for decision:
//  - Pass 1 (precision): for each prediction in order, the FIRST still-unused gold entity of
//    the same type that it matches is used up and the prediction is a tp; otherwise it is a
//    fp. "p matches g" is  (p.start >= g.start - 1 && p.end <= g.end)
//                       || (p.start >= g.start && p.end <= g.end + 1),
//    i.e. p lies inside g with at most one extra character at ONE of its ends.
//  - Pass 2 (recall), independent of pass 1: for each gold entity in order, the first
//    still-unused prediction of the same type that the gold entity matches in the same sense
//    (g inside p, one extra character allowed at one end) is used up; a gold entity without
//    one is a fn.
//  So lenient tp counts matched predictions and fn unfound gold entities; recall is
//  tp / (tp + fn) as in flair's Metric (not "found gold / all gold": the two passes can
//  match different numbers of pairs).
//
// Stateless; thread-safe.
#ifndef BIONER_CORE_EVAL_MATCH_H_
#define BIONER_CORE_EVAL_MATCH_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/doc/document.h"
#include "core/eval/counts.h"

namespace bioner {

// Counts per entity type; a type appears when either side has an entity of it.
using TypeCounts = std::map<std::string, Counts>;

// The boundary tolerance of HunFlair's cross-corpus evaluation, in code points.
inline constexpr size_t kLenientSlack = 1;

// True iff `inner` lies inside `outer` with at most `slack` code points of `inner` sticking
// out at one end (types are not compared here).
bool LenientInside(const Entity& inner, const Entity& outer, size_t slack = kLenientSlack);

// Adds the counts of one document to `out` (per type).
void MatchStrict(const std::vector<Entity>& gold, const std::vector<Entity>& pred,
                 TypeCounts* out);
void MatchLenient(const std::vector<Entity>& gold, const std::vector<Entity>& pred,
                  TypeCounts* out);

// The distinct (start, end, type) triples of `entities`, sorted by (start, end, type).
std::vector<Entity> DistinctSpans(const std::vector<Entity>& entities);

}  // namespace bioner

#endif  // BIONER_CORE_EVAL_MATCH_H_
