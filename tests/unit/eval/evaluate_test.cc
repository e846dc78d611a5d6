#include "core/eval/evaluate.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace bioner {
namespace {

class EvaluateFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "eval_test_" + std::to_string(getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ASSERT_EQ(system(("mkdir -p '" + dir_ + "'").c_str()), 0);
  }
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << content;
    return path;
  }
  // Evaluates two JSONL texts; returns the status message (empty when OK).
  std::string Error(const std::string& gold, const std::string& pred) {
    auto g = ReadDocumentSet(Write("g.jsonl", gold));
    if (!g.ok()) return g.status().message();
    auto p = ReadDocumentSet(Write("p.jsonl", pred));
    if (!p.ok()) return p.status().message();
    auto r = Evaluate(*g, *p);
    return r.ok() ? "" : r.status().message();
  }
  std::string dir_;
};

constexpr const char* kGold =
    R"({"id":"a","corpus":"ncbi_disease","text":"breast cancer","entities":[{"start":0,"end":13,"type":"Disease"}]})"
    "\n\n"  // a blank line: line numbers must still be file lines
    R"({"id":"b","corpus":"ncbi_disease","text":"colon cancer","entities":[{"start":0,"end":12,"type":"Disease"}]})"
    "\n";

TEST_F(EvaluateFiles, ReadsLineNumbers) {
  auto set = ReadDocumentSet(Write("g.jsonl", kGold));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->lines, (std::vector<size_t>{1, 3}));
  EXPECT_EQ(set->docs.size(), 2u);
  EXPECT_EQ(ReadDocumentSet(dir_ + "/absent.jsonl").status().code(), StatusCode::kNotFound);
  auto bad = ReadDocumentSet(Write("bad.jsonl", "{\"id\":\"x\",\"text\":\"a\"}\nnot json\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.jsonl: line 2"), std::string::npos)
      << bad.status();
}

TEST_F(EvaluateFiles, PredictionWithUnknownIdNamesFileLineAndId) {
  const std::string e = Error(kGold, R"({"id":"zz","text":"x"})" "\n");
  EXPECT_NE(e.find("p.jsonl line 1 (id 'zz')"), std::string::npos) << e;
  EXPECT_NE(e.find("no gold document has this id"), std::string::npos) << e;
}

TEST_F(EvaluateFiles, DuplicateIdsAreRefusedOnEitherSide) {
  std::string e = Error(kGold + std::string(R"({"id":"a","text":"x"})") + "\n", "");
  EXPECT_NE(e.find("g.jsonl line 4 (id 'a'): duplicate document id, first seen at line 1"),
            std::string::npos)
      << e;
  e = Error(kGold, R"({"id":"b","text":"colon cancer"})" "\n"
                   R"({"id":"b","text":"colon cancer"})" "\n");
  EXPECT_NE(e.find("p.jsonl line 2 (id 'b'): duplicate document id"), std::string::npos) << e;
}

TEST_F(EvaluateFiles, TextMismatchNamesBothSidesAndPosition) {
  const std::string e = Error(kGold, R"({"id":"b","text":"colon canker"})" "\n");
  EXPECT_NE(e.find("p.jsonl line 1 (id 'b')"), std::string::npos) << e;
  EXPECT_NE(e.find("g.jsonl line 3"), std::string::npos) << e;
  EXPECT_NE(e.find("code point 9"), std::string::npos) << e;
  // A prefix differs at the end of the shorter text.
  const std::string prefix = Error(kGold, R"({"id":"b","text":"colon"})" "\n");
  EXPECT_NE(prefix.find("code point 5"), std::string::npos) << prefix;
}

TEST_F(EvaluateFiles, EmptyGoldIsAnErrorEmptyPredictionsAreAllMissing) {
  const std::string e = Error("\n", "");
  EXPECT_NE(e.find("g.jsonl: no gold documents"), std::string::npos) << e;

  auto g = ReadDocumentSet(Write("g.jsonl", kGold));
  auto p = ReadDocumentSet(Write("p.jsonl", ""));
  ASSERT_TRUE(g.ok() && p.ok());
  auto r = Evaluate(*g, *p);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->documents_missing_from_pred, 2u);
  EXPECT_EQ(r->missing_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r->strict.micro, (Counts{0, 0, 2}));
  EXPECT_EQ(r->lenient.micro, (Counts{0, 0, 2}));
  EXPECT_EQ(r->strict.micro.F1(), 0.0);
}

