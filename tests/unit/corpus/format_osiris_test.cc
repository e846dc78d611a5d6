#include <gtest/gtest.h>

#include "tests/unit/corpus/format_test_util.h"

namespace bioner {
namespace {
using namespace testing_formats;

TEST(OsirisFormat, Corpus) {
  const std::string tar = Corpus("osiris/OSIRIScorpusv02.tar");
  BIONER_SKIP_WITHOUT_SHARED(tar);
  const std::string dir = Extract(tar);
  ASSERT_FALSE(dir.empty());
  CorpusReport report;
  auto docs = Read("osiris", {dir + "/OSIRIScorpusv02"}, &report);
  ASSERT_TRUE(docs.ok()) << docs.status();
  // 106 articleNN.txt; article74.txt is empty (its .ann holds only the "file" annotation).
  EXPECT_EQ(docs->size(), 105u);
  EXPECT_EQ(report.counts["empty article without annotations skipped"], 1);
  EXPECT_EQ(report.counts["text file without a .ann file skipped"], 1);  // README.txt
  // head -1 article1.txt: the PMID is the document id (all 104 osiris.* split ids present).
  EXPECT_NE(FindDoc(*docs, "12915397"), nullptr);
  // grep -o 'type="[a-z]*"' *.ann | sort | uniq -c, without the 106 type="file".
  const std::map<std::string, long> expected = {{"ev", 53},  {"ge", 971}, {"lo", 669}, {"sa", 504},
                                                {"sg", 110}, {"so", 449}, {"ty", 539}};
  EXPECT_EQ(LabelCounts(*docs), expected);
  EXPECT_EQ(TextMismatches(*docs), 0);
  const Document* d = FindDoc(*docs, "12915397");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->entities()[0].text, "Uncoupling protein-2");  // span="10..30"
}

TEST(OsirisFormat, SyntheticBadInput) {
  const std::string dir = TempDir();
  WriteText(dir, "article1.txt", "123\n\nGene X.");
  WriteText(dir, "article1.txt.ann",
            "<AnnotationFile>\n<Annotation type=\"file\" span=\"0..12\">\n"
            "<Annotation type=\"ge\" span=\"5..40\"/></Annotation></AnnotationFile>");
  CorpusReport report;
  auto past = Read("osiris", {dir}, &report);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.status().message().find("article1.txt.ann:3"), std::string::npos) << past.status();

  const std::string dir2 = TempDir();
  WriteText(dir2, "article2.txt", "123\n\nGene X.");
  WriteText(dir2, "article2.txt.ann", "<AnnotationFile><Annotation type=\"ge\" span=\"5-9\"/>");
  auto bad = Read("osiris", {dir2}, &report);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("article2.txt.ann"), std::string::npos);

  const std::string dir3 = TempDir();
  WriteText(dir3, "article3.txt.ann", "<AnnotationFile/>");
  auto orphan = Read("osiris", {dir3}, &report);
  ASSERT_FALSE(orphan.ok());
  EXPECT_NE(orphan.status().message().find("article3.txt"), std::string::npos);
}

}  // namespace
}  // namespace bioner
