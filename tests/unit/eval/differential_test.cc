// Differential test: Evaluate() against a deliberately simple reference written here, over
// random gold and predicted span sets (and random BIO label sequences decoded with
// DecodeSpans). The reference works on flat (document, start, end, type) tuples: strict is
// set intersection; lenient is a line-by-line transliteration of HunFlair's evaluate_ann.py
// (two greedy passes over lists with removal, the match test written with signed arithmetic).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <tuple>

#include "core/model/labels.h"
#include "core/eval/evaluate.h"

namespace bioner {
namespace {

using Tuple = std::tuple<std::string, long, long, std::string>;  // doc, start, end, type

struct Ref {
  std::map<std::string, Counts> per_type, per_corpus;
  std::map<std::pair<std::string, std::string>, Counts> per_corpus_type;
  Counts micro;
};

void Add(Ref* ref, const std::string& corpus, const std::string& type, int tp, int fp,
         int fn) {
  for (Counts* c : {&ref->per_type[type], &ref->per_corpus[corpus],
                    &ref->per_corpus_type[{corpus, type}], &ref->micro}) {
    c->tp += tp;
    c->fp += fp;
    c->fn += fn;
  }
}

// HunFlair's partial_match(1): entry inside candidate, one extra character at one end.
bool RefPartialMatch(const Tuple& entry, const Tuple& c) {
  auto [ed, es, ee, et] = entry;
  auto [cd, cs, ce, ct] = c;
  return ed == cd && et == ct &&
         ((es >= cs - 1 && ee <= ce) || (es >= cs && ee <= ce + 1));
}

struct RefInput {
  std::set<Tuple> gold, pred;  // a set: duplicates count once, iteration in sorted order
  std::map<std::string, std::string> corpus_of;  // doc -> corpus
};

Ref Reference(const RefInput& in) {
  Ref ref;
  for (const Tuple& g : in.gold) {
    Add(&ref, in.corpus_of.at(std::get<0>(g)), std::get<3>(g), in.pred.count(g), 0,
        !in.pred.count(g));
  }
  for (const Tuple& p : in.pred) {
    if (!in.gold.count(p)) Add(&ref, in.corpus_of.at(std::get<0>(p)), std::get<3>(p), 0, 1, 0);
  }
  return ref;
}

Ref ReferenceLenient(const RefInput& in) {
  Ref ref;
  std::map<std::string, std::vector<Tuple>> gold, pred;  // per document, sorted
  for (const Tuple& t : in.gold) gold[std::get<0>(t)].push_back(t);
  for (const Tuple& t : in.pred) pred[std::get<0>(t)].push_back(t);
  auto copy_gold = gold;
  for (const auto& [doc, anns] : pred) {
    for (const Tuple& p : anns) {
      std::vector<Tuple>& cands = copy_gold[doc];
      auto it = cands.begin();
      while (it != cands.end() && !RefPartialMatch(p, *it)) ++it;
      if (it != cands.end()) {
        cands.erase(it);
        Add(&ref, in.corpus_of.at(doc), std::get<3>(p), 1, 0, 0);
      } else {
        Add(&ref, in.corpus_of.at(doc), std::get<3>(p), 0, 1, 0);
      }
    }
  }
  auto copy_pred = pred;
  for (const auto& [doc, anns] : gold) {
    for (const Tuple& g : anns) {
      std::vector<Tuple>& cands = copy_pred[doc];
      auto it = cands.begin();
      while (it != cands.end() && !RefPartialMatch(g, *it)) ++it;
      if (it != cands.end()) {
        cands.erase(it);
      } else {
        Add(&ref, in.corpus_of.at(doc), std::get<3>(g), 0, 0, 1);
      }
    }
  }
  return ref;
}

double RefF1(const Counts& c) {
  double p = c.tp + c.fp ? double(c.tp) / double(c.tp + c.fp) : 0.0;
  double r = c.tp + c.fn ? double(c.tp) / double(c.tp + c.fn) : 0.0;
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

void ExpectSame(const Scores& s, const Ref& ref, const RefInput& in, const char* what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(s.micro, ref.micro);
  for (const auto& [type, c] : ref.per_type) EXPECT_EQ(s.per_type.at(type), c) << type;
  for (const auto& [type, c] : s.per_type) EXPECT_EQ(ref.per_type.at(type), c) << type;
  for (const auto& [corpus, c] : ref.per_corpus) EXPECT_EQ(s.per_corpus.at(corpus), c);
  for (const auto& [key, c] : ref.per_corpus_type) {
    EXPECT_EQ(s.per_corpus_type.at(key.first).at(key.second), c);
  }
  // Macro over corpora: every corpus of the gold documents, F1 of each, averaged.
  std::set<std::string> corpora;
  for (const auto& [doc, corpus] : in.corpus_of) corpora.insert(corpus);
  double sum = 0;
  for (const std::string& corpus : corpora) {
    auto it = ref.per_corpus.find(corpus);
    sum += it == ref.per_corpus.end() ? 0.0 : RefF1(it->second);
  }
  EXPECT_NEAR(s.macro_over_corpora.f1, sum / double(corpora.size()), 1e-12);
  EXPECT_EQ(s.macro_over_corpora.corpora, static_cast<int>(corpora.size()));
}

Entity Span(long start, long end, const std::string& type) {
  Entity e;
  e.start = static_cast<size_t>(start);
  e.end = static_cast<size_t>(end);
  e.type = type;
  return e;
}

class Differential : public ::testing::Test {
 protected:
  std::mt19937 rng_{20240601};
  long Uniform(long lo, long hi) { return std::uniform_int_distribution<long>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // Runs Evaluate on the documents and compares with the reference.
  void Check(const std::vector<Document>& gold, const std::vector<Document>& pred,
             const RefInput& in) {
    auto r = Evaluate(gold, pred);
    ASSERT_TRUE(r.ok()) << r.status();
    ExpectSame(r->strict, Reference(in), in, "strict");
    ExpectSame(r->lenient, ReferenceLenient(in), in, "lenient");
    strict_tp_ += r->strict.micro.tp;
    lenient_tp_ += r->lenient.micro.tp;
  }

  int64_t strict_tp_ = 0, lenient_tp_ = 0;
};

TEST_F(Differential, RandomSpanSets) {
  const std::string types[] = {"Gene", "Disease"};
  for (int trial = 0; trial < 1000; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    RefInput in;
    std::vector<Document> gold, pred;
    const int n_docs = static_cast<int>(Uniform(1, 4));
    for (int d = 0; d < n_docs; ++d) {
      const std::string id = "d" + std::to_string(d);
      const long len = Uniform(1, 30);
      std::string text;
      for (long i = 0; i < len; ++i) text += Chance(0.1) ? "é" : "a";
      std::vector<Entity> g, p;
      for (long k = Uniform(0, 6); k > 0; --k) {
        const long s = Uniform(0, len - 1);
        g.push_back(Span(s, s + Uniform(1, std::min(6L, len - s)), types[Uniform(0, 1)]));
      }
      for (const Entity& e : g) {  // near misses and copies of gold entities
        if (!Chance(0.6)) continue;
        long s = static_cast<long>(e.start) + Uniform(-2, 2);
        long t = static_cast<long>(e.end) + Uniform(-2, 2);
        s = std::max(0L, s);
        t = std::min(len, t);
        if (s >= t) continue;
        p.push_back(Span(s, t, Chance(0.1) ? types[Uniform(0, 1)] : e.type));
      }
      for (long k = Uniform(0, 3); k > 0; --k) {
        const long s = Uniform(0, len - 1);
        p.push_back(Span(s, s + Uniform(1, std::min(6L, len - s)), types[Uniform(0, 1)]));
      }
      if (!p.empty() && Chance(0.2)) p.push_back(p.front());  // duplicate prediction
      const std::string corpus = "c" + std::to_string(Uniform(0, 2));
      in.corpus_of[id] = corpus;
      for (const Entity& e : g) in.gold.insert({id, long(e.start), long(e.end), e.type});
      auto gd = Document::Create(id, {Passage{"text", 0, text}}, g);
      ASSERT_TRUE(gd.ok()) << gd.status();
      gd->set_corpus(corpus);
      gold.push_back(std::move(gd).value());
      if (Chance(0.1)) continue;  // gold document without predictions: all fn
      for (const Entity& e : p) in.pred.insert({id, long(e.start), long(e.end), e.type});
      auto pd = Document::Create(id, {Passage{"text", 0, text}}, p);
      ASSERT_TRUE(pd.ok()) << pd.status();
      pred.push_back(std::move(pd).value());
    }
    std::shuffle(pred.begin(), pred.end(), rng_);  // pairing is by id, not by position
    Check(gold, pred, in);
    if (HasFailure()) return;
  }
  // The generator must exercise the lenient rule, or the comparison proves little.
  EXPECT_GT(strict_tp_, 0);
  EXPECT_GT(lenient_tp_, strict_tp_);
}

TEST_F(Differential, RandomBioSequences) {
  const std::vector<std::string> labels = {"O", "B-Gene", "I-Gene", "B-Disease", "I-Disease"};
  auto random_spans = [&](int n) {
    std::vector<std::string> seq;
    for (int i = 0; i < n; ++i) seq.push_back(labels[Uniform(0, 4)]);
    std::vector<Entity> spans;
    for (const LabelSpan& s : DecodeSpans(seq)) spans.push_back(Span(s.start, s.end, s.type));
    return spans;
  };
  for (int trial = 0; trial < 1000; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const int n = static_cast<int>(Uniform(1, 25));
    const std::string text(static_cast<size_t>(n), 'x');  // one character per label
    std::vector<Entity> g = random_spans(n), p = random_spans(n);
    RefInput in;
    in.corpus_of["doc"] = "bio";
    for (const Entity& e : g) in.gold.insert({"doc", long(e.start), long(e.end), e.type});
    for (const Entity& e : p) in.pred.insert({"doc", long(e.start), long(e.end), e.type});
    auto gd = Document::Create("doc", {Passage{"text", 0, text}}, g);
    auto pd = Document::Create("doc", {Passage{"text", 0, text}}, p);
    ASSERT_TRUE(gd.ok() && pd.ok());
    gd->set_corpus("bio");
    Check({*gd}, {*pd}, in);
    if (HasFailure()) return;
  }
  EXPECT_GT(strict_tp_, 0);
  EXPECT_GT(lenient_tp_, strict_tp_);
}

}  // namespace
}  // namespace bioner
