#include "core/corpus/fetch.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/util/file.h"
#include "tests/support/shared_data.h"

namespace bioner {
namespace {

namespace fs = std::filesystem;
const std::string kCorpora = test_support::SharedPath("corpora");

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("bioner-fetch-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& rel, const std::string& data) {
    const fs::path p = fs::path(dir_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
    return p.string();
  }
  // Every file below `sub`, relative to it.
  std::vector<std::string> Files(const std::string& sub) const {
    std::vector<std::string> out;
    if (!fs::exists(fs::path(dir_) / sub)) return out;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(dir_) / sub)) {
      out.push_back(fs::relative(e.path(), fs::path(dir_) / sub).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // A .tar.gz with the given members, written with libarchive.
  std::string MakeTarGz(const std::string& rel,
                        const std::vector<std::pair<std::string, std::string>>& members) {
    const std::string path = (fs::path(dir_) / rel).string();
    fs::create_directories(fs::path(path).parent_path());
    struct archive* a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) {
      ADD_FAILURE() << path << ": " << archive_error_string(a);
      archive_write_free(a);
      return path;
    }
    for (const auto& [name, data] : members) {
      struct archive_entry* e = archive_entry_new();
      archive_entry_set_pathname(e, name.c_str());
      archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_write_header(a, e);
      archive_write_data(a, data.data(), data.size());
      archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return path;
  }
  std::string dir_;
};

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, MirrorFileMatchesManifest) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora + "/cll/CLL_corpus.tar.gz");
  const std::string rel = "cll/CLL_corpus.tar.gz";
  auto sum = Sha256File(kCorpora + "/" + rel);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(*sum, *CorpusRegistry::Default().Sha256(rel));
}

using Download = TempDirTest;

TEST_F(Download, FileUrlWithRightChecksum) {
  const std::string src = Write("src/a.txt", "hello corpus\n");
  const std::string dest = dir_ + "/out/a.txt";
  ASSERT_TRUE(DownloadFile("file://" + src, dest, Sha256Hex("hello corpus\n"), nullptr).ok());
  EXPECT_EQ(*ReadFile(dest), "hello corpus\n");
  EXPECT_EQ(Files("out"), std::vector<std::string>{"a.txt"});
}

TEST_F(Download, ChecksumMismatchNamesBothSumsAndLeavesNothing) {
  const std::string src = Write("src/a.txt", "tampered\n");
  const std::string dest = dir_ + "/out/a.txt";
  const std::string wrong(64, '0');
  Status s = DownloadFile("file://" + src, dest, wrong, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("a.txt"), std::string::npos) << s;
  EXPECT_NE(s.message().find("expected " + wrong), std::string::npos) << s;
  EXPECT_NE(s.message().find("got " + Sha256Hex("tampered\n")), std::string::npos) << s;
  EXPECT_TRUE(Files("out").empty());  // no partial or temporary file
}

TEST_F(Download, MissingSourceFailsAndLeavesNothing) {
  Status s = DownloadFile("file://" + dir_ + "/nope.txt", dir_ + "/out/x", "", nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("nope.txt"), std::string::npos) << s;
  EXPECT_TRUE(Files("out").empty());
}

using Unpack = TempDirTest;

TEST_F(Unpack, MapsMembers) {
  const std::string tgz = MakeTarGz("a.tar.gz", {{"top/keep/x.txt", "x"}, {"top/skip/y.txt", "y"},
                                                 {"top/README", "r"}});
  auto w = UnpackArchive(tgz, dir_ + "/out", {{"top/keep/", "data/"}, {"top/README", "README"}});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(*w, (std::vector<std::string>{"data/x.txt", "README"}));
  EXPECT_EQ(Files("out"), (std::vector<std::string>{"README", "data", "data/x.txt"}));
}

TEST_F(Unpack, RealCllArchive) {
  const std::string tgz = kCorpora + "/cll/CLL_corpus.tar.gz";
  BIONER_SKIP_WITHOUT_SHARED(tgz);
  auto w = UnpackArchive(tgz, dir_ + "/out");
  ASSERT_TRUE(w.ok()) << w.status();
  int nersuite = 0;
  for (const std::string& f : *w) nersuite += f.find("/nersuite/") != std::string::npos;
  EXPECT_GE(nersuite, 201);  // every split id of cll.* is a nersuite file
}

