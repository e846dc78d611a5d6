#include "core/repository/repository.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/train/train_test_util.h"

namespace bioner::repository {
namespace {

namespace fs = std::filesystem;
using train_testing::TempDir;
using train_testing::Slurp;
using train_testing::WriteText;

// A staged version with the given dev F1.
std::string Stage(const std::string& type_dir, int64_t version, double f1) {
  const std::string s = StagingFolder(type_dir, version);
  fs::create_directories(s);
  WriteText(s + "/metrics.json", "{\"dev\": {\"micro\": {\"f1\": " + std::to_string(f1) + "}}}");
  WriteText(s + "/config.json", "{}");
  return s;
}

TEST(Repository, ListsOnlyIntegerVersions) {
  TempDir dir;
  for (const char* name : {"1", "3", "10", ".tmp-4-99", "abc", "2x"}) fs::create_directories(dir.file(name));
  WriteText(dir.file("5"), "a file, not a folder");
  auto v = ListVersions(dir.path());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, (std::vector<int64_t>{1, 3, 10}));
  auto none = ListVersions(dir.file("missing"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(Repository, CurrentPointer) {
  TempDir dir;
  auto c = ReadCurrent(dir.path());
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->has_value());
  ASSERT_TRUE(WriteCurrent(dir.path(), 12).ok());
  EXPECT_EQ(Slurp(dir.file("current")), "12\n");
  EXPECT_EQ(**ReadCurrent(dir.path()), "12");
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename(), "current");  // no temporary left behind
  }
  // Any version folder name may be current (a hand-placed or imported model)...
  WriteText(dir.file("current"), "biobert-ncbi\n");
  EXPECT_EQ(**ReadCurrent(dir.path()), "biobert-ncbi");
  // ...but never a hidden (staging) name, a path or nothing.
  for (const char* bad : {".tmp-3-77\n", "../Gene/1\n", "\n", ""}) {
    WriteText(dir.file("current"), bad);
    const auto r = ReadCurrent(dir.path());
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << bad;
    EXPECT_NE(r.status().message().find(dir.file("current")), std::string::npos) << r.status();
  }
}

TEST(Repository, VersionNames) {
  EXPECT_TRUE(IsVersionName("3"));
  EXPECT_TRUE(IsVersionName("biobert-v1.1"));
  EXPECT_FALSE(IsVersionName(""));
  EXPECT_FALSE(IsVersionName(".tmp-3-77"));
  EXPECT_FALSE(IsVersionName("a/b"));
  EXPECT_EQ(IntegerVersion("12"), std::optional<int64_t>(12));
  EXPECT_EQ(IntegerVersion("012"), std::optional<int64_t>(12));
  EXPECT_EQ(IntegerVersion("v12"), std::nullopt);
  EXPECT_EQ(IntegerVersion("99999999999999999999"), std::nullopt);  // no overflow
}

TEST(Repository, ServedVersionIsCurrentElseTheHighestNumberedOne) {
  TempDir dir;
  auto none = ServedVersion(dir.path());
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());
  for (const char* name : {"2", "10", "biobert"}) fs::create_directories(dir.file(name));
  EXPECT_EQ(**ServedVersion(dir.path()), "10");  // numbered, not lexicographic; names are not numbered
  WriteText(dir.file("current"), "biobert\n");
  EXPECT_EQ(**ServedVersion(dir.path()), "biobert");
}

TEST(Repository, PublishIsAllOrNothingAndNeverOverwrites) {
  TempDir dir;
  const std::string s1 = Stage(dir.path(), 1, 0.5);
  ASSERT_TRUE(PublishVersion(s1, dir.path(), 1).ok());
  EXPECT_FALSE(fs::exists(s1));
  EXPECT_TRUE(fs::exists(dir.file("1/metrics.json")));
  const std::string again = Stage(dir.path(), 1, 0.9);
  EXPECT_EQ(PublishVersion(again, dir.path(), 1).code(), StatusCode::kAlreadyExists);
  EXPECT_NE(Slurp(dir.file("1/metrics.json")).find("0.5"), std::string::npos);
}

