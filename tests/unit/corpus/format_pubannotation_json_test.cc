#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

TEST(PubannotationJsonFormat, LocText) {
  const std::string dir = Corpus("loctext/LocText");
  BIONER_SKIP_WITHOUT_SHARED(dir);
  CorpusReport report;
  auto docs = Read("pubannotation_json", {dir}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 100u);  // ls *.json | wc -l; ids = the 100 loctext.* split ids
  EXPECT_NE(FindDoc(*docs, "PubMed-10072396"), nullptr);
  // Python json: Counter(d['obj'].split(':')[0] for d in denotations) over all files.
  const std::map<std::string, long> expected = {{"go", 549}, {"taxonomy", 276}, {"uniprot", 1465}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_TRUE(report.counts.empty());
  EXPECT_EQ(TextMismatches(*docs), 0);
}

TEST(PubannotationJsonFormat, SyntheticInput) {
  const std::string dir = TempDir();
  CorpusReport report;
  auto ok = Read("pubannotation_json",
                 {WriteText(dir, "x.json",
                            R"({"sourcedb":"PubMed","sourceid":"1","text":"Über COP1 protein",)"
                            R"("denotations":[{"id":"T1","span":{"begin":5,"end":9},)"
                            R"("obj":"uniprot:P43254"}]})")},
                 &report);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)[0].id(), "PubMed-1");
  ASSERT_EQ((*ok)[0].entities().size(), 1u);
  EXPECT_EQ((*ok)[0].entities()[0].text, "COP1");  // code points: "Ü" is one
  EXPECT_EQ((*ok)[0].entities()[0].type, "uniprot");

  auto past = Read("pubannotation_json",
                   {WriteText(dir, "p.json",
                              R"({"text":"abc","denotations":[{"id":"T7","span":{"begin":1,)"
                              R"("end":9},"obj":"go:1"}]})")},
                   &report);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.status().message().find("p.json"), std::string::npos) << past.status();
  EXPECT_NE(past.status().message().find("T7"), std::string::npos) << past.status();

  auto broken = Read("pubannotation_json", {WriteText(dir, "b.json", "{\"text\": ")}, &report);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("b.json"), std::string::npos);

  auto nospan =
      Read("pubannotation_json",
           {WriteText(dir, "n.json", R"({"text":"abc","denotations":[{"obj":"a"}]})")}, &report);
  EXPECT_FALSE(nospan.ok());
}

}  // namespace
}  // namespace bioner
