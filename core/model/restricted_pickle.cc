#include "core/model/restricted_pickle.h"

#include <cstdio>
#include <cstring>

namespace bioner::model_internal {
namespace {

using Kind = PickleValue::Kind;

struct StorageType {
  const char* name;
  DType dtype;
};
constexpr StorageType kStorageTypes[] = {
    {"FloatStorage", DType::kF32},  {"HalfStorage", DType::kF16}, {"BFloat16Storage", DType::kBF16},
    {"DoubleStorage", DType::kF64}, {"LongStorage", DType::kI64}, {"IntStorage", DType::kI32},
    {"ShortStorage", DType::kI16},  {"CharStorage", DType::kI8},  {"ByteStorage", DType::kU8},
    {"BoolStorage", DType::kBool},
};

constexpr char kAllowedGlobals[] =
    "a state dict needs only collections.OrderedDict, torch._utils._rebuild_tensor_v2 "
    "(or _rebuild_tensor), torch._utils._rebuild_parameter and torch[.cuda].<Type>Storage";

// Pickle opcodes (CPython Lib/pickle.py), only those that are implemented or named.
// clang-format off
enum Op : unsigned char {
  kMark = '(', kStop = '.', kPop = '0', kPopMark = '1', kBinFloat = 'G', kBinInt = 'J',
  kBinInt1 = 'K', kBinInt2 = 'M', kNone = 'N', kBinPersId = 'Q', kReduce = 'R',
  kBinString = 'T', kShortBinString = 'U', kBinUnicode = 'X', kAppend = 'a', kBuild = 'b',
  kGlobal = 'c', kDict = 'd', kAppends = 'e', kBinGet = 'h', kInst = 'i', kLongBinGet = 'j',
  kList = 'l', kObj = 'o', kBinPut = 'q', kLongBinPut = 'r', kSetItem = 's', kTuple = 't',
  kSetItems = 'u', kEmptyDict = '}', kEmptyList = ']', kEmptyTuple = ')', kPersId = 'P',
  kBinBytes = 'B', kShortBinBytes = 'C', kProto = 0x80, kNewObj = 0x81, kExt1 = 0x82,
  kExt2 = 0x83, kExt4 = 0x84, kTuple1 = 0x85, kTuple2 = 0x86, kTuple3 = 0x87, kNewTrue = 0x88,
  kNewFalse = 0x89, kLong1 = 0x8a, kShortBinUnicode = 0x8c, kBinUnicode8 = 0x8d,
  kNewObjEx = 0x92, kStackGlobal = 0x93, kMemoize = 0x94, kFrame = 0x95,
};
// clang-format on

uint64_t ReadLe(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

}  // namespace

const char* PickleKindName(Kind kind) {
  switch (kind) {
    case Kind::kNone:
      return "None";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kBigInt:
      return "int";
    case Kind::kFloat:
      return "float";
    case Kind::kString:
      return "str";
    case Kind::kBytes:
      return "bytes";
    case Kind::kTuple:
      return "tuple";
    case Kind::kList:
      return "list";
    case Kind::kDict:
      return "dict";
    case Kind::kGlobal:
      return "global";
    case Kind::kStorage:
      return "storage";
    case Kind::kTensor:
      return "tensor";
  }
  return "?";
}

std::string PrintableForMessage(std::string_view s, size_t max) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= max) return out + "...";
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

// One run of the stack machine, from a position to STOP.
class Unpickler::Machine {
 public:
  Machine(Unpickler& u, size_t pos) : u_(u), pos_(pos) {}

  size_t pos() const { return pos_; }

  StatusOr<const PickleValue*> Run() {
    while (true) {
      op_start_ = pos_;
      const char* p = nullptr;
      RETURN_IF_ERROR(Read(1, &p));
      const auto op = static_cast<unsigned char>(*p);
      if (op == kStop) {
        ASSIGN_OR_RETURN(PickleValue * result, Pop());
        return result;
      }
      RETURN_IF_ERROR(Step(op));
    }
  }

