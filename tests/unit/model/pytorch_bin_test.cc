#include "core/model/pytorch_bin.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <tuple>

#include "core/model/safetensors.h"
#include "tests/unit/model/test_util.h"

namespace bioner {
namespace {

namespace fs = std::filesystem;
using testing::Slurp;
using testing::Spit;
using testing::TempDir;

std::string ModelBinPath(const std::string& folder) {
  return std::string(BIONER_TEST_DATA_DIR) + "/testvectors/model-bin/" + folder +
         "/pytorch_model.bin";
}

std::string Le(uint64_t v, int n) {
  std::string s(n, '\0');
  for (int i = 0; i < n; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::string Floats(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

std::vector<float> ToFloats(const TensorView& t) {
  std::vector<float> v(t.nbytes / sizeof(float));
  if (t.nbytes) std::memcpy(v.data(), t.data, t.nbytes);
  return v;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A bitwise CRC-32, independent of the reader's table-driven one.
uint32_t TestCrc32(const std::string& s) {
  uint32_t c = 0xffffffffu;
  for (unsigned char b : s) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}

// ---- Hand-made inputs: a pickle writer, torch-like state dicts, zip and legacy containers.

class Pickle {
 public:
  Pickle& Byte(int b) {
    s_ += static_cast<char>(b);
    return *this;
  }
  Pickle& Raw(const std::string& r) {
    s_ += r;
    return *this;
  }
  Pickle& Proto(int v) { return Byte(0x80).Byte(v); }
  Pickle& Global(const std::string& module, const std::string& name) {
    return Byte('c').Raw(module + "\n" + name + "\n");
  }
  Pickle& Str(const std::string& v) { return Byte('X').Raw(Le(v.size(), 4)).Raw(v); }
  Pickle& ShortStr(const std::string& v) {
    return Byte(0x8c).Byte(static_cast<int>(v.size())).Raw(v);
  }
  Pickle& Int(int64_t v) {
    if (v >= 0 && v < 256) return Byte('K').Byte(static_cast<int>(v));
    if (v >= INT32_MIN && v <= INT32_MAX) return Byte('J').Raw(Le(static_cast<uint64_t>(v), 4));
    return Byte(0x8a).Byte(8).Raw(Le(static_cast<uint64_t>(v), 8));
  }
  Pickle& Mark() { return Byte('('); }
  Pickle& Tuple() { return Byte('t'); }
  Pickle& Tuple1() { return Byte(0x85); }
  Pickle& EmptyTuple() { return Byte(')'); }
  Pickle& EmptyDict() { return Byte('}'); }
  Pickle& EmptyList() { return Byte(']'); }
  Pickle& SetItem() { return Byte('s'); }
  Pickle& SetItems() { return Byte('u'); }
  Pickle& Append() { return Byte('a'); }
  Pickle& Reduce() { return Byte('R'); }
  Pickle& PersId() { return Byte('Q'); }
  Pickle& Build() { return Byte('b'); }
  Pickle& False() { return Byte(0x89); }
  Pickle& True() { return Byte(0x88); }
  Pickle& None() { return Byte('N'); }
  Pickle& Put(int i) { return Byte('q').Byte(i); }
  Pickle& Get(int i) { return Byte('h').Byte(i); }
  Pickle& Stop() { return Byte('.'); }
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

std::vector<int64_t> ContiguousStride(const std::vector<int64_t>& size) {
  std::vector<int64_t> stride(size.size());
  uint64_t s = 1;  // unsigned: the overflow cases below wrap rather than being UB
  for (size_t d = size.size(); d-- > 0;) {
    stride[d] = static_cast<int64_t>(s);
    s *= static_cast<uint64_t>(size[d]);
  }
  return stride;
}

struct FakeTensor {
  std::string name;
  std::string key;
  int64_t storage_numel = 0;
  int64_t offset = 0;
  std::vector<int64_t> size;
  std::vector<int64_t> stride;  // empty: contiguous
  std::string storage_type = "FloatStorage";
  std::optional<std::tuple<std::string, int64_t, int64_t>> view;  // legacy (key, offset, numel)
  std::string storage_module = "torch";                           // "torch.cuda" in old GPU saves
  bool v1 = false;  // _rebuild_tensor (PyTorch < 0.4), not _v2
};

// `_rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict())`, as
// torch.save writes it; legacy persistent ids have the sixth field (view metadata).
void EmitTensor(Pickle& p, const FakeTensor& t, bool legacy) {
  p.Global("torch._utils", t.v1 ? "_rebuild_tensor" : "_rebuild_tensor_v2").Mark();
  p.Mark()
      .Str("storage")
      .Global(t.storage_module, t.storage_type)
      .Str(t.key)
      .Str("cpu")
      .Int(t.storage_numel);
  if (legacy) {
    if (t.view) {
      p.Mark()
          .Str(std::get<0>(*t.view))
          .Int(std::get<1>(*t.view))
          .Int(std::get<2>(*t.view))
          .Tuple();
    } else {
      p.None();
    }
  }
  p.Tuple().PersId().Int(t.offset);
  p.Mark();
  for (int64_t d : t.size) p.Int(d);
  p.Tuple().Mark();
  for (int64_t s : t.stride.empty() ? ContiguousStride(t.size) : t.stride) p.Int(s);
  p.Tuple();
  if (!t.v1) p.False().Global("collections", "OrderedDict").EmptyTuple().Reduce();
  p.Tuple().Reduce();
}

std::string StateDictPickle(const std::vector<FakeTensor>& tensors, bool legacy) {
  Pickle p;
  p.Proto(2).Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark();
  for (const auto& t : tensors) {
    p.Str(t.name);
    EmitTensor(p, t, legacy);
  }
  return p.SetItems().Stop().str();
}

struct ZipItem {
  std::string name;
  std::string data;
  uint16_t method = 0;
};

// A zip archive laid out as torch.save writes it (local extra fields pad data to 64 bytes);
// with `zip64`, every size and offset goes through the ZIP64 records.
// With `crc` false, CRC fields hold 0 (torch.serialization.set_crc32_options(False)).
std::string MakeZip(const std::vector<ZipItem>& items, bool zip64, bool crc = true) {
  std::string out, cd;
  for (const auto& item : items) {
    const uint64_t local = out.size();
    const uint32_t crc32 = crc ? TestCrc32(item.data) : 0;
    const size_t unpadded = local + 30 + item.name.size() + 4;
    const size_t pad = (64 - unpadded % 64) % 64;
    const std::string extra = Le(0x4246, 2) + Le(pad, 2) + std::string(pad, 'Z');
    out += Le(0x04034b50, 4) + Le(45, 2) + Le(0, 2) + Le(item.method, 2) + Le(0, 4) + Le(crc32, 4) +
           Le(item.data.size(), 4) + Le(item.data.size(), 4) + Le(item.name.size(), 2) +
           Le(extra.size(), 2) + item.name + extra + item.data;
    const uint64_t more = 0xffffffffu;
    const std::string cd_extra = zip64 ? Le(1, 2) + Le(24, 2) + Le(item.data.size(), 8) +
                                             Le(item.data.size(), 8) + Le(local, 8)
                                       : "";
    cd += Le(0x02014b50, 4) + Le(45, 2) + Le(45, 2) + Le(0, 2) + Le(item.method, 2) + Le(0, 4) +
          Le(crc32, 4) + Le(zip64 ? more : item.data.size(), 4) +
          Le(zip64 ? more : item.data.size(), 4) + Le(item.name.size(), 2) +
          Le(cd_extra.size(), 2) + Le(0, 2) + Le(0, 2) + Le(0, 2) + Le(0, 4) +
          Le(zip64 ? more : local, 4) + item.name + cd_extra;
  }
  const uint64_t cd_offset = out.size(), n = items.size();
  out += cd;
  if (zip64) {
    const uint64_t z = out.size();
    out += Le(0x06064b50, 4) + Le(44, 8) + Le(45, 2) + Le(45, 2) + Le(0, 4) + Le(0, 4) + Le(n, 8) +
           Le(n, 8) + Le(cd.size(), 8) + Le(cd_offset, 8);
    out += Le(0x07064b50, 4) + Le(0, 4) + Le(z, 8) + Le(1, 4);
  }
  out += Le(0x06054b50, 4) + Le(0, 2) + Le(0, 2) + Le(zip64 ? 0xffff : n, 2) +
         Le(zip64 ? 0xffff : n, 2) + Le(zip64 ? 0xffffffffu : cd.size(), 4) +
         Le(zip64 ? 0xffffffffu : cd_offset, 4) + Le(0, 2);
  return out;
}

struct FakeStorage {
  std::string key;
  std::string bytes;
  int64_t numel = -1;  // -1: bytes.size() / 4 (float32)
  int64_t count() const { return numel >= 0 ? numel : static_cast<int64_t>(bytes.size() / 4); }
};

std::string TorchZip(const std::string& pickle, const std::vector<FakeStorage>& storages,
                     bool zip64 = false, uint16_t storage_method = 0, bool crc = true) {
  std::vector<ZipItem> items = {{"archive/data.pkl", pickle}};
  for (const auto& s : storages)
    items.push_back({"archive/data/" + s.key, s.bytes, storage_method});
  items.push_back({"archive/version", "3\n"});
  return MakeZip(items, zip64, crc);
}

const std::string kLegacyMagicPickle = Pickle()
                                           .Proto(2)
                                           .Byte(0x8a)
                                           .Byte(10)
                                           .Raw("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19")
                                           .Stop()
                                           .str();

std::string TorchLegacy(const std::string& state_pickle, const std::vector<FakeStorage>& storages,
                        const std::string& magic = kLegacyMagicPickle, int protocol = 1001) {
  std::string out = magic;
  out += Pickle().Proto(2).Byte('M').Raw(Le(protocol, 2)).Stop().str();
  out += Pickle()
             .Proto(2)
             .EmptyDict()
             .Mark()
             .Str("protocol_version")
             .Int(1001)
             .Str("little_endian")
             .True()
             .SetItems()
             .Stop()
             .str();
  out += state_pickle;
  Pickle keys;
  keys.Proto(2).EmptyList().Mark();
  for (const auto& s : storages) keys.Str(s.key);
  out += keys.Byte('e').Stop().str();
  for (const auto& s : storages) out += Le(s.count(), 8) + s.bytes;
  return out;
}

// Two tensors, one of them a transposed view, over two storages: small enough to truncate at
// every length.
std::vector<FakeTensor> SmallTensors() {
  return {{"a.weight", "0", 6, 0, {2, 3}}, {"b.bias", "1", 4, 1, {3}}};
}
std::vector<FakeStorage> SmallStorages() {
  return {{"0", Floats({0, 1, 2, 3, 4, 5})}, {"1", Floats({10, 11, 12, 13})}};
}

StatusOr<PytorchBinFile> OpenBytes(const TempDir& dir, const std::string& bytes) {
  const std::string path = dir.file("pytorch_model.bin");
  Spit(path, bytes);
  return PytorchBinFile::Open(path);
}

void ExpectRefused(const StatusOr<PytorchBinFile>& f, StatusCode code,
                   const std::vector<std::string>& parts) {
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), code) << f.status();
  for (const auto& p : parts)
    EXPECT_TRUE(Contains(f.status().message(), p)) << f.status() << "\nlacks: " << p;
}

// ---- The reference files.

TEST(PytorchBin, EveryModelBinFolderReadsAsItsSafetensors) {
  int checked = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(ModelBinPath("x")).parent_path().parent_path())) {
    const std::string folder = entry.path().filename().string();
    if (folder.rfind("malicious", 0) == 0) continue;
    SCOPED_TRACE(folder);
    const bool zip = folder.size() > 4 && folder.compare(folder.size() - 4, 4, "-zip") == 0;
    const bool legacy = folder.size() > 7 && folder.compare(folder.size() - 7, 7, "-legacy") == 0;
    ASSERT_TRUE(zip || legacy) << "unexpected folder " << folder;
    const std::string model = folder.substr(0, folder.size() - (zip ? 4 : 7));
    auto bin = PytorchBinFile::Open(ModelBinPath(folder));
    ASSERT_TRUE(bin.ok()) << bin.status();
    EXPECT_EQ(bin->format(), zip ? PytorchBinFile::Format::kZip : PytorchBinFile::Format::kLegacy);
    auto ref = SafetensorsFile::Open(testing::ModelVectorDir(model) + "/model.safetensors");
    ASSERT_TRUE(ref.ok()) << ref.status();
    ASSERT_EQ(bin->tensors().size(), ref->tensors().size());
    for (size_t i = 0; i < ref->tensors().size(); ++i) {
      const TensorView& a = bin->tensors()[i];
      const TensorView& b = ref->tensors()[i];
      ASSERT_EQ(a.name, b.name);
      EXPECT_EQ(a.dtype, b.dtype) << a.name;
      EXPECT_EQ(a.shape, b.shape) << a.name;
      ASSERT_EQ(a.nbytes, b.nbytes) << a.name;
      EXPECT_EQ(std::memcmp(a.data, b.data, a.nbytes), 0) << a.name << ": bytes differ";
      EXPECT_EQ(bin->Find(b.name), &a);
    }
    EXPECT_EQ(bin->Find("no.such.tensor"), nullptr);
    ++checked;
  }
  EXPECT_EQ(checked, 6) << "three models, each in both formats";
}

TEST(PytorchBin, LegacyQueryKeyValueShareOneStorage) {
  for (const char* folder : {"tiny-f32-legacy", "tiny-f16-legacy", "legacy-names-legacy"}) {
    SCOPED_TRACE(folder);
    auto f = PytorchBinFile::Open(ModelBinPath(folder));
    ASSERT_TRUE(f.ok()) << f.status();
    const std::string layer = "bert.encoder.layer.0.attention.self.";
    const TensorView* k = f->Find(layer + "key.weight");
    const TensorView* q = f->Find(layer + "query.weight");
    const TensorView* v = f->Find(layer + "value.weight");
    ASSERT_TRUE(k && q && v);
    // One storage, key at offset 0, query and value after it: the views are adjacent.
    EXPECT_EQ(k->data + k->nbytes, q->data);
    EXPECT_EQ(q->data + q->nbytes, v->data);
  }
}

TEST(PytorchBin, RefusesTheMaliciousFilesNamingTheGlobal) {
  for (const char* folder : {"malicious-zip", "malicious-legacy"}) {
    const std::string path = ModelBinPath(folder);
    ExpectRefused(PytorchBinFile::Open(path), StatusCode::kInvalidArgument,
                  {path, "'posix.system'"});
  }
}

// A state dict whose one value is `<global>(<argument>)`: what a hostile file looks like.
std::string CallingPickle(const std::string& module, const std::string& name,
                          const std::string& argument, int how) {
  Pickle p;
  p.Proto(how == 1 ? 4 : 2).Global("collections", "OrderedDict").EmptyTuple().Reduce().Str("w");
  switch (how) {
    case 0:
      p.Global(module, name).Str(argument).Tuple1().Reduce();
      break;
    case 1:
      p.ShortStr(module).ShortStr(name).Byte(0x93).Str(argument).Tuple1().Reduce();
      break;  // STACK_GLOBAL
    case 2:
      p.Mark().Str(argument).Byte('i').Raw(module + "\n" + name + "\n");
      break;  // INST
  }
  return p.SetItem().Stop().str();
}

TEST(PytorchBin, NothingInARefusedFileRuns) {
  TempDir dir;
  const std::string marker = dir.file("marker");
  const std::string command = "touch " + marker;
  // Control: the command does create the marker when something runs it, so a loader that
  // ran it would be caught below.
  ASSERT_EQ(std::system(("touch " + dir.file("control")).c_str()), 0);
  ASSERT_TRUE(fs::exists(dir.file("control")));

  const std::vector<std::pair<std::string, std::string>> calls = {
      {"posix", "system"}, {"os", "system"}, {"nt", "system"}, {"subprocess", "getoutput"}};
  for (const auto& [module, name] : calls) {
    for (int how = 0; how < 3; ++how) {
      SCOPED_TRACE(module + "." + name + " form " + std::to_string(how));
      const std::string pickle = CallingPickle(module, name, command, how);
      const std::string path = dir.file("pytorch_model.bin");
      Spit(path, pickle);  // as the malicious-legacy file: a bare pickle
      ExpectRefused(PytorchBinFile::Open(path), StatusCode::kInvalidArgument,
                    {path, "'" + module + "." + name + "'"});
      Spit(path, TorchZip(pickle, {}));
      ExpectRefused(PytorchBinFile::Open(path), StatusCode::kInvalidArgument,
                    {path, "'" + module + "." + name + "'"});
      EXPECT_FALSE(fs::exists(marker));
    }
  }
  // eval of Python source, for completeness.
  ExpectRefused(OpenBytes(dir, CallingPickle("builtins", "eval",
                                             "__import__('os').system('" + command + "')", 0)),
                StatusCode::kInvalidArgument, {"'builtins.eval'"});
  EXPECT_FALSE(fs::exists(marker));
}

TEST(PytorchBin, RefusesEveryGlobalOutsideTheAllowList) {
  TempDir dir;
  for (const char* g :
       {"builtins.getattr", "__builtin__.eval", "torch._utils._rebuild_qtensor", "torch.load",
        "collections.defaultdict", "torch.nn.modules.linear.Linear", "torch.FloatTensor",
        "torch._utils._rebuild_parameter_with_state", "copyreg._reconstructor"}) {
    const std::string full = g;
    const size_t dot = full.rfind('.');
    Pickle p;
    p.Proto(2).Global(full.substr(0, dot), full.substr(dot + 1)).Stop();
    ExpectRefused(OpenBytes(dir, p.str()), StatusCode::kInvalidArgument, {"'" + full + "'"});
  }
}

// ---- Hand-made state dicts: the parts of the format the reference files do not show.

TEST(PytorchBin, ReadsHandMadeZipAndLegacyFiles) {
  TempDir dir;
  // a.weight [2, 3]; b.bias [3] at offset 1 of a 4-element storage.
  for (bool legacy : {false, true}) {
    for (bool zip64 : {false, true}) {
      if (legacy && zip64) continue;
      SCOPED_TRACE(std::string(legacy ? "legacy" : "zip") + (zip64 ? " zip64" : ""));
      const std::string pickle = StateDictPickle(SmallTensors(), legacy);
      auto f = OpenBytes(dir, legacy ? TorchLegacy(pickle, SmallStorages())
                                     : TorchZip(pickle, SmallStorages(), zip64));
      ASSERT_TRUE(f.ok()) << f.status();
      ASSERT_EQ(f->tensors().size(), 2u);
      EXPECT_EQ(f->tensors()[0].name, "a.weight");
      EXPECT_EQ(f->tensors()[0].shape, (std::vector<int64_t>{2, 3}));
      EXPECT_EQ(ToFloats(f->tensors()[0]), (std::vector<float>{0, 1, 2, 3, 4, 5}));
      EXPECT_EQ(ToFloats(*f->Find("b.bias")), (std::vector<float>{11, 12, 13}));
    }
  }
}

TEST(PytorchBin, MaterialisesNonContiguousTensors) {
  TempDir dir;
  const std::vector<FakeTensor> tensors = {
      {"t", "0", 6, 0, {3, 2}, {1, 3}},  // the transpose of a [2, 3] matrix
      {"e", "1", 2, 0, {2, 2}, {0, 1}},  // an expanded row: stride 0
      {"s", "0", 6, 1, {2}, {2}},        // every other element from offset 1
  };
  const std::vector<FakeStorage> storages = {{"0", Floats({0, 1, 2, 3, 4, 5})},
                                             {"1", Floats({7, 8})}};
  for (bool legacy : {false, true}) {
    const std::string pickle = StateDictPickle(tensors, legacy);
    auto f = OpenBytes(dir, legacy ? TorchLegacy(pickle, storages) : TorchZip(pickle, storages));
    ASSERT_TRUE(f.ok()) << f.status();
    // Moving the file keeps its views valid, the materialised ones included.
    PytorchBinFile moved = std::move(f).value();
    EXPECT_EQ(ToFloats(*moved.Find("t")), (std::vector<float>{0, 3, 1, 4, 2, 5}));
    EXPECT_EQ(ToFloats(*moved.Find("e")), (std::vector<float>{7, 8, 7, 8}));
    EXPECT_EQ(ToFloats(*moved.Find("s")), (std::vector<float>{1, 3}));
  }
  // An expanded view that would need far more memory than the file is refused, not allocated.
  const std::vector<FakeTensor> huge = {{"huge", "0", 1, 0, {int64_t{1} << 40}, {0}}};
  ExpectRefused(OpenBytes(dir, TorchZip(StateDictPickle(huge, false), {{"0", Floats({1})}})),
                StatusCode::kInvalidArgument, {"'huge'", "non-contiguous"});
}

TEST(PytorchBin, LegacyViewMetadataSelectsAWindowOfTheStorage) {
  TempDir dir;
  // Root storage "r" of 10 floats; view "v" = elements [4, 10); the tensor is v[1:4].
  FakeTensor t{"w", "r", 10, 1, {3}};
  t.view = std::make_tuple(std::string("v"), int64_t{4}, int64_t{6});
  const std::vector<FakeStorage> storages = {{"r", Floats({0, 1, 2, 3, 4, 5, 6, 7, 8, 9})}};
  auto f = OpenBytes(dir, TorchLegacy(StateDictPickle({t}, true), storages));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(ToFloats(*f->Find("w")), (std::vector<float>{5, 6, 7}));
  // The bounds are those of the view, not of the root storage.
  t.size = {6};
  ExpectRefused(OpenBytes(dir, TorchLegacy(StateDictPickle({t}, true), storages)),
                StatusCode::kDataLoss, {"tensor 'w'", "storage 'r' has 6"});
  // A view outside its storage.
  t.view = std::make_tuple(std::string("v"), int64_t{8}, int64_t{6});
  ExpectRefused(OpenBytes(dir, TorchLegacy(StateDictPickle({t}, true), storages)),
                StatusCode::kDataLoss, {"view"});
}

TEST(PytorchBin, MapsEveryStorageTypeToItsDType) {
  TempDir dir;
  const std::vector<std::tuple<const char*, DType, size_t>> types = {
      {"FloatStorage", DType::kF32, 4},     {"HalfStorage", DType::kF16, 2},
      {"BFloat16Storage", DType::kBF16, 2}, {"DoubleStorage", DType::kF64, 8},
      {"LongStorage", DType::kI64, 8},      {"IntStorage", DType::kI32, 4},
      {"ShortStorage", DType::kI16, 2},     {"CharStorage", DType::kI8, 1},
      {"ByteStorage", DType::kU8, 1},       {"BoolStorage", DType::kBool, 1}};
  for (const auto& [type, dtype, size] : types) {
    SCOPED_TRACE(type);
    FakeTensor t{"x", "0", 3, 0, {3}};
    t.storage_type = type;
    const std::string bytes(3 * size, '\x01');
    auto f = OpenBytes(dir, TorchZip(StateDictPickle({t}, false), {{"0", bytes}}));
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_EQ(f->Find("x")->dtype, dtype);
    EXPECT_EQ(f->Find("x")->nbytes, 3 * size);
  }
}

TEST(PytorchBin, ReadsProtocol4ParametersAndStateDictMetadata) {
  TempDir dir;
  // What torch.save(..., pickle_protocol=4) of nn.Parameters with `_metadata` looks like:
  // FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE, _rebuild_parameter, BUILD.
  Pickle p;
  p.Proto(4).Byte(0x95).Raw(Le(0, 8));
  p.ShortStr("collections")
      .ShortStr("OrderedDict")
      .Byte(0x93)
      .Byte(0x94)
      .EmptyTuple()
      .Reduce()
      .Byte(0x94);
  p.ShortStr("p").ShortStr("torch._utils").ShortStr("_rebuild_parameter").Byte(0x93).Mark();
  FakeTensor t{"", "0", 2, 0, {2}};
  Pickle inner;
  EmitTensor(inner, t, false);
  p.Raw(inner.str()).True().Byte('h').Byte(0).EmptyTuple().Reduce().Tuple().Reduce().SetItem();
  // state = {'_metadata': OrderedDict([('', {'version': 1})])}
  p.EmptyDict()
      .ShortStr("_metadata")
      .Byte('h')
      .Byte(0)
      .EmptyTuple()
      .Reduce()
      .ShortStr("")
      .EmptyDict()
      .ShortStr("version")
      .Int(1)
      .SetItem()
      .SetItem()
      .SetItem()
      .Build()
      .Stop();
  auto f = OpenBytes(dir, TorchZip(p.str(), {{"0", Floats({3, 4})}}));
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->tensors().size(), 1u);
  EXPECT_EQ(ToFloats(*f->Find("p")), (std::vector<float>{3, 4}));
}

TEST(PytorchBin, ReadsTheSpellingsOfOlderPyTorch) {
  TempDir dir;
  FakeTensor cuda{"gpu", "0", 2, 0, {2}};
  cuda.storage_module = "torch.cuda";
  FakeTensor v1{"v1", "1", 4, 1, {3}};
  v1.v1 = true;
  const std::string pickle = StateDictPickle({cuda, v1}, true);
  auto f =
      OpenBytes(dir, TorchLegacy(pickle, {{"0", Floats({1, 2})}, {"1", Floats({3, 4, 5, 6})}}));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(ToFloats(*f->Find("gpu")), (std::vector<float>{1, 2}));
  EXPECT_EQ(ToFloats(*f->Find("v1")), (std::vector<float>{4, 5, 6}));
  // Other torch submodules are not storage types.
  cuda.storage_module = "torch.nn";
  ExpectRefused(OpenBytes(dir, TorchLegacy(StateDictPickle({cuda}, true), {{"0", Floats({1, 2})}})),
                StatusCode::kInvalidArgument, {"'torch.nn.FloatStorage'"});
}

// ---- Refusals and corruption.

TEST(PytorchBin, RefusesCompressedEntries) {
  TempDir dir;
  const std::string pickle = StateDictPickle(SmallTensors(), false);
  ExpectRefused(OpenBytes(dir, TorchZip(pickle, SmallStorages(), false, /*storage_method=*/8)),
                StatusCode::kInvalidArgument, {"'archive/data/", "compressed (method 8)"});
  ExpectRefused(OpenBytes(dir, MakeZip({{"archive/data.pkl", pickle, 8}}, false)),
                StatusCode::kInvalidArgument, {"'archive/data.pkl'", "compressed"});
}

TEST(PytorchBin, AStorageTooSmallForItsTensorIsDataLossNamingTheTensor) {
  TempDir dir;
  struct Case {
    FakeTensor t;
    const char* what;
  };
  const std::vector<Case> cases = {
      {{"w", "0", 6, 0, {7}}, "7 elements"},                      // too long
      {{"w", "0", 6, 4, {3}}, "7 elements"},                      // offset pushes it past the end
      {{"w", "0", 6, 0, {2, 3}, {5, 1}}, "8 elements"},           // strides reach past the end
      {{"w", "0", 6, 0, {int64_t{1} << 62, 4}}, "more elements than a tensor can hold"},  // shape overflows
      {{"w", "0", 6, 0, {4, 1}, {INT64_MAX, 1}}, "overflowing"},  // the strides' span overflows
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    for (bool legacy : {false, true}) {
      const std::string pickle = StateDictPickle({c.t}, legacy);
      const std::vector<FakeStorage> storages = {{"0", Floats({0, 1, 2, 3, 4, 5})}};
      ExpectRefused(
          OpenBytes(dir, legacy ? TorchLegacy(pickle, storages) : TorchZip(pickle, storages)),
          StatusCode::kDataLoss, {dir.file("pytorch_model.bin"), "tensor 'w'", c.what});
    }
  }
  // A storage entry shorter than its persistent id says.
  FakeTensor t{"w", "0", 6, 0, {6}};
  ExpectRefused(OpenBytes(dir, TorchZip(StateDictPickle({t}, false), {{"0", Floats({1, 2})}})),
                StatusCode::kDataLoss, {"storage '0'", "24 bytes", "holds 8 bytes"});
}

TEST(PytorchBin, CorruptLegacyStructureIsDataLoss) {
  TempDir dir;
  const std::string pickle = StateDictPickle(SmallTensors(), true);
  auto storages = SmallStorages();
  const std::string path = dir.file("pytorch_model.bin");
  // Wrong magic number.
  std::string bad_magic = kLegacyMagicPickle;
  bad_magic[6] ^= 1;
  ExpectRefused(OpenBytes(dir, TorchLegacy(pickle, storages, bad_magic)), StatusCode::kDataLoss,
                {path, "magic"});
  // Wrong protocol version.
  ExpectRefused(OpenBytes(dir, TorchLegacy(pickle, storages, kLegacyMagicPickle, 1000)),
                StatusCode::kDataLoss, {"protocol version"});
  // An element count that disagrees with the persistent id.
  auto wrong_count = storages;
  wrong_count[1].numel = 5;
  wrong_count[1].bytes += Floats({14});
  ExpectRefused(OpenBytes(dir, TorchLegacy(pickle, wrong_count)), StatusCode::kDataLoss,
                {"storage '1'", "records 5 elements"});
  // A storage a tensor needs is not in the key list; a listed key nothing refers to.
  ExpectRefused(OpenBytes(dir, TorchLegacy(pickle, {storages[0]})), StatusCode::kDataLoss,
                {"storage '1'", "missing"});
  auto extra = storages;
  extra.push_back({"9", Floats({1})});
  ExpectRefused(OpenBytes(dir, TorchLegacy(pickle, extra)), StatusCode::kDataLoss, {"storage '9'"});
  // An unknown opcode in the state dict pickle.
  std::string garbage = pickle;
  garbage[2] = '\xff';
  ExpectRefused(OpenBytes(dir, TorchLegacy(garbage, storages)), StatusCode::kDataLoss,
                {path, "opcode 0xff"});
}

TEST(PytorchBin, CorruptBytesInAZipFailTheirCrc) {
  TempDir dir;
  const std::string original = Slurp(ModelBinPath("tiny-f32-zip"));
  auto ref = SafetensorsFile::Open(testing::ModelVectorDir("tiny-f32") + "/model.safetensors");
  ASSERT_TRUE(ref.ok());
  // One byte of a tensor name (in data.pkl), and one byte of a weight (in a storage entry).
  const size_t in_pickle = original.find("bert.embeddings.LayerNorm.bias");
  const TensorView* w = ref->Find("classifier.weight");
  const size_t in_weights = original.find(std::string(w->data, 64));
  ASSERT_NE(in_pickle, std::string::npos);
  ASSERT_NE(in_weights, std::string::npos);
  for (size_t at : {in_pickle + 5, in_weights + 17}) {
    std::string bytes = original;
    bytes[at] ^= 0x20;
    ExpectRefused(OpenBytes(dir, bytes), StatusCode::kDataLoss,
                  {dir.file("pytorch_model.bin"), "CRC-32"});
  }
}

TEST(PytorchBin, AZipWithoutChecksumsLoads) {
  // torch.save after torch.serialization.set_crc32_options(False) records every CRC as 0.
  TempDir dir;
  auto f = OpenBytes(dir, TorchZip(StateDictPickle(SmallTensors(), false), SmallStorages(), false,
                                   0, /*crc=*/false));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(ToFloats(*f->Find("b.bias")), (std::vector<float>{11, 12, 13}));
  // With checksums, the same bytes under a wrong one are refused.
  std::string zip = TorchZip(StateDictPickle(SmallTensors(), false), SmallStorages());
  const size_t at = zip.find(Floats({10, 11, 12, 13}));
  ASSERT_NE(at, std::string::npos);
  zip[at] ^= 1;
  ExpectRefused(OpenBytes(dir, zip), StatusCode::kDataLoss, {"'archive/data/1'", "CRC-32"});
}

TEST(PytorchBin, OtherFilesAreNamedErrors) {
  TempDir dir;
  const std::string path = dir.file("pytorch_model.bin");
  ExpectRefused(OpenBytes(dir, ""), StatusCode::kDataLoss, {path, "empty"});
  ExpectRefused(OpenBytes(dir, "hello, world\n"), StatusCode::kDataLoss, {path});
  ExpectRefused(
      OpenBytes(dir, "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 440\n"),
      StatusCode::kInvalidArgument, {path, "Git LFS"});
  EXPECT_FALSE(PytorchBinFile::Open(dir.file("absent.bin")).ok());
  // Well-formed pickles that are not state dicts.
  ExpectRefused(OpenBytes(dir, TorchZip(Pickle().Proto(2).EmptyList().Stop().str(), {})),
                StatusCode::kInvalidArgument, {"not a state dict"});
  ExpectRefused(
      OpenBytes(
          dir,
          TorchZip(Pickle().Proto(2).EmptyDict().Str("epoch").Int(3).SetItem().Stop().str(), {})),
      StatusCode::kInvalidArgument, {"'epoch'", "not a tensor"});
}

TEST(PytorchBin, HostilePicklesHitLimitsNotMemory) {
  TempDir dir;
  auto open_pickle = [&](const std::string& p) { return OpenBytes(dir, TorchZip(p, {})); };
  // Marks nested without end.
  ExpectRefused(open_pickle(Pickle().Proto(2).Raw(std::string(100000, '(')).Stop().str()),
                StatusCode::kInvalidArgument, {"MARK"});
  // A memo index of 4 billion.
  ExpectRefused(
      open_pickle(Pickle().Proto(2).None().Byte('r').Raw(Le(0xffffffffu, 4)).Stop().str()),
      StatusCode::kInvalidArgument, {"memo index"});
  // Two million references to one object.
  {
    Pickle p;
    p.Proto(2).None().Put(0);
    std::string gets;
    for (int i = 0; i < 2'000'000; ++i) gets.append("h\0", 2);
    ExpectRefused(open_pickle(p.Raw(gets).Stop().str()), StatusCode::kInvalidArgument,
                  {"stack deeper"});
  }
  // A string longer than the input, a memo key never set, a stack underflow.
  ExpectRefused(open_pickle(Pickle().Proto(2).Byte('X').Raw(Le(0xffffffffu, 4)).Stop().str()),
                StatusCode::kDataLoss, {"truncated"});
  ExpectRefused(open_pickle(Pickle().Proto(2).Get(7).Stop().str()), StatusCode::kDataLoss,
                {"memo key 7"});
  ExpectRefused(open_pickle(Pickle().Proto(2).Reduce().Stop().str()), StatusCode::kDataLoss,
                {"underflow"});
  // A list that contains itself: no recursion, no leak (the suite runs under ASan).
  ExpectRefused(open_pickle(Pickle().Proto(2).EmptyList().Put(0).Get(0).Append().Stop().str()),
                StatusCode::kInvalidArgument, {"not a state dict"});
  // A persistent id that is not a storage (a pickled module in the legacy format).
  ExpectRefused(open_pickle(Pickle().Proto(2).Mark().Str("module").Tuple().PersId().Stop().str()),
                StatusCode::kInvalidArgument, {"'module'"});
}

// ---- Truncation and fuzzing: never a crash, always a named error.

// Truncates the file at `path` (holding `bytes`) to each of `lengths`, longest first.
void ExpectTruncationsAreDataLoss(const std::string& path, const std::string& bytes,
                                  std::vector<size_t> lengths, size_t invalid_from = SIZE_MAX) {
  Spit(path, bytes);
  std::sort(lengths.rbegin(), lengths.rend());
  for (size_t len : lengths) {
    ASSERT_LT(len, bytes.size());
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(len)), 0);
    auto f = PytorchBinFile::Open(path);
    ASSERT_FALSE(f.ok()) << "prefix of " << len << " bytes loaded";
    // A bare hostile pickle cut after its forbidden global is refused for that global.
    const StatusCode want =
        len >= invalid_from ? StatusCode::kInvalidArgument : StatusCode::kDataLoss;
    ASSERT_EQ(f.status().code(), want) << "prefix of " << len << " bytes: " << f.status();
    ASSERT_TRUE(Contains(f.status().message(), path)) << f.status();
  }
}

