#include "core/util/file.h"

#include <gtest/gtest.h>

#include <filesystem>

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