 private:
  Status Corrupt(const std::string& m) const {
    return DataLoss(u_.what_ + ": corrupt pickle at byte " + std::to_string(op_start_) + ": " + m);
  }
  Status Refuse(const std::string& m) const {
    return InvalidArgument(u_.what_ + ": pickle byte " + std::to_string(op_start_) + ": " + m);
  }

  Status Read(size_t n, const char** p) {
    if (n > u_.bytes_.size() - pos_) {
      return DataLoss(u_.what_ + ": truncated pickle: needs " + std::to_string(n) +
                      " bytes at byte " + std::to_string(pos_) + " but the input ends at " +
                      std::to_string(u_.bytes_.size()));
    }
    *p = u_.bytes_.data() + pos_;
    pos_ += n;
    return Status::Ok();
  }
  StatusOr<uint64_t> ReadUint(size_t n) {
    const char* p = nullptr;
    RETURN_IF_ERROR(Read(n, &p));
    return ReadLe(p, n);
  }
  // A newline-terminated line (GLOBAL and INST operands), without the newline.
  StatusOr<std::string_view> ReadLine() {
    const char* begin = u_.bytes_.data() + pos_;
    const size_t avail = std::min(u_.bytes_.size() - pos_, kMaxPickleGlobalName + 1);
    const void* nl = std::memchr(begin, '\n', avail);
    if (!nl) {
      if (avail <= kMaxPickleGlobalName) {
        return DataLoss(u_.what_ + ": truncated pickle: global name at byte " +
                        std::to_string(pos_) + " runs to the end of the input");
      }
      return Refuse("global name longer than " + std::to_string(kMaxPickleGlobalName) + " bytes");
    }
    const size_t n = static_cast<const char*>(nl) - begin;
    pos_ += n + 1;
    return std::string_view(begin, n);
  }