std::vector<size_t> AllUpTo(size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

TEST(PytorchBin, EveryPrefixOfASmallFileIsDataLoss) {
  TempDir dir;
  const std::string path = dir.file("pytorch_model.bin");
  const std::string legacy = TorchLegacy(StateDictPickle(SmallTensors(), true), SmallStorages());
  ExpectTruncationsAreDataLoss(path, legacy, AllUpTo(legacy.size()));
  const std::string zip = TorchZip(StateDictPickle(SmallTensors(), false), SmallStorages());
  ExpectTruncationsAreDataLoss(path, zip, AllUpTo(zip.size()));
  const std::string zip64 = TorchZip(StateDictPickle(SmallTensors(), false), SmallStorages(), true);
  ExpectTruncationsAreDataLoss(path, zip64, AllUpTo(zip64.size()));
  // The malicious files: the zip loses its directory; the bare pickle is refused for posix.system
  // once its GLOBAL line is complete, and is DATA_LOSS before.
  const std::string mzip = Slurp(ModelBinPath("malicious-zip"));
  ExpectTruncationsAreDataLoss(path, mzip, AllUpTo(mzip.size()));
  const std::string mlegacy = Slurp(ModelBinPath("malicious-legacy"));
  const size_t global_end = mlegacy.find("posix\nsystem\n") + std::string("posix\nsystem\n").size();
  ExpectTruncationsAreDataLoss(path, mlegacy, AllUpTo(mlegacy.size()), global_end);
}

TEST(PytorchBin, ManyPrefixesOfTheReferenceFilesAreDataLoss) {
  TempDir dir;
  const std::string path = dir.file("pytorch_model.bin");
  // (folder, where its pickles end). Legacy: every length through the three header pickles
  // and the first tensors (all the opcodes torch writes, memo included), every 7th through
  // the rest of the pickles. Both: a spread through the storages, and every one of the last
  // 300 bytes (the last storage; the zip's central directory, which any cut loses).
  for (const auto& [folder, pickles_end] :
       {std::pair{"tiny-f32-legacy", 5337}, {"tiny-f16-zip", 0}}) {
    SCOPED_TRACE(folder);
    const std::string bytes = Slurp(ModelBinPath(folder));
    std::vector<size_t> lengths = AllUpTo(std::min(pickles_end, 1200));
    for (int len = 1200; len < pickles_end + 16; len += 7) lengths.push_back(len);
    for (size_t len = pickles_end + 16; len + 300 < bytes.size(); len += 97) lengths.push_back(len);
    for (size_t len = bytes.size() - 300; len < bytes.size(); ++len) lengths.push_back(len);
    ExpectTruncationsAreDataLoss(path, bytes, lengths);
  }
}

// Flips random bytes of `original` in [begin, end), `rounds` times; each result must open or
// fail with a named error, never crash, and an opened file's tensors must be readable.
void FuzzFlips(const std::string& original, size_t begin, size_t end, int rounds, uint32_t seed,
               int* errors) {
  TempDir dir;
  const std::string path = dir.file("pytorch_model.bin");
  Spit(path, original);
  const int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> where(begin, end - 1);
  std::uniform_int_distribution<int> count(1, 4), value(0, 255);
  for (int r = 0; r < rounds; ++r) {
    std::vector<size_t> at(count(rng));
    for (auto& a : at) {
      a = where(rng);
      const char c = static_cast<char>(value(rng));
      ASSERT_EQ(::pwrite(fd, &c, 1, static_cast<off_t>(a)), 1);
    }
    auto f = PytorchBinFile::Open(path);
    if (f.ok()) {
      volatile unsigned sum = 0;  // reads every byte: a view past its buffer would fault
      for (const auto& t : f->tensors()) {
        for (size_t i = 0; i < t.nbytes; ++i) sum = sum + static_cast<unsigned char>(t.data[i]);
      }
    } else {
      ++*errors;
      ASSERT_TRUE(f.status().code() == StatusCode::kDataLoss ||
                  f.status().code() == StatusCode::kInvalidArgument)
          << f.status();
      ASSERT_TRUE(Contains(f.status().message(), path)) << f.status();
    }
    for (size_t a : at) ASSERT_EQ(::pwrite(fd, &original[a], 1, static_cast<off_t>(a)), 1);
  }
  ::close(fd);
}

TEST(PytorchBin, RandomByteFlipsNeverCrash) {
  int errors = 0;
  // The legacy pickles (the unpickler's input, unprotected by checksums).
  const std::string legacy = Slurp(ModelBinPath("tiny-f32-legacy"));
  FuzzFlips(legacy, 0, 5400, 1500, 1, &errors);
  EXPECT_GT(errors, 750) << "most flips in the pickles should be caught";
  // A whole zip, and its central directory in particular.
  errors = 0;
  const std::string zip = Slurp(ModelBinPath("tiny-f16-zip"));
  FuzzFlips(zip, 0, zip.size(), 400, 2, &errors);
  FuzzFlips(zip, zip.size() - 4000, zip.size(), 400, 3, &errors);
  EXPECT_GT(errors, 600);
  // A zip whose pickle is corrupt but whose CRC matches: the unpickler behind the zip reader.
  const std::string pickle = StateDictPickle(SmallTensors(), false);
  TempDir dir;
  std::mt19937 rng(4);
  int loaded = 0;
  for (int r = 0; r < 1500; ++r) {
    std::string p = pickle;
    for (int k = 0; k < 1 + r % 3; ++k) p[rng() % p.size()] = static_cast<char>(rng());
    auto f = OpenBytes(dir, TorchZip(p, SmallStorages()));
    if (f.ok()) {
      ++loaded;
      for (const auto& t : f->tensors()) ASSERT_EQ(ToFloats(t).size() * 4, t.nbytes);
    } else {
      ASSERT_TRUE(f.status().code() == StatusCode::kDataLoss ||
                  f.status().code() == StatusCode::kInvalidArgument)
          << f.status();
    }
  }
  EXPECT_GT(loaded, 0) << "some flips (in names, in unused values) leave a loadable file";
}

}  // namespace
}  // namespace bioner
