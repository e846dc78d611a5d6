#include "core/util/file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <iterator>

namespace bioner {
namespace {

TEST(File, AtomicWriteThenReadAndMap) {
  const auto dir = std::filesystem::temp_directory_path() / ("bioner_file_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "x.bin").string();
  ASSERT_TRUE(WriteFileAtomic(path, "hello").ok());
  EXPECT_EQ(*ReadFile(path), "hello");
  auto m = MappedFile::Open(path);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(std::string(m->data(), m->size()), "hello");
  // No temporary file is left behind.
  size_t n = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file();
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(ReadFile((dir / "missing").string()).status().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bioner

namespace bioner {
namespace {

TEST(File, HasExtensionIgnoresAsciiCase) {
  EXPECT_TRUE(HasExtension("Dev.BioC.XML", ".xml"));
  EXPECT_TRUE(HasExtension("a/b/pubmed.xml.gz", ".XML.GZ"));
  EXPECT_FALSE(HasExtension("notes.xml.bak", ".xml"));
  EXPECT_FALSE(HasExtension("ml", ".xml"));
}

}  // namespace
}  // namespace bioner

namespace bioner {
namespace {

namespace fs = std::filesystem;

class PublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bioner_publish_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // A folder `name` holding one file (and a subfolder, which SyncTree must walk) saying `text`.
  std::string Folder(const std::string& name, const std::string& text) {
    const fs::path d = dir_ / name;
    fs::create_directories(d / "sub");
    EXPECT_TRUE(WriteFileAtomic((d / "f").string(), text).ok());
    EXPECT_TRUE(WriteFileAtomic((d / "sub" / "g").string(), text).ok());
    return d.string();
  }
  fs::path dir_;
};

TEST_F(PublishTest, FailIfExistsNeverOverwritesAFolder) {
  const std::string target = (dir_ / "1").string();
  ASSERT_TRUE(Publish(Folder(".tmp-a", "a"), target, PublishMode::kFailIfExists).ok());
  EXPECT_EQ(*ReadFile(target + "/sub/g"), "a");
  EXPECT_FALSE(fs::exists(dir_ / ".tmp-a"));
  const std::string again = Folder(".tmp-b", "b");
  const Status s = Publish(again, target, PublishMode::kFailIfExists);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  EXPECT_NE(s.message().find(target), std::string::npos) << s.ToString();
  EXPECT_EQ(*ReadFile(target + "/f"), "a");  // the published folder is untouched
  EXPECT_TRUE(fs::exists(again));            // and the staging folder is the caller's to remove
  // An empty folder that appeared under the name counts as existing too (rename(2) would
  // silently replace it).
  fs::create_directories(dir_ / "2");
  EXPECT_EQ(Publish(again, (dir_ / "2").string(), PublishMode::kFailIfExists).code(),
            StatusCode::kAlreadyExists);
}

TEST_F(PublishTest, ReplaceSwapsAStaleFolderAndAFile) {
  const std::string target = (dir_ / "epoch-3").string();
  ASSERT_TRUE(Publish(Folder(".tmp-old", "old"), target, PublishMode::kReplace).ok());
  ASSERT_TRUE(Publish(Folder(".tmp-new", "new"), target, PublishMode::kReplace).ok());
  EXPECT_EQ(*ReadFile(target + "/f"), "new");
  EXPECT_EQ(*ReadFile(target + "/sub/g"), "new");
  const std::string file = (dir_ / "latest").string();
  ASSERT_TRUE(WriteFileAtomic(file, "1\n").ok());
  ASSERT_TRUE(WriteFileAtomic(file, "2\n").ok());
  EXPECT_EQ(*ReadFile(file), "2\n");
  const auto entries = std::distance(fs::directory_iterator(dir_), fs::directory_iterator());
  EXPECT_EQ(entries, 2);  // epoch-3 and latest: no temporary name is left behind
}

TEST_F(PublishTest, MissingStagingIsAnErrorNamingIt) {
  const std::string missing = (dir_ / ".tmp-missing").string();
  const Status s = Publish(missing, (dir_ / "x").string(), PublishMode::kReplace);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(missing), std::string::npos) << s.ToString();
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

}  // namespace
}  // namespace bioner
