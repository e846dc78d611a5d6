#include "core/model/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>

#include "tests/unit/model/test_util.h"

namespace bioner {
namespace {

using testing::Slurp;
using testing::Spit;
using testing::TempDir;

std::string Le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// A file with the given header JSON and `data_bytes` bytes of data.
std::string RawFile(const std::string& header, size_t data_bytes) {
  return Le64(header.size()) + header + std::string(data_bytes, '\x01');
}

Status OpenRaw(const TempDir& dir, const std::string& bytes) {
  const std::string path = dir.file("x.safetensors");
  Spit(path, bytes);
  return SafetensorsFile::Open(path).status();
}

void ExpectError(const Status& s, const std::vector<std::string>& parts) {
  ASSERT_FALSE(s.ok());
  for (const auto& p : parts) EXPECT_NE(s.message().find(p), std::string::npos) << s.message() << " lacks " << p;
}

TEST(Safetensors, WriteThenReadRoundTrip) {
  TempDir dir;
  const std::vector<float> a = {1.5f, -2.0f, 3.25f, 4.0f, 5.0f, 6.0f};
  const std::vector<int64_t> b = {7, -8};
  const std::string path = dir.file("t.safetensors");
  ASSERT_TRUE(WriteSafetensors(path,
                               {{"a.weight", DType::kF32, {2, 3}, {reinterpret_cast<const char*>(a.data()), 24}},
                                {"b", DType::kI64, {2}, {reinterpret_cast<const char*>(b.data()), 16}},
                                {"empty", DType::kF16, {0, 4}, {}}},
                               {{"format", "pt"}})
                  .ok());
  const std::string bytes = Slurp(path);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ(n % 8, 0u) << "header padded to 8 bytes";
  EXPECT_EQ(bytes[8 + n - 1] == ' ' || bytes[8 + n - 1] == '}', true);

  auto f = SafetensorsFile::Open(path);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->tensors().size(), 3u);
  EXPECT_EQ(f->metadata().at("format"), "pt");
  const TensorView* t = f->Find("a.weight");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->dtype, DType::kF32);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 3}));
  ASSERT_EQ(t->nbytes, 24u);
  std::vector<float> back(6);
  std::memcpy(back.data(), t->data, 24);
  EXPECT_EQ(back, a);
  const TensorView* tb = f->Find("b");
  ASSERT_NE(tb, nullptr);
  int64_t b1 = 0;
  std::memcpy(&b1, tb->data + 8, 8);
  EXPECT_EQ(b1, -8);
  EXPECT_EQ(f->Find("empty")->numel(), 0);
  EXPECT_EQ(f->Find("missing"), nullptr);
}

TEST(Safetensors, ReadsReferenceFiles) {
  for (const char* name : {"tiny-f32", "tiny-f16", "legacy-names", "encoder-only"}) {
    auto f = SafetensorsFile::Open(testing::ModelVectorDir(name) + "/model.safetensors");
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_GT(f->tensors().size(), 30u);
  }
  auto f = SafetensorsFile::Open(testing::ModelVectorDir("tiny-f16") + "/model.safetensors");
  EXPECT_EQ(f->Find("classifier.weight")->dtype, DType::kF16);
  EXPECT_EQ(f->Find("classifier.weight")->shape, (std::vector<int64_t>{5, 48}));
}

TEST(Safetensors, WriterRefusesSizeMismatchAndDuplicates) {
  TempDir dir;
  const float x[2] = {1, 2};
  EXPECT_EQ(WriteSafetensors(dir.file("a"), {{"x", DType::kF32, {3}, {reinterpret_cast<const char*>(x), 8}}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(WriteSafetensors(dir.file("b"), {{"x", DType::kF32, {1}, {reinterpret_cast<const char*>(x), 4}},
                                                {"x", DType::kF32, {1}, {reinterpret_cast<const char*>(x), 4}}})
                   .ok());
}

TEST(Safetensors, TruncatedFile) {
  TempDir dir;
  const float x[4] = {1, 2, 3, 4};
  const std::string path = dir.file("t.safetensors");
  ASSERT_TRUE(WriteSafetensors(path, {{"w", DType::kF32, {4}, {reinterpret_cast<const char*>(x), 16}}}).ok());
  const std::string full = Slurp(path);
  Spit(path, full.substr(0, full.size() - 5));
  auto s = SafetensorsFile::Open(path).status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  ExpectError(s, {path, "'w'", "truncated"});
  ExpectError(OpenRaw(dir, "abc"), {"x.safetensors", "truncated"});
}

TEST(Safetensors, HeaderLengthPastEof) {
  TempDir dir;
  ExpectError(OpenRaw(dir, Le64(1000) + "{}"), {"x.safetensors", "header length 1000", "past the end"});
  ExpectError(OpenRaw(dir, Le64(~0ull) + "{}"), {"header length"});
}

TEST(Safetensors, InvalidHeaderJson) {
  TempDir dir;
  ExpectError(OpenRaw(dir, RawFile("{\"w\": {\"dtype\": ", 0)), {"x.safetensors", "not valid JSON"});
  ExpectError(OpenRaw(dir, RawFile("[1, 2]", 0)), {"not a JSON object"});
  ExpectError(OpenRaw(dir, RawFile(R"({"w": {"dtype": "F32", "shape": [1]}})", 4)), {"'w'", "data_offsets"});
  ExpectError(OpenRaw(dir, RawFile(R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", 4)),
              {"'w'", "non-negative"});
  ExpectError(OpenRaw(dir, RawFile(R"({"__metadata__": {"a": 1}})", 0)), {"__metadata__"});
}

TEST(Safetensors, UnknownDtype) {
  TempDir dir;
  ExpectError(OpenRaw(dir, RawFile(R"({"w": {"dtype": "F8", "shape": [4], "data_offsets": [0, 4]}})", 4)),
              {"x.safetensors", "'w'", "unknown dtype 'F8'"});
}

TEST(Safetensors, ShapeTimesDtypeDiffersFromByteSize) {
  TempDir dir;
  ExpectError(OpenRaw(dir, RawFile(R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})", 20)),
              {"x.safetensors", "'w'", "[2,3]", "24 bytes", "span 20"});
}

TEST(Safetensors, OverlappingAndOutOfRangeOffsets) {
  TempDir dir;
  ExpectError(OpenRaw(dir, RawFile(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
                                   R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
                                   12)),
              {"x.safetensors", "'b'", "overlap"});
  ExpectError(OpenRaw(dir, RawFile(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}})", 12)),
              {"'a'", "past the end of the data area"});
  ExpectError(OpenRaw(dir, RawFile(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}})", 12)),
              {"'a'", "end before begin"});
  ExpectError(OpenRaw(dir, RawFile(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8)),
              {"'a'", "gap"});
  ExpectError(OpenRaw(dir, RawFile(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", 8)),
              {"data area has 8 bytes"});
}

}  // namespace
}  // namespace bioner