  StatusOr<PickleValue*> New(Kind kind) {
    if (u_.values_.size() >= kMaxPickleObjects) {
      return Refuse("more than " + std::to_string(kMaxPickleObjects) +
                    " objects (not a state dict?)");
    }
    PickleValue& v = u_.values_.emplace_back();
    v.kind = kind;
    return &v;
  }
  Status CountItems(size_t n) {
    u_.items_ += n;
    if (u_.items_ > kMaxPickleItems) {
      return Refuse("more than " + std::to_string(kMaxPickleItems) +
                    " container items (not a state dict?)");
    }
    return Status::Ok();
  }
  Status Push(PickleValue* v) {
    if (stack_.size() >= kMaxPickleStack) {
      return Refuse("stack deeper than " + std::to_string(kMaxPickleStack) +
                    " (not a state dict?)");
    }
    stack_.push_back(v);
    return Status::Ok();
  }
  size_t Floor() const { return marks_.empty() ? 0 : marks_.back(); }
  StatusOr<PickleValue*> Pop() {
    if (stack_.size() <= Floor()) return Corrupt("stack underflow");
    PickleValue* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  StatusOr<PickleValue*> Top() {
    if (stack_.size() <= Floor()) return Corrupt("stack underflow");
    return stack_.back();
  }
  StatusOr<std::vector<const PickleValue*>> PopToMark() {
    if (marks_.empty()) return Corrupt("no MARK on the stack");
    std::vector<const PickleValue*> items(stack_.begin() + marks_.back(), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }
  StatusOr<std::vector<const PickleValue*>> PopN(size_t n) {
    if (stack_.size() < Floor() + n) return Corrupt("stack underflow");
    std::vector<const PickleValue*> items(stack_.end() - n, stack_.end());
    stack_.resize(stack_.size() - n);
    return items;
  }
  Status PushTuple(std::vector<const PickleValue*> items) {
    RETURN_IF_ERROR(CountItems(items.size()));
    ASSIGN_OR_RETURN(PickleValue * t, New(Kind::kTuple));
    t->items = std::move(items);
    return Push(t);
  }
  Status PushString(Kind kind, size_t len_bytes) {
    ASSIGN_OR_RETURN(uint64_t n, ReadUint(len_bytes));  // Read checks it against the input
    const char* p = nullptr;
    RETURN_IF_ERROR(Read(n, &p));
    ASSIGN_OR_RETURN(PickleValue * v, New(kind));
    v->text.assign(p, n);
    return Push(v);
  }
  Status PushInt(int64_t i) {
    ASSIGN_OR_RETURN(PickleValue * v, New(Kind::kInt));
    v->integer = i;
    return Push(v);
  }
  Status PushBool(Kind kind, bool b) {
    ASSIGN_OR_RETURN(PickleValue * v, New(kind));
    v->boolean = b;
    return Push(v);
  }
  Status Put(uint64_t index) {
    if (index >= kMaxPickleMemo) {
      return Refuse("memo index " + std::to_string(index) + " over the limit of " +
                    std::to_string(kMaxPickleMemo));
    }
    ASSIGN_OR_RETURN(PickleValue * top, Top());
    if (index >= memo_.size()) memo_.resize(index + 1, nullptr);
    if (!memo_[index]) ++memo_count_;
    memo_[index] = top;
    return Status::Ok();
  }
  Status Get(uint64_t index) {
    if (index >= memo_.size() || !memo_[index])
      return Corrupt("memo key " + std::to_string(index) + " not set");
    return Push(memo_[index]);
  }

  Status PushGlobal(std::string_view module, std::string_view name) {
    const std::string full = std::string(module) + "." + std::string(name);
    ASSIGN_OR_RETURN(PickleValue * g, New(Kind::kGlobal));
    g->text = full;
    if (full == "collections.OrderedDict") {
      g->global = PickleGlobal::kOrderedDict;
    } else if (full == "torch._utils._rebuild_tensor_v2") {
      g->global = PickleGlobal::kRebuildTensorV2;
    } else if (full == "torch._utils._rebuild_tensor") {
      g->global = PickleGlobal::kRebuildTensor;
    } else if (full == "torch._utils._rebuild_parameter") {
      g->global = PickleGlobal::kRebuildParameter;
    } else {
      const StorageType* type = nullptr;
      for (const auto& t : kStorageTypes) {
        if ((module == "torch" || module == "torch.cuda") && name == t.name) type = &t;
      }
      if (!type) {
        return Refuse("refused pickle global '" + PrintableForMessage(full) + "': " +
                      kAllowedGlobals + "; the file was not loaded and nothing in it was run");
      }
      g->global = PickleGlobal::kStorageType;
      g->storage_dtype = type->dtype;
    }
    return Push(g);
  }

  Status Step(unsigned char op) {
    switch (op) {
      case kProto: {
        ASSIGN_OR_RETURN(uint64_t v, ReadUint(1));
        if (v > 5) return Corrupt("unsupported pickle protocol " + std::to_string(v));
        return Status::Ok();
      }
      case kFrame:
        return ReadUint(8).status();  // frames only group opcodes
      case kMark:
        if (marks_.size() >= kMaxPickleMarks) {
          return Refuse("MARKs nested deeper than " + std::to_string(kMaxPickleMarks));
        }
        marks_.push_back(stack_.size());
        return Status::Ok();
      case kPop:
        if (stack_.size() == Floor() && !marks_.empty()) {
          marks_.pop_back();  // as CPython: POP right after MARK discards the mark
          return Status::Ok();
        }
        return Pop().status();
      case kPopMark:
        return PopToMark().status();
      case kGlobal: {
        ASSIGN_OR_RETURN(std::string_view module, ReadLine());
        ASSIGN_OR_RETURN(std::string_view name, ReadLine());
        return PushGlobal(module, name);
      }
      case kStackGlobal: {
        ASSIGN_OR_RETURN(PickleValue * name, Pop());
        ASSIGN_OR_RETURN(PickleValue * module, Pop());
        if (name->kind != Kind::kString || module->kind != Kind::kString) {
          return Corrupt("STACK_GLOBAL operands are not strings");
        }
        return PushGlobal(module->text, name->text);
      }
      case kInst: {
        ASSIGN_OR_RETURN(std::string_view module, ReadLine());
        ASSIGN_OR_RETURN(std::string_view name, ReadLine());
        return Refuse("refused pickle opcode INST, which calls '" +
                      PrintableForMessage(std::string(module) + "." + std::string(name)) + "': " +
                      kAllowedGlobals + "; the file was not loaded and nothing in it was run");
      }
      case kObj:
      case kPersId:
      case kExt1:
      case kExt2:
      case kExt4:
      case kNewObjEx: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02x", op);
        return Refuse(std::string("refused pickle opcode ") + buf +
                      ", which a state dict does not use; nothing in the file was run");
      }
      case kBinPut: {
        ASSIGN_OR_RETURN(uint64_t i, ReadUint(1));
        return Put(i);
      }
      case kLongBinPut: {
        ASSIGN_OR_RETURN(uint64_t i, ReadUint(4));
        return Put(i);
      }
      case kMemoize:
        return Put(memo_count_);
      case kBinGet: {
        ASSIGN_OR_RETURN(uint64_t i, ReadUint(1));
        return Get(i);
      }
      case kLongBinGet: {
        ASSIGN_OR_RETURN(uint64_t i, ReadUint(4));
        return Get(i);
      }
      case kEmptyDict: {
        ASSIGN_OR_RETURN(PickleValue * v, New(Kind::kDict));
        return Push(v);
      }
      case kEmptyList: {
        ASSIGN_OR_RETURN(PickleValue * v, New(Kind::kList));
        return Push(v);
      }
      case kEmptyTuple:
        return PushTuple({});
      case kTuple: {
        ASSIGN_OR_RETURN(auto items, PopToMark());
        return PushTuple(std::move(items));
      }
      case kTuple1:
      case kTuple2:
      case kTuple3: {
        ASSIGN_OR_RETURN(auto items, PopN(op - kTuple1 + 1));
        return PushTuple(std::move(items));
      }
      case kList: {
        ASSIGN_OR_RETURN(auto items, PopToMark());
        RETURN_IF_ERROR(CountItems(items.size()));
        ASSIGN_OR_RETURN(PickleValue * v, New(Kind::kList));
        v->items = std::move(items);
        return Push(v);
      }
      case kDict: {
        ASSIGN_OR_RETURN(auto items, PopToMark());
        ASSIGN_OR_RETURN(PickleValue * d, New(Kind::kDict));
        RETURN_IF_ERROR(AddPairs(d, items));
        return Push(d);
      }
      case kSetItem: {
        ASSIGN_OR_RETURN(auto kv, PopN(2));
        ASSIGN_OR_RETURN(PickleValue * d, Top());
        if (d->kind != Kind::kDict)
          return Corrupt(std::string("SETITEM on a ") + PickleKindName(d->kind));
        RETURN_IF_ERROR(CountItems(1));
        d->entries.emplace_back(kv[0], kv[1]);
        return Status::Ok();
      }
      case kSetItems: {
        ASSIGN_OR_RETURN(auto items, PopToMark());
        ASSIGN_OR_RETURN(PickleValue * d, Top());
        return AddPairs(d, items);
      }
      case kAppend: {
        ASSIGN_OR_RETURN(PickleValue * v, Pop());
        ASSIGN_OR_RETURN(PickleValue * l, Top());
        if (l->kind != Kind::kList)
          return Corrupt(std::string("APPEND to a ") + PickleKindName(l->kind));
        RETURN_IF_ERROR(CountItems(1));
        l->items.push_back(v);
        return Status::Ok();
      }
      case kAppends: {
        ASSIGN_OR_RETURN(auto items, PopToMark());
        ASSIGN_OR_RETURN(PickleValue * l, Top());
        if (l->kind != Kind::kList)
          return Corrupt(std::string("APPENDS to a ") + PickleKindName(l->kind));
        RETURN_IF_ERROR(CountItems(items.size()));
        l->items.insert(l->items.end(), items.begin(), items.end());
        return Status::Ok();
      }
      case kBinInt: {
        ASSIGN_OR_RETURN(uint64_t v, ReadUint(4));
        return PushInt(static_cast<int32_t>(static_cast<uint32_t>(v)));
      }
      case kBinInt1: {
        ASSIGN_OR_RETURN(uint64_t v, ReadUint(1));
        return PushInt(static_cast<int64_t>(v));
      }
      case kBinInt2: {
        ASSIGN_OR_RETURN(uint64_t v, ReadUint(2));
        return PushInt(static_cast<int64_t>(v));
      }
      case kLong1:
        return PushLong1();
      case kBinUnicode:
        return PushString(Kind::kString, 4);
      case kShortBinUnicode:
        return PushString(Kind::kString, 1);
      case kBinUnicode8:
        return PushString(Kind::kString, 8);
      case kShortBinString:
        return PushString(Kind::kString, 1);
      case kBinString:
        return PushString(Kind::kString, 4);
      case kShortBinBytes:
        return PushString(Kind::kBytes, 1);
      case kBinBytes:
        return PushString(Kind::kBytes, 4);
      case kNone: {
        ASSIGN_OR_RETURN(PickleValue * v, New(Kind::kNone));
        return Push(v);
      }
      case kNewTrue:
        return PushBool(Kind::kBool, true);
      case kNewFalse:
        return PushBool(Kind::kBool, false);
      case kBinFloat: {
        ASSIGN_OR_RETURN(uint64_t be, ReadUint(8));
        uint64_t bits = __builtin_bswap64(be);  // big-endian on the wire
        ASSIGN_OR_RETURN(PickleValue * v, New(Kind::kFloat));
        std::memcpy(&v->real, &bits, 8);
        return Push(v);
      }
      case kReduce:
      case kNewObj: {
        ASSIGN_OR_RETURN(PickleValue * args, Pop());
        ASSIGN_OR_RETURN(PickleValue * callable, Pop());
        if (args->kind != Kind::kTuple) return Corrupt("REDUCE/NEWOBJ arguments are not a tuple");
        if (callable->kind != Kind::kGlobal) {
          return Corrupt(std::string("REDUCE/NEWOBJ of a ") + PickleKindName(callable->kind));
        }
        if (op == kNewObj && callable->global != PickleGlobal::kOrderedDict) {
          return Refuse("NEWOBJ of '" + callable->text + "', which a state dict does not use");
        }
        ASSIGN_OR_RETURN(PickleValue * result, Call(*callable, args->items));
        return Push(result);
      }
      case kBuild: {
        ASSIGN_OR_RETURN(PickleValue * state, Pop());
        (void)state;
        ASSIGN_OR_RETURN(PickleValue * target, Top());
        // An OrderedDict's attributes (the state dict's `_metadata`): recorded nowhere.
        if (target->kind != Kind::kDict) {
          return Refuse(std::string("BUILD (setting the state) of a ") +
                        PickleKindName(target->kind) + ", which a state dict does not use");
        }
        return Status::Ok();
      }
      case kBinPersId: {
        ASSIGN_OR_RETURN(PickleValue * pid, Pop());
        ASSIGN_OR_RETURN(PickleValue * storage, PersistentLoad(*pid));
        return Push(storage);
      }
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02x", op);
        return Corrupt(std::string("unknown or unsupported opcode ") + buf);
      }
    }
  }

