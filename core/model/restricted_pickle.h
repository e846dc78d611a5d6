// INTERNAL to core/model (torch-free): a restricted unpickler for PyTorch state dicts, the
// reader behind pytorch_bin.h. Python's pickle is a small stack machine whose GLOBAL and
// REDUCE opcodes import and call any function; this one implements only the opcodes that
// `torch.save(state_dict)` emits (protocol 2, plus the cheap protocol 3-5 ones) and knows
// only these globals, whose effect it implements itself:
//
//   collections.OrderedDict              an empty dict (the state dict and its _metadata)
//   torch._utils._rebuild_tensor_v2      a TensorRef (storage, offset, size, stride);
//   torch._utils._rebuild_tensor         also its PyTorch < 0.4 form
//   torch._utils._rebuild_parameter      the tensor it wraps
//   torch.{Float,Half,BFloat16,Double,Long,Int,Short,Char,Byte,Bool}Storage
//                                        storage types, only inside persistent ids (also
//                                        torch.cuda.<Type>Storage, as old GPU saves name them)
//
// plus the persistent-id scheme ('storage', <type>, key, location, numel[, view]) for storages
// (the caller binds them to bytes). Any other global (posix.system, builtins.eval, ...) is
// refused with INVALID_ARGUMENT naming it when its GLOBAL opcode is read; nothing is ever
// imported or called: there is nothing here that could. Malformed or truncated input is
// DATA_LOSS. Every length is checked against the input, and the stack, mark nesting, memo
// and number of objects are bounded (constants below), so hostile input cannot make it read
// out of bounds, recurse, or allocate more than a small multiple of the input.
//
// Thread safety: an Unpickler is used by one thread; the Values it returns live as long as it.
#ifndef BIONER_CORE_MODEL_RESTRICTED_PICKLE_H_
#define BIONER_CORE_MODEL_RESTRICTED_PICKLE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/model/safetensors.h"
#include "core/util/status.h"

namespace bioner::model_internal {

// Limits on hostile input. A BERT-large state dict needs about 20 objects per tensor, a
// stack of twice its tensor count, a memo of a few thousand and marks 3 deep.
inline constexpr size_t kMaxPickleStack = size_t{1} << 20;
inline constexpr size_t kMaxPickleMarks = 256;
inline constexpr size_t kMaxPickleMemo = size_t{1} << 20;
inline constexpr size_t kMaxPickleObjects = size_t{1} << 21;
inline constexpr size_t kMaxPickleItems = size_t{1} << 24;  // in all tuples, lists and dicts
inline constexpr size_t kMaxPickleGlobalName = 256;

// The persistent id of a storage, validated for shape and types but not yet bound to bytes.
struct StorageRef {
  DType dtype = DType::kF32;
  std::string type_name;  // "FloatStorage"
  std::string key;        // zip: entry data/<key>; legacy: the key in the trailing key list
  std::string location;   // "cpu", "cuda:0": recorded, ignored (we read into host memory)
  int64_t numel = 0;      // elements of the whole storage
  // Legacy view metadata (view_key, offset, size), in elements of the root storage.
  bool has_view = false;
  int64_t view_offset = 0;
  int64_t view_numel = 0;
};

// A `_rebuild_tensor_v2(storage, storage_offset, size, stride, ...)` call: not yet checked
// against the storage's size (the caller knows it, and the tensor's name, only later).
struct TensorRef {
  const StorageRef* storage = nullptr;
  int64_t offset = 0;
  std::vector<int64_t> size;
  std::vector<int64_t> stride;
};

enum class PickleGlobal {
  kOrderedDict,
  kRebuildTensorV2,
  kRebuildTensor,
  kRebuildParameter,
  kStorageType
};

// One unpickled object. Containers hold pointers to objects owned by the Unpickler, so the
// graph may share and even cycle (through the memo) without owning loops.
struct PickleValue {
  enum class Kind {
    kNone,
    kBool,
    kInt,
    kBigInt,
    kFloat,
    kString,
    kBytes,
    kTuple,
    kList,
    kDict,
    kGlobal,
    kStorage,
    kTensor,
  };
  Kind kind = Kind::kNone;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  // kString (UTF-8 or, from protocol-0/1 strings, raw bytes), kBytes, kBigInt (the
  // little-endian two's-complement bytes of a LONG1 over 8 bytes), kGlobal ("module.name").
  std::string text;
  std::vector<const PickleValue*> items;                                   // kTuple, kList
  std::vector<std::pair<const PickleValue*, const PickleValue*>> entries;  // kDict, in order
  PickleGlobal global = PickleGlobal::kOrderedDict;                        // kGlobal
  DType storage_dtype = DType::kF32;    // kGlobal of kind kStorageType
  const StorageRef* storage = nullptr;  // kStorage
  const TensorRef* tensor = nullptr;    // kTensor
};

// "dict", "tuple", ...: for messages.
const char* PickleKindName(PickleValue::Kind kind);

// `s` with non-printable bytes escaped and cut to `max` bytes: names from a hostile file go
// into messages.
std::string PrintableForMessage(std::string_view s, size_t max = 200);

class Unpickler {
 public:
  // `what` names the input in messages ("<file>" or "<file>, entry 'archive/data.pkl'").
  // `bytes` must outlive the Unpickler.
  Unpickler(std::string what, std::string_view bytes) : what_(std::move(what)), bytes_(bytes) {}
  Unpickler(const Unpickler&) = delete;
  Unpickler& operator=(const Unpickler&) = delete;

  // Runs one pickle from *pos to its STOP opcode, leaves *pos after it and returns the
  // result. May be called again for the next pickle in the same input (the legacy format
  // holds five); the memo starts empty each time, as in Python, and earlier results stay valid.
  StatusOr<const PickleValue*> Load(size_t* pos);

  // Every storage persistent id read so far, in order (also those outside the returned
  // value, e.g. in a BUILD state that is dropped): the legacy format needs them all.
  const std::deque<StorageRef>& storages() const { return storages_; }

 private:
  class Machine;
  std::string what_;
  std::string_view bytes_;
  std::deque<PickleValue> values_;  // a deque: pointers stay valid as it grows
  std::deque<StorageRef> storages_;
  std::deque<TensorRef> tensors_;
  size_t items_ = 0;
};

}  // namespace bioner::model_internal

#endif  // BIONER_CORE_MODEL_RESTRICTED_PICKLE_H_