TEST_F(Unpack, CorruptArchiveIsDataLoss) {
  // Large enough that half of it cuts the gzip stream inside a member.
  std::string payload;
  for (int i = 0; payload.size() < 200000; ++i) payload += std::to_string(i * 7919) + " ";
  const std::string tgz = MakeTarGz("good.tar.gz", {{"a.txt", payload}, {"b.txt", payload}});
  std::string good = *ReadFile(tgz);
  const std::string truncated = Write("bad.tar.gz", good.substr(0, good.size() / 2));
  auto r = UnpackArchive(truncated, dir_ + "/out");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("bad.tar.gz"), std::string::npos) << r.status();

  const std::string garbage = Write("garbage.zip", std::string(5000, 'Z'));
  auto g = UnpackArchive(garbage, dir_ + "/out2");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("garbage.zip"), std::string::npos) << g.status();
}

// A missing archive once crashed the test that read it (the value of an error StatusOr);
// missing, empty and unreadable archives are each a clear error naming the file.
TEST_F(Unpack, MissingEmptyOrUnreadableArchiveIsAClearError) {
  auto missing = UnpackArchive(dir_ + "/no-such.tar.gz", dir_ + "/out");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("no-such.tar.gz"), std::string::npos) << missing.status();

  auto empty = UnpackArchive(Write("empty.tar.gz", ""), dir_ + "/out");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(empty.status().message().find("empty.tar.gz"), std::string::npos) << empty.status();

  fs::create_directories(dir_ + "/folder.tar.gz");  // unreadable as a file, even for root
  auto folder = UnpackArchive(dir_ + "/folder.tar.gz", dir_ + "/out");
  ASSERT_FALSE(folder.ok());
  EXPECT_NE(folder.status().message().find("folder.tar.gz"), std::string::npos) << folder.status();
  EXPECT_FALSE(fs::exists(dir_ + "/out"));
}

TEST(StatusOrDeathTest, ValueOfAnErrorEndsWithTheStatus) {
  StatusOr<std::string> r = NotFound("/nowhere/x.tar.gz: missing");
  EXPECT_DEATH((void)r.value(), "value\\(\\) of a StatusOr holding an error: NOT_FOUND: /nowhere/x.tar.gz");
}

TEST_F(Unpack, RefusesPathsOutsideTheFolder) {
  const std::string tgz = MakeTarGz("evil.tar.gz", {{"../escape.txt", "x"}});
  auto r = UnpackArchive(tgz, dir_ + "/out");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("outside"), std::string::npos) << r.status();
  EXPECT_FALSE(fs::exists(dir_ + "/escape.txt"));
}

using FetchFromMirror = TempDirTest;

TEST_F(FetchFromMirror, CopiesCorpusAndSplitsThenIsUpToDate) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora + "/ncbi_disease");
  const auto& reg = CorpusRegistry::Default();
  const CorpusSpec* spec = *reg.Find("ncbi_disease");
  std::ostringstream progress;
  FetchOptions opt{dir_ + "/cache", kCorpora, &progress};
  ASSERT_TRUE(FetchCorpus(reg, *spec, opt).ok());
  EXPECT_TRUE(CorpusPresent(reg, *spec, opt.cache_dir));
  for (const std::string& rel : reg.ManifestFiles("ncbi_disease/")) {
    EXPECT_EQ(*Sha256File(opt.cache_dir + "/" + rel), *reg.Sha256(rel)) << rel;
  }
  EXPECT_EQ(Files("cache/huner_splits"), (std::vector<std::string>{"ncbi.dev", "ncbi.test", "ncbi.train"}));
  EXPECT_EQ(Files("cache").size(), 3u + 1 + 4 + 1);  // splits + folder + files + folder
  std::ostringstream again;
  opt.progress = &again;
  ASSERT_TRUE(FetchCorpus(reg, *spec, opt).ok());
  EXPECT_NE(again.str().find("up to date"), std::string::npos) << again.str();
}