TEST_F(EvaluateFiles, MixedCorpusNamingIsRefused) {
  const std::string gold = std::string(kGold) + R"({"id":"c","text":"x"})" + "\n";
  const std::string e = Error(gold, "");
  EXPECT_NE(e.find("g.jsonl line 4 (id 'c'): names no \"corpus\""), std::string::npos) << e;
  EXPECT_NE(e.find("ncbi_disease"), std::string::npos) << e;
}

Document Doc(const std::string& id, const std::string& corpus, const std::string& text,
             std::vector<Entity> entities) {
  auto d = Document::Create(id, {Passage{"text", 0, text}}, std::move(entities));
  EXPECT_TRUE(d.ok()) << d.status();
  d->set_corpus(corpus);
  return *d;
}

Entity E(size_t start, size_t end, const std::string& type) {
  Entity e;
  e.start = start;
  e.end = end;
  e.type = type;
  return e;
}

TEST(Evaluate, InMemoryErrorsUseDocumentIndex) {
  auto r = Evaluate({Doc("a", "", "abc", {})}, {Doc("q", "", "abc", {})});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("predictions document #0 (id 'q')"), std::string::npos)
      << r.status();
}

TEST(Evaluate, PerCorpusAndMacroOverCorporaAnnotatedForTheType) {
  // Corpus "dis" is annotated for Disease only; corpus "mix" for Disease and Gene.
  std::vector<Document> gold = {
      Doc("1", "dis", "aaaaaaaaaa", {E(0, 3, "Disease"), E(5, 8, "Disease")}),
      Doc("2", "mix", "bbbbbbbbbb", {E(0, 2, "Disease"), E(4, 6, "Gene")}),
  };
  std::vector<Document> pred = {
      // dis: one Disease right, one wrong; a Gene prediction where the corpus has no Gene.
      Doc("1", "ignored", "aaaaaaaaaa", {E(0, 3, "Disease"), E(6, 8, "Disease"),
                                         E(9, 10, "Gene")}),
      // mix: both right.
      Doc("2", "", "bbbbbbbbbb", {E(0, 2, "Disease"), E(4, 6, "Gene")}),
  };
  auto r = Evaluate(gold, pred);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->has_corpora);
  const Scores& s = r->strict;
  EXPECT_EQ(s.per_corpus.at("dis"), (Counts{1, 2, 1}));
  EXPECT_EQ(s.per_corpus.at("mix"), (Counts{2, 0, 0}));
  EXPECT_EQ(s.per_corpus_type.at("dis").at("Gene"), (Counts{0, 1, 0}));
  EXPECT_EQ(s.per_type.at("Disease"), (Counts{2, 1, 1}));
  EXPECT_EQ(s.per_type.at("Gene"), (Counts{1, 1, 0}));
  EXPECT_EQ(s.per_corpus.count("ignored"), 0u);  // the gold document's corpus counts
  // Macro over corpora: F1(dis) = 2/(2+3) = 0.4, F1(mix) = 1 -> 0.7.
  EXPECT_DOUBLE_EQ(s.macro_over_corpora.f1, 0.7);
  EXPECT_EQ(s.macro_over_corpora.corpora, 2);
  // Disease: F1 0.5 (dis: tp 1, fp 1, fn 1) and 1 (mix) -> 0.75 over 2 corpora.
  EXPECT_DOUBLE_EQ(s.macro_over_corpora_per_type.at("Disease").f1, 0.75);
  EXPECT_EQ(s.macro_over_corpora_per_type.at("Disease").corpora, 2);
  // Gene: only "mix" is annotated for Gene, so the stray Gene in "dis" is left out: 1.0.
  EXPECT_DOUBLE_EQ(s.macro_over_corpora_per_type.at("Gene").f1, 1.0);
  EXPECT_EQ(s.macro_over_corpora_per_type.at("Gene").corpora, 1);
  // Lenient: [6,8) lies inside [5,8) -> tp; gold [5,8) sticks out of [6,8) by one -> found.
  EXPECT_EQ(r->lenient.per_corpus_type.at("dis").at("Disease"), (Counts{2, 0, 0}));
}

TEST(Evaluate, NoCorporaLeavesPerCorpusEmpty) {
  auto r = Evaluate({Doc("1", "", "abc", {E(0, 1, "Gene")})}, {Doc("1", "", "abc", {})});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_corpora);
  EXPECT_TRUE(r->strict.per_corpus.empty());
  EXPECT_EQ(r->strict.macro_over_corpora.corpora, 0);
  EXPECT_EQ(r->strict.micro, (Counts{0, 0, 1}));
  EXPECT_EQ(r->documents_missing_from_pred, 0u);
}

}  // namespace
}  // namespace bioner
