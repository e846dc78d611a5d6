#include "core/model/pytorch_bin.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "core/model/restricted_pickle.h"
#include "core/model/stored_zip.h"

namespace bioner {
namespace {

using model_internal::PickleValue;
using model_internal::PrintableForMessage;
using model_internal::StorageRef;
using model_internal::TensorRef;
using model_internal::Unpickler;
using Kind = PickleValue::Kind;

// torch.serialization: MAGIC_NUMBER = 0x1950a86a20f9469cfc6c (pickled as a 10-byte LONG1,
// little-endian) and PROTOCOL_VERSION = 1001.
constexpr unsigned char kLegacyMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9,
                                          0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr int64_t kLegacyProtocolVersion = 1001;

// A storage bound to bytes: `numel` elements of its dtype at `data`.
struct StorageBytes {
  const char* data = nullptr;
  uint64_t numel = 0;
};
using StorageResolver = std::function<StatusOr<StorageBytes>(const StorageRef&)>;

std::string Quoted(std::string_view s) { return "'" + PrintableForMessage(s) + "'"; }

bool IsString(const PickleValue* v) { return v->kind == Kind::kString || v->kind == Kind::kBytes; }

const PickleValue* DictGet(const PickleValue& dict, std::string_view key) {
  for (const auto& [k, v] : dict.entries) {
    if (IsString(k) && k->text == key) return v;
  }
  return nullptr;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

// Builds a PytorchBinFile: parses, then binds every tensor of the state dict to its bytes.
class PytorchBinBuilder {
 public:
  explicit PytorchBinBuilder(PytorchBinFile* f) : f_(*f), path_(f->path()) {}

  Status ReadZip();
  Status ReadLegacy();

 private:
  // Checks the state dict `root` and binds each tensor through `resolve`.
  Status Assemble(const PickleValue& root, const StorageResolver& resolve);
  Status Bind(const std::string& name, const TensorRef& ref, StorageBytes storage);
  // Note that the same key names the same storage everywhere (dtype and size included).
  Status CheckSameStorage(std::map<std::string, const StorageRef*>& seen, const StorageRef& s);

  PytorchBinFile& f_;
  const std::string& path_;
  uint64_t materialised_ = 0;
};

Status PytorchBinBuilder::CheckSameStorage(std::map<std::string, const StorageRef*>& seen,
                                           const StorageRef& s) {
  auto [it, fresh] = seen.emplace(s.key, &s);
  if (!fresh && (it->second->dtype != s.dtype || it->second->numel != s.numel)) {
    return DataLoss(path_ + ": storage " + Quoted(s.key) + " is referenced both as " +
                    it->second->type_name + " of " + std::to_string(it->second->numel) +
                    " elements and as " + s.type_name + " of " + std::to_string(s.numel));
  }
  return Status::Ok();
}

Status PytorchBinBuilder::Assemble(const PickleValue& root, const StorageResolver& resolve) {
  if (root.kind != Kind::kDict) {
    return InvalidArgument(path_ + ": holds a pickled " + PickleKindName(root.kind) +
                           ", not a state dict (a dict of tensors)");
  }
  std::map<std::string, const TensorRef*> by_name;  // sorted; a repeated key wins, as in Python
  for (const auto& [k, v] : root.entries) {
    if (!IsString(k)) {
      return InvalidArgument(path_ + ": state dict has a key of type " + PickleKindName(k->kind) +
                             ", not str");
    }
    if (v->kind != Kind::kTensor) {
      return InvalidArgument(
          path_ + ": state dict entry " + Quoted(k->text) + " is a " + PickleKindName(v->kind) +
          ", not a tensor (a training checkpoint rather than a model's state dict?)");
    }
    by_name[k->text] = v->tensor;
  }
  for (const auto& [name, ref] : by_name) {
    ASSIGN_OR_RETURN(StorageBytes bytes, resolve(*ref->storage));
    if (ref->storage->has_view) {  // legacy view: a window of the root storage
      bytes.data += ref->storage->view_offset * DTypeSize(ref->storage->dtype);
      bytes.numel = ref->storage->view_numel;
    }
    RETURN_IF_ERROR(Bind(name, *ref, bytes));
  }
  return Status::Ok();
}

Status PytorchBinBuilder::Bind(const std::string& name, const TensorRef& ref,
                               StorageBytes storage) {
  const std::string where = path_ + ": tensor " + Quoted(name);
  const size_t elem = DTypeSize(ref.storage->dtype);
  TensorView t;
  t.name = name;
  t.dtype = ref.storage->dtype;
  t.shape = ref.size;
  if (!ShapeFitsInt64(ref.size)) {
    return DataLoss(where + ": shape " + ShapeToString(ref.size) +
                    " has more elements than a tensor can hold");
  }
  uint64_t numel = 1;
  for (int64_t d : ref.size) {
    if (__builtin_mul_overflow(numel, static_cast<uint64_t>(d), &numel)) {
      return DataLoss(where + ": shape " + ShapeToString(ref.size) + " overflows");
    }
  }
  uint64_t nbytes = 0;
  if (__builtin_mul_overflow(numel, elem, &nbytes)) return DataLoss(where + ": size overflows");
  if (numel == 0) {
    t.data = storage.data;
    f_.tensors_.push_back(std::move(t));
    return Status::Ok();
  }
  // The last element's index in the storage, and whether the layout is row-major contiguous.
  uint64_t last = static_cast<uint64_t>(ref.offset), expected_stride = 1;
  bool contiguous = true;
  bool overflow = false;
  for (size_t d = ref.size.size(); d-- > 0;) {
    const auto size = static_cast<uint64_t>(ref.size[d]),
               stride = static_cast<uint64_t>(ref.stride[d]);
    uint64_t span = 0;
    overflow |= __builtin_mul_overflow(size - 1, stride, &span) ||
                __builtin_add_overflow(last, span, &last);
    if (size != 1 && stride != expected_stride) contiguous = false;
    expected_stride *= size;  // cannot overflow: bounded by numel
  }
  if (overflow || last >= storage.numel) {
    return DataLoss(
        where + ": size " + ShapeToString(ref.size) + ", stride " + ShapeToString(ref.stride) +
        " and offset " + std::to_string(ref.offset) + " need " +
        (overflow ? std::string("an overflowing number of") : std::to_string(last + 1)) +
        " elements but its storage " + Quoted(ref.storage->key) + " has " +
        std::to_string(storage.numel));
  }
  if (contiguous) {
    t.data = storage.data + ref.offset * elem;
    t.nbytes = nbytes;
    f_.tensors_.push_back(std::move(t));
    return Status::Ok();
  }
  // Non-contiguous (a transposed or expanded view): copy into row-major order. Bounded, so
  // that stride-0 views cannot turn a small file into a huge allocation.
  if (nbytes > f_.file_.size() || materialised_ + nbytes > f_.file_.size()) {
    return InvalidArgument(where + ": non-contiguous (stride " + ShapeToString(ref.stride) +
                           " for size " + ShapeToString(ref.size) +
                           ") and copying it contiguous would take more memory than "
                           "the file's size");
  }
  materialised_ += nbytes;
  auto buf = std::make_unique<char[]>(nbytes);
  const size_t ndim = ref.size.size();
  std::vector<int64_t> index(ndim, 0);
  int64_t src = ref.offset;
  for (uint64_t i = 0; i < numel; ++i) {
    std::memcpy(buf.get() + i * elem, storage.data + src * elem, elem);
    for (size_t d = ndim; d-- > 0;) {  // odometer step: all indices stay within the checked span
      if (++index[d] < ref.size[d]) {
        src += ref.stride[d];
        break;
      }
      src -= ref.stride[d] * (ref.size[d] - 1);
      index[d] = 0;
    }
  }
  t.data = buf.get();
  t.nbytes = nbytes;
  f_.owned_.push_back(std::move(buf));
  f_.tensors_.push_back(std::move(t));
  return Status::Ok();
}

Status PytorchBinBuilder::ReadZip() {
  const char* data = f_.file_.data();
  ASSIGN_OR_RETURN(auto entries, model_internal::ReadZipDirectory(path_, data, f_.file_.size()));
  std::map<std::string, const model_internal::ZipEntry*> by_name;
  for (const auto& e : entries) {
    if (!by_name.emplace(e.name, &e).second)
      return DataLoss(path_ + ": zip entry " + Quoted(e.name) + " appears twice");
  }
  // Every record lies under one top-level folder, named after the file torch.save wrote.
  const size_t slash = entries.empty() ? std::string::npos : entries[0].name.find('/');
  if (slash == std::string::npos) {
    return DataLoss(path_ +
                    ": zip archive without a top-level folder: not a torch.save checkpoint");
  }
  const std::string prefix = entries[0].name.substr(0, slash + 1);
  // The bytes of an entry: stored, not encrypted, CRC-32 checked.
  auto bytes_of = [&](const model_internal::ZipEntry& e) -> StatusOr<std::string_view> {
    if (e.method != 0 || (e.flags & 1)) {
      return InvalidArgument(path_ + ": zip entry " + Quoted(e.name) + " is " +
                             ((e.flags & 1)
                                  ? std::string("encrypted")
                                  : "compressed (method " + std::to_string(e.method) + ")") +
                             "; torch.save stores entries uncompressed: re-save it with torch.save "
                             "(or as model.safetensors) instead of re-zipping it");
    }
    const char* p = data + e.data_offset;
    // torch.save records 0 when told not to compute checksums (set_crc32_options(False),
    // PyTorch >= 2.4), and torch.load accepts that; so do we.
    if (e.crc32 != 0 && model_internal::Crc32(p, e.size) != e.crc32) {
      return DataLoss(path_ + ": zip entry " + Quoted(e.name) +
                      " fails its CRC-32 check: the file is corrupt");
    }
    return std::string_view(p, e.size);
  };
  auto find = [&](const std::string& name) -> const model_internal::ZipEntry* {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
  };

  for (const char* version_name : {"version", ".data/version"}) {
    if (const auto* e = find(prefix + version_name)) {
      ASSIGN_OR_RETURN(std::string_view v, bytes_of(*e));
      if (v.empty() || v.size() > 20 || !std::all_of(v.begin(), v.end(), [](char c) {
            return (c >= '0' && c <= '9') || c == '\n';
          })) {
        return DataLoss(path_ + ": zip entry " + Quoted(e->name) + " is not a version number");
      }
    }
  }
  if (const auto* e = find(prefix + "byteorder")) {
    ASSIGN_OR_RETURN(std::string_view order, bytes_of(*e));
    if (order != "little") {
      return InvalidArgument(path_ + ": written with byte order " + Quoted(order) +
                             "; only little-endian is supported");
    }
  }
  const auto* pkl = find(prefix + "data.pkl");
  if (!pkl)
    return DataLoss(path_ + ": zip archive has no " + Quoted(prefix + "data.pkl") +
                    ": not a torch.save checkpoint");
  ASSIGN_OR_RETURN(std::string_view pickle, bytes_of(*pkl));
  Unpickler unpickler(path_ + " (entry " + Quoted(pkl->name) + ")", pickle);
  size_t pos = 0;
  ASSIGN_OR_RETURN(const PickleValue* root, unpickler.Load(&pos));

  std::map<std::string, const StorageRef*> seen;
  for (const StorageRef& s : unpickler.storages()) RETURN_IF_ERROR(CheckSameStorage(seen, s));
  std::map<std::string, StorageBytes> verified;  // each storage's CRC is checked once
  return Assemble(*root, [&](const StorageRef& s) -> StatusOr<StorageBytes> {
    if (auto it = verified.find(s.key); it != verified.end()) return it->second;
    const std::string name = prefix + "data/" + s.key;
    const auto* e = find(name);
    if (!e)
      return DataLoss(path_ + ": storage " + Quoted(s.key) + " has no zip entry " + Quoted(name));
    ASSIGN_OR_RETURN(std::string_view bytes, bytes_of(*e));
    const uint64_t want =
        static_cast<uint64_t>(s.numel) * DTypeSize(s.dtype);  // checked in the unpickler
    if (bytes.size() != want) {
      return DataLoss(path_ + ": storage " + Quoted(s.key) + " is " + s.type_name + " of " +
                      std::to_string(s.numel) + " elements (" + std::to_string(want) +
                      " bytes) but its entry holds " + std::to_string(bytes.size()) + " bytes");
    }
    return verified[s.key] = StorageBytes{bytes.data(), static_cast<uint64_t>(s.numel)};
  });
}

Status PytorchBinBuilder::ReadLegacy() {
  const std::string_view file(f_.file_.data(), f_.file_.size());
  Unpickler unpickler(path_, file);
  size_t pos = 0;
  ASSIGN_OR_RETURN(const PickleValue* magic, unpickler.Load(&pos));
  if (magic->kind != Kind::kBigInt ||
      magic->text !=
          std::string_view(reinterpret_cast<const char*>(kLegacyMagic), sizeof kLegacyMagic)) {
    return DataLoss(
        path_ +
        ": starts with a pickle but not torch.save's magic number: not a PyTorch checkpoint");
  }
  ASSIGN_OR_RETURN(const PickleValue* protocol, unpickler.Load(&pos));
  if (protocol->kind != Kind::kInt || protocol->integer != kLegacyProtocolVersion) {
    return DataLoss(path_ + ": legacy torch.save protocol version is not " +
                    std::to_string(kLegacyProtocolVersion));
  }
  ASSIGN_OR_RETURN(const PickleValue* sys_info, unpickler.Load(&pos));
  if (sys_info->kind != Kind::kDict) return DataLoss(path_ + ": legacy system info is not a dict");
  if (const PickleValue* le = DictGet(*sys_info, "little_endian");
      le && le->kind == Kind::kBool && !le->boolean) {
    return InvalidArgument(path_ +
                           ": written on a big-endian machine; only little-endian is supported");
  }
  ASSIGN_OR_RETURN(const PickleValue* root, unpickler.Load(&pos));
  ASSIGN_OR_RETURN(const PickleValue* keys, unpickler.Load(&pos));
  if (keys->kind != Kind::kList) return DataLoss(path_ + ": legacy storage key list is not a list");

  // The storages follow in key-list order: an 8-byte element count, then the bytes.
  std::map<std::string, const StorageRef*> seen;
  for (const StorageRef& s : unpickler.storages()) RETURN_IF_ERROR(CheckSameStorage(seen, s));
  std::map<std::string, StorageBytes> located;
  for (const PickleValue* k : keys->items) {
    if (!IsString(k))
      return DataLoss(path_ + ": legacy storage key list holds a " +
                      std::string(PickleKindName(k->kind)));
    auto it = seen.find(k->text);
    if (it == seen.end()) {
      return DataLoss(path_ + ": storage " + Quoted(k->text) +
                      " is in the key list but no tensor refers to it");
    }
    const StorageRef& s = *it->second;
    if (file.size() - pos < 8) {
      return DataLoss(path_ + ": truncated: storage " + Quoted(s.key) + " at byte " +
                      std::to_string(pos) + " lacks its element count");
    }
    uint64_t count = 0;
    for (int i = 7; i >= 0; --i) count = (count << 8) | static_cast<unsigned char>(file[pos + i]);
    pos += 8;
    if (count != static_cast<uint64_t>(s.numel)) {
      return DataLoss(path_ + ": storage " + Quoted(s.key) + " records " + std::to_string(count) +
                      " elements but its persistent id says " + std::to_string(s.numel));
    }
    const uint64_t nbytes = count * DTypeSize(s.dtype);  // overflow checked in the unpickler
    if (nbytes > file.size() - pos) {
      return DataLoss(path_ + ": truncated: storage " + Quoted(s.key) + " needs " +
                      std::to_string(nbytes) + " bytes at byte " + std::to_string(pos) +
                      " but the file has " + std::to_string(file.size()));
    }
    if (!located.emplace(s.key, StorageBytes{file.data() + pos, count}).second) {
      return DataLoss(path_ + ": storage " + Quoted(s.key) + " appears twice in the key list");
    }
    pos += nbytes;
  }
  return Assemble(*root, [&](const StorageRef& s) -> StatusOr<StorageBytes> {
    auto it = located.find(s.key);
    if (it == located.end())
      return DataLoss(path_ + ": storage " + Quoted(s.key) + " is missing from the key list");
    return it->second;
  });
}

StatusOr<PytorchBinFile> PytorchBinFile::Open(const std::string& path) {
  PytorchBinFile f;
  ASSIGN_OR_RETURN(f.file_, MappedFile::Open(path));
  const std::string_view head(f.file_.data(), std::min<size_t>(f.file_.size(), 512));
  PytorchBinBuilder builder(&f);
  if (StartsWith(head, "PK")) {
    f.format_ = Format::kZip;
    RETURN_IF_ERROR(builder.ReadZip());
  } else if (StartsWith(head, "\x80")) {
    f.format_ = Format::kLegacy;
    RETURN_IF_ERROR(builder.ReadLegacy());
  } else if (StartsWith(head, "version https://git-lfs")) {
    return InvalidArgument(path +
                           ": a Git LFS pointer, not the weights (fetch them with git lfs pull)");
  } else if (head.size() >= 262 && head.substr(257, 5) == "ustar") {
    return InvalidArgument(path +
                           ": the tar-based format of PyTorch < 0.4 is not supported; re-save it");
  } else {
    return DataLoss(
        path + ": " +
        (head.empty() ? std::string("empty file") : "neither a zip archive nor a pickle") +
        ": not a PyTorch checkpoint, or truncated");
  }
  return f;
}

const TensorView* PytorchBinFile::Find(const std::string& name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const TensorView& t, const std::string& n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

}  // namespace bioner