TEST_F(FetchFromMirror, CorruptMirrorFileIsRefusedAndLeavesNothing) {
  BIONER_SKIP_WITHOUT_SHARED(kCorpora + "/ncbi_disease");
  const auto& reg = CorpusRegistry::Default();
  const CorpusSpec* spec = *reg.Find("ncbi_disease");
  for (const std::string& rel : reg.ManifestFiles("ncbi_disease/")) {
    fs::create_directories(fs::path(dir_ + "/mirror/" + rel).parent_path());
    fs::copy_file(kCorpora + "/" + rel, dir_ + "/mirror/" + rel);
  }
  Write("mirror/ncbi_disease/NCBItestset_corpus.txt", "not the test set\n");
  FetchOptions opt{dir_ + "/cache", dir_ + "/mirror", nullptr};
  Status s = FetchCorpus(reg, *spec, opt);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("NCBItestset_corpus.txt"), std::string::npos) << s;
  EXPECT_NE(s.message().find(*reg.Sha256("ncbi_disease/NCBItestset_corpus.txt")), std::string::npos);
  EXPECT_NE(s.message().find(Sha256Hex("not the test set\n")), std::string::npos);
  EXPECT_TRUE(Files("cache").empty());  // no corpus folder, no staging folder
}

TEST_F(FetchFromMirror, MissingCorpusIsNamed) {
  const auto& reg = CorpusRegistry::Default();
  Status s = FetchCorpus(reg, **reg.Find("gellus"), {dir_ + "/cache", kCorpora, nullptr});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("gellus"), std::string::npos);
  EXPECT_NE(s.message().find("missing here"), std::string::npos) << s;
}

// The download path, driven through file:// URLs: one archive with a member map, one plain
// file with a known sum, split files from the splits URL.
class FetchFromNetwork : public TempDirTest {
 protected:
  StatusOr<CorpusRegistry> Registry(const std::string& plain_sha) {
    const std::string tgz = MakeTarGz("remote/toy.tar.gz", {{"toy-1.0/data/a.txt", "alpha\n"},
                                                            {"toy-1.0/other.txt", "o\n"}});
    Write("remote/plain.txt", "plain\n");
    Write("remote/splits/toy.train", "a\r\n");
    Write("remote/splits/toy.dev", "");
    Write("remote/splits/toy.test", "");
    const std::string json = R"({"splits": {"dir": "huner_splits", "url": "file://)" + dir_ +
        R"(/remote/splits"}, "corpora": [{"name": "toy", "status": "available", "format": "brat",
        "files": ["data"], "labels": [["*", "Gene"]], "types": {"Gene": "toy"}, "downloads": [
        {"url": "file://)" + tgz + R"(", "map": [["toy-1.0/data/", "data/"]]},
        {"url": "file://)" + dir_ + R"(/remote/plain.txt", "sha256": ")" + plain_sha + R"("}]}]})";
    const std::string manifest = Sha256Hex("alpha\n") + "  toy/data/a.txt\n" +
                                 Sha256Hex("a\r\n") + "  huner_splits/toy.train\n";
    return CorpusRegistry::Parse(json, manifest);
  }
};

TEST_F(FetchFromNetwork, AssemblesTheCorpus) {
  auto reg = Registry(Sha256Hex("plain\n"));
  ASSERT_TRUE(reg.ok()) << reg.status();
  Status s = FetchCorpus(*reg, reg->corpora()[0], {dir_ + "/cache", "", nullptr});
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(Files("cache"), (std::vector<std::string>{
                                "huner_splits", "huner_splits/toy.dev", "huner_splits/toy.test",
                                "huner_splits/toy.train", "toy", "toy/data", "toy/data/a.txt",
                                "toy/plain.txt"}));
}

TEST_F(FetchFromNetwork, WrongChecksumLeavesNothing) {
  auto reg = Registry(std::string(64, 'f'));
  ASSERT_TRUE(reg.ok()) << reg.status();
  Status s = FetchCorpus(*reg, reg->corpora()[0], {dir_ + "/cache", "", nullptr});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("plain.txt"), std::string::npos) << s;
  EXPECT_NE(s.message().find(std::string(64, 'f')), std::string::npos) << s;
  EXPECT_TRUE(Files("cache").empty());
}

TEST_F(FetchFromNetwork, ArchiveMemberMismatchIsRefused) {
  auto reg = Registry(Sha256Hex("plain\n"));
  ASSERT_TRUE(reg.ok());
  // Same archive name, different content: the member's sum no longer matches the manifest.
  MakeTarGz("remote/toy.tar.gz", {{"toy-1.0/data/a.txt", "ALPHA\n"}});
  Status s = FetchCorpus(*reg, reg->corpora()[0], {dir_ + "/cache", "", nullptr});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("toy/data/a.txt"), std::string::npos) << s;
  EXPECT_TRUE(Files("cache").empty());
}

}  // namespace
}  // namespace bioner