TEST(Repository, PublishingPinsCurrentSoTheNewVersionIsNotServedUngated) {
  TempDir dir;
  ASSERT_TRUE(PublishVersion(Stage(dir.path(), 1, 0.8), dir.path(), 1).ok());
  EXPECT_FALSE(fs::exists(dir.file("current")));  // nothing older to pin
  ASSERT_TRUE(PublishVersion(Stage(dir.path(), 2, 0.1), dir.path(), 2).ok());
  EXPECT_EQ(**ReadCurrent(dir.path()), "1");
  EXPECT_EQ(**ServedVersion(dir.path()), "1");
}

TEST(Repository, QualityGate) {
  TempDir dir;
  ASSERT_TRUE(PublishVersion(Stage(dir.path(), 1, 0.8), dir.path(), 1).ok());
  auto p1 = Promote(dir.path(), 1, false);
  ASSERT_TRUE(p1.ok()) << p1.status();
  EXPECT_TRUE(p1->promoted);
  EXPECT_EQ(**ReadCurrent(dir.path()), "1");

  ASSERT_TRUE(PublishVersion(Stage(dir.path(), 2, 0.7), dir.path(), 2).ok());
  auto p2 = Promote(dir.path(), 2, false);
  ASSERT_TRUE(p2.ok()) << p2.status();
  EXPECT_FALSE(p2->promoted);
  EXPECT_NE(p2->reason.find("quality gate"), std::string::npos) << p2->reason;
  EXPECT_EQ(**ReadCurrent(dir.path()), "1");

  ASSERT_TRUE(PublishVersion(Stage(dir.path(), 3, 0.8), dir.path(), 3).ok());
  auto p3 = Promote(dir.path(), 3, false);  // equal F1 passes
  ASSERT_TRUE(p3.ok());
  EXPECT_TRUE(p3->promoted);
  EXPECT_EQ(**ReadCurrent(dir.path()), "3");

  auto forced = Promote(dir.path(), 2, true);
  ASSERT_TRUE(forced.ok());
  EXPECT_TRUE(forced->promoted);
  EXPECT_EQ(**ReadCurrent(dir.path()), "2");
  EXPECT_EQ(Promote(dir.path(), 9, false).status().code(), StatusCode::kNotFound);
}

TEST(Repository, ServedVersionWithoutMetricsBlocksUnlessForced) {
  TempDir dir;
  fs::create_directories(dir.file("1"));  // e.g. a hand-placed model without metrics.json
  ASSERT_TRUE(WriteCurrent(dir.path(), 1).ok());
  ASSERT_TRUE(PublishVersion(Stage(dir.path(), 2, 0.9), dir.path(), 2).ok());
  auto p = Promote(dir.path(), 2, false);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->promoted);
  EXPECT_NE(p->reason.find("--force"), std::string::npos);
  EXPECT_TRUE(Promote(dir.path(), 2, true)->promoted);
}

TEST(Repository, AVersionWithoutDevF1IsPromotedOnlyWhenNothingIsComparedOrForced) {
  // An imported checkpoint: metrics.json without "dev" (bioner-tool import).
  auto imported = [](const std::string& type_dir, int64_t version) {
    const std::string s = StagingFolder(type_dir, version);
    fs::create_directories(s);
    WriteText(s + "/metrics.json", "{\"imported\": true}");
    return s;
  };
  TempDir dir;
  ASSERT_TRUE(PublishVersion(imported(dir.path(), 1), dir.path(), 1).ok());
  auto first = Promote(dir.path(), 1, false);  // nothing served: nothing to compare
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->promoted);

  ASSERT_TRUE(PublishVersion(Stage(dir.path(), 2, 0.8), dir.path(), 2).ok());
  ASSERT_TRUE(Promote(dir.path(), 2, true)->promoted);
  ASSERT_TRUE(PublishVersion(imported(dir.path(), 3), dir.path(), 3).ok());
  auto gated = Promote(dir.path(), 3, false);
  ASSERT_TRUE(gated.ok()) << gated.status();
  EXPECT_FALSE(gated->promoted);
  EXPECT_NE(gated->reason.find("version 3 has no readable dev F1"), std::string::npos) << gated->reason;
  EXPECT_NE(gated->reason.find("--force"), std::string::npos) << gated->reason;
  EXPECT_EQ(**ReadCurrent(dir.path()), "2");
  auto forced = Promote(dir.path(), 3, true);
  ASSERT_TRUE(forced.ok()) << forced.status();
  EXPECT_TRUE(forced->promoted);
  EXPECT_EQ(**ReadCurrent(dir.path()), "3");
}

}  // namespace
}  // namespace bioner::repository