  // SETITEMS and DICT: key, value, key, value, ... into `dict`.
  Status AddPairs(PickleValue* dict, const std::vector<const PickleValue*>& items) {
    if (dict->kind != Kind::kDict)
      return Corrupt(std::string("SETITEMS on a ") + PickleKindName(dict->kind));
    if (items.size() % 2 != 0) return Corrupt("SETITEMS with an odd number of items");
    RETURN_IF_ERROR(CountItems(items.size() / 2));
    for (size_t i = 0; i < items.size(); i += 2) dict->entries.emplace_back(items[i], items[i + 1]);
    return Status::Ok();
  }

  Status PushLong1() {
    ASSIGN_OR_RETURN(uint64_t n, ReadUint(1));
    const char* p = nullptr;
    RETURN_IF_ERROR(Read(n, &p));
    if (n > 8) {
      ASSIGN_OR_RETURN(PickleValue * v, New(Kind::kBigInt));
      v->text.assign(p, n);
      return Push(v);
    }
    uint64_t u = ReadLe(p, n);
    if (n > 0 && n < 8 && (static_cast<unsigned char>(p[n - 1]) & 0x80))
      u |= ~uint64_t{0} << (8 * n);
    return PushInt(static_cast<int64_t>(u));
  }

  // ('storage', torch.<T>Storage, key, location, numel[, view_metadata]).
  StatusOr<PickleValue*> PersistentLoad(const PickleValue& pid) {
    if (pid.kind != Kind::kTuple || pid.items.empty())
      return Corrupt("persistent id is not a non-empty tuple");
    const auto& it = pid.items;
    const PickleValue& tag = *it[0];
    if ((tag.kind != Kind::kString && tag.kind != Kind::kBytes) || tag.text != "storage") {
      return Refuse(
          "refused persistent id '" + PrintableForMessage(tag.text) +
          "': a state dict holds only storages (a pickled module or object is not loaded)");
    }
    if (it.size() != 5 && it.size() != 6) {
      return Corrupt("storage persistent id has " + std::to_string(it.size()) +
                     " fields, not 5 or 6");
    }
    if (it[1]->kind != Kind::kGlobal || it[1]->global != PickleGlobal::kStorageType) {
      return Corrupt("storage persistent id without a storage type");
    }
    auto is_str = [](const PickleValue* v) {
      return v->kind == Kind::kString || v->kind == Kind::kBytes;
    };
    if (!is_str(it[2]) || !is_str(it[3]))
      return Corrupt("storage persistent id: key or location is not a string");
    if (it[4]->kind != Kind::kInt || it[4]->integer < 0) {
      return Corrupt("storage persistent id: element count is not a non-negative int");
    }
    StorageRef& s = u_.storages_.emplace_back();
    s.dtype = it[1]->storage_dtype;
    s.type_name = it[1]->text;
    s.key = it[2]->text;
    s.location = it[3]->text;
    s.numel = it[4]->integer;
    uint64_t nbytes = 0;
    if (__builtin_mul_overflow(static_cast<uint64_t>(s.numel), DTypeSize(s.dtype), &nbytes)) {
      return Corrupt("storage '" + PrintableForMessage(s.key) + "' size overflows");
    }
    if (it.size() == 6 && it[5]->kind != Kind::kNone) {
      // Legacy views: (view_key, offset, size) in elements of the root storage.
      const PickleValue& view = *it[5];
      if (view.kind != Kind::kTuple || view.items.size() != 3 || !is_str(view.items[0]) ||
          view.items[1]->kind != Kind::kInt || view.items[2]->kind != Kind::kInt ||
          view.items[1]->integer < 0 || view.items[2]->integer < 0) {
        return Corrupt("storage '" + PrintableForMessage(s.key) +
                       "': view metadata is not (key, offset >= 0, size >= 0)");
      }
      s.has_view = true;
      s.view_offset = view.items[1]->integer;
      s.view_numel = view.items[2]->integer;
      if (s.view_offset > s.numel || s.view_numel > s.numel - s.view_offset) {
        return Corrupt("storage '" + PrintableForMessage(s.key) + "': view [" +
                       std::to_string(s.view_offset) + ", +" + std::to_string(s.view_numel) +
                       ") outside its " + std::to_string(s.numel) + " elements");
      }
    }
    ASSIGN_OR_RETURN(PickleValue * v, New(Kind::kStorage));
    v->storage = &s;
    return v;
  }

