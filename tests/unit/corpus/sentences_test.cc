#include "core/corpus/sentences.h"

#include <gtest/gtest.h>

#include <fstream>
#include <algorithm>
#include <sstream>

#include "core/util/utf8.h"
#include "tests/support/shared_data.h"

namespace bioner {
namespace {

const std::string kCorpora = test_support::SharedPath("corpora");

std::vector<std::string> Sentences(const std::string& text) {
  std::vector<std::string> out;
  for (const SentenceSpan& s : SplitSentences(text)) out.push_back(*utf8::Substr(text, s.start, s.end));
  return out;
}

using V = std::vector<std::string>;

TEST(Sentences, PlainBoundaries) {
  EXPECT_EQ(Sentences("BRCA1 is mutated. Tumours grow! Why? Because."),
            (V{"BRCA1 is mutated.", "Tumours grow!", "Why?", "Because."}));
  EXPECT_EQ(Sentences("  "), V{});
  EXPECT_EQ(Sentences("No final period"), V{"No final period"});
}

TEST(Sentences, Abbreviations) {
  EXPECT_EQ(Sentences("Several genes, e.g. BRCA1, were tested. Results follow."),
            (V{"Several genes, e.g. BRCA1, were tested.", "Results follow."}));
  EXPECT_EQ(Sentences("As shown by Smith et al. The effect was large."),
            (V{"As shown by Smith et al. The effect was large."}));
  EXPECT_EQ(Sentences("See Fig. 2 for details. It shows X."),
            (V{"See Fig. 2 for details.", "It shows X."}));
  EXPECT_EQ(Sentences("Cases vs. Controls differ. Done."), (V{"Cases vs. Controls differ.", "Done."}));
  EXPECT_EQ(Sentences("Bacillus sp. Strain 4 grew. Then it died."),
            (V{"Bacillus sp. Strain 4 grew.", "Then it died."}));
  EXPECT_EQ(Sentences("Patients (i.e. Adults) were enrolled."), (V{"Patients (i.e. Adults) were enrolled."}));
}

TEST(Sentences, GenusAbbreviationsAndDecimals) {
  EXPECT_EQ(Sentences("We used E. coli and S. Cerevisiae strains. Growth was 3.5 fold higher."),
            (V{"We used E. coli and S. Cerevisiae strains.", "Growth was 3.5 fold higher."}));
  EXPECT_EQ(Sentences("The p value was 0.05. A second test followed."),
            (V{"The p value was 0.05.", "A second test followed."}));
}

TEST(Sentences, NoSplitInsideBrackets) {
  EXPECT_EQ(Sentences("Levels rose (see above. Also below) in all. Next one."),
            (V{"Levels rose (see above. Also below) in all.", "Next one."}));
  EXPECT_EQ(Sentences("It was seen [ref. 12. Smith]. Then more."),
            (V{"It was seen [ref. 12. Smith].", "Then more."}));
  // A closing bracket after the period belongs to the sentence.
  EXPECT_EQ(Sentences("(This is one.) This is two."), (V{"(This is one.)", "This is two."}));
  // An unbalanced bracket does not swallow the next line.
  EXPECT_EQ(Sentences("Open ( bracket. X\nNext line. Y"),
            (V{"Open ( bracket. X", "Next line.", "Y"}));
}

TEST(Sentences, LowerCaseContinuationIsNoBoundary) {
  EXPECT_EQ(Sentences("The 5 mg. dose was given."), (V{"The 5 mg. dose was given."}));
}

TEST(Sentences, SpansAreCodePoints) {
  const std::string text = "Tumour ≥5 cm. Next ß.";
  auto spans = SplitSentences(text);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].start, 0u);
  EXPECT_EQ(spans[0].end, 13u);
  EXPECT_EQ(spans[1].start, 14u);
  EXPECT_EQ(spans[1].end, 21u);
}

TEST(Sentences, CrossingEntities) {
  auto doc = Document::Create("d", {{"abstract", 0, "Alpha beta. Gamma delta."}},
                              {{6, 10, "Gene"}, {6, 17, "Gene"}});
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto sentences = SplitDocumentSentences(*doc);
  ASSERT_EQ(sentences.size(), 2u);
  auto crossing = EntitiesCrossingSentences(*doc, sentences);
  ASSERT_EQ(crossing.size(), 1u);
  EXPECT_EQ(crossing[0]->end, 17u);
}

TEST(Sentences, PassagesAreSplitSeparately) {
  auto doc = Document::Create("d", {{"title", 0, "A title without period"},
                                    {"abstract", 23, "First. Second."}});
  ASSERT_TRUE(doc.ok());
  auto s = SplitDocumentSentences(*doc);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].end, 22u);
  EXPECT_EQ(s[1].start, 23u);
}

// BC2GM's train.in holds one sentence per line: the splitter must leave nearly all whole.
TEST(Sentences, RealBc2gmSentencesStayWhole) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora + "/bc2gm/train/train.in");
  std::ifstream in(kCorpora + "/bc2gm/train/train.in");
  ASSERT_TRUE(in) << "missing shared corpora";
  std::string line;
  int total = 0, split = 0;
  while (std::getline(in, line)) {
    const size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    ++total;
    if (SplitSentences(line.substr(sp + 1)).size() != 1) ++split;
  }
  EXPECT_EQ(total, 15000);
  EXPECT_LT(split, total / 100) << split << " of " << total << " single sentences were split";
}

std::string Unescape(std::string s) {
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}}) {
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
  }
  return s;
}

// IEPA's abstracts come sentence by sentence: joined again, the splitter must find the
// original boundaries.
TEST(Sentences, RealIepaBoundariesAreRecovered) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora + "/iepa/IEPA-train.xml");
  std::ifstream in(kCorpora + "/iepa/IEPA-train.xml");
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string xml = ss.str();
  int gold = 0, found = 0, correct = 0;
  // std::regex recurses per character; plain find() keeps this safe on large files.
  for (size_t d = xml.find("<document "); d != std::string::npos; d = xml.find("<document ", d + 1)) {
    const size_t d_end = xml.find("</document>", d);
    ASSERT_NE(d_end, std::string::npos);
    std::string text;
    std::vector<size_t> ends;
    for (size_t s = xml.find("<sentence ", d); s != std::string::npos && s < d_end;
         s = xml.find("<sentence ", s + 1)) {
      const size_t t = xml.find(" text=\"", s) + 7;
      std::string sentence = Unescape(xml.substr(t, xml.find('"', t) - t));
      // IEPA strips the final period; put it back as the abstract had it.
      if (!sentence.empty() && sentence.back() != '.' && sentence.back() != '?') sentence += '.';
      if (!text.empty()) text += ' ';
      text += sentence;
      ends.push_back(utf8::Length(text));
    }
    auto spans = SplitSentences(text);
    gold += static_cast<int>(ends.size());
    found += static_cast<int>(spans.size());
    for (const SentenceSpan& s : spans) {
      if (std::find(ends.begin(), ends.end(), s.end) != ends.end()) ++correct;
    }
  }
  ASSERT_GT(gold, 200);
  EXPECT_GT(correct, gold * 95 / 100) << correct << " of " << gold;
  EXPECT_GT(correct, found * 95 / 100) << correct << " of " << found << " found";
}

}  // namespace
}  // namespace bioner