  StatusOr<std::vector<int64_t>> IntTuple(const PickleValue& v, const char* what) {
    if (v.kind != Kind::kTuple) return Corrupt(std::string("tensor ") + what + " is not a tuple");
    if (v.items.size() > 64)
      return Corrupt(std::string("tensor ") + what + " has more than 64 dimensions");
    std::vector<int64_t> out;
    for (const PickleValue* d : v.items) {
      if (d->kind != Kind::kInt || d->integer < 0) {
        return Corrupt(std::string("tensor ") + what +
                       " holds something other than non-negative ints");
      }
      out.push_back(d->integer);
    }
    return out;
  }

  // The allow-listed callables, implemented here: nothing is imported or run.
  StatusOr<PickleValue*> Call(const PickleValue& callable,
                              const std::vector<const PickleValue*>& args) {
    switch (callable.global) {
      case PickleGlobal::kOrderedDict:
        if (!args.empty()) return Refuse("collections.OrderedDict called with arguments");
        return New(Kind::kDict);
      case PickleGlobal::kRebuildTensorV2:
      case PickleGlobal::kRebuildTensor: {
        // v2: (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]);
        // v1 (PyTorch < 0.4): (storage, storage_offset, size, stride).
        const bool v2 = callable.global == PickleGlobal::kRebuildTensorV2;
        if (v2 ? args.size() != 6 && args.size() != 7 : args.size() != 4) {
          return Corrupt(callable.text + " with " + std::to_string(args.size()) + " arguments");
        }
        if (args[0]->kind != Kind::kStorage)
          return Corrupt("_rebuild_tensor_v2 of something other than a storage");
        if (args[1]->kind != Kind::kInt || args[1]->integer < 0) {
          return Corrupt("_rebuild_tensor_v2: storage offset is not a non-negative int");
        }
        TensorRef& t = u_.tensors_.emplace_back();
        t.storage = args[0]->storage;
        t.offset = args[1]->integer;
        ASSIGN_OR_RETURN(t.size, IntTuple(*args[2], "size"));
        ASSIGN_OR_RETURN(t.stride, IntTuple(*args[3], "stride"));
        if (t.size.size() != t.stride.size())
          return Corrupt("_rebuild_tensor_v2: size and stride differ in length");
        if (v2 && args[4]->kind != Kind::kBool)
          return Corrupt("_rebuild_tensor_v2: requires_grad is not a bool");
        if (v2 && args[5]->kind != Kind::kDict && args[5]->kind != Kind::kNone) {
          return Corrupt("_rebuild_tensor_v2: backward hooks are not a dict");
        }
        ASSIGN_OR_RETURN(PickleValue * v, New(Kind::kTensor));
        v->tensor = &t;
        return v;
      }
      case PickleGlobal::kRebuildParameter:
        // (data, requires_grad, backward_hooks): the parameter is its tensor.
        if (args.size() != 3 || args[0]->kind != Kind::kTensor) {
          return Corrupt("_rebuild_parameter is not (tensor, requires_grad, hooks)");
        }
        // Every value is a non-const object in values_; containers just view them as const.
        return const_cast<PickleValue*>(args[0]);
      case PickleGlobal::kStorageType:
        return Refuse("call of " + callable.text + ", which a state dict does not use");
    }
    return Corrupt("unknown callable");
  }

  Unpickler& u_;
  size_t pos_;
  size_t op_start_ = 0;
  std::vector<PickleValue*> stack_;
  std::vector<size_t> marks_;  // stack sizes at each MARK
  std::vector<PickleValue*> memo_;
  size_t memo_count_ = 0;
};

StatusOr<const PickleValue*> Unpickler::Load(size_t* pos) {
  if (*pos > bytes_.size()) return Internal(what_ + ": pickle position past the input");
  Machine m(*this, *pos);
  auto result = m.Run();
  if (result.ok()) *pos = m.pos();
  return result;
}

}  // namespace bioner::model_internal
