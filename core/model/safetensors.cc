#include "core/model/safetensors.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

namespace bioner {
namespace {

// The reference implementation refuses larger headers; so do we, before parsing anything.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

struct DTypeInfo {
  DType dtype;
  const char* name;
  size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::kF32, "F32", 4}, {DType::kF16, "F16", 2}, {DType::kBF16, "BF16", 2},
    {DType::kF64, "F64", 8}, {DType::kI64, "I64", 8}, {DType::kI32, "I32", 4},
    {DType::kI16, "I16", 2}, {DType::kI8, "I8", 1},   {DType::kU8, "U8", 1},
    {DType::kBool, "BOOL", 1},
};

uint64_t ReadLe64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void WriteLe64(uint64_t v, char* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// Parses one tensor entry; `where` is "<file>: tensor '<name>'".
Status ParseEntry(const std::string& where, const nlohmann::json& e, TensorView* t,
                  uint64_t* begin, uint64_t* end) {
  if (!e.is_object()) return DataLoss(where + ": entry is not a JSON object");
  for (const char* key : {"dtype", "shape", "data_offsets"}) {
    if (!e.contains(key)) return DataLoss(where + ": missing '" + key + "'");
  }
  const auto& dt = e["dtype"];
  if (!dt.is_string()) return DataLoss(where + ": 'dtype' is not a string");
  auto dtype = ParseDType(dt.get<std::string>());
  if (!dtype.ok()) return InvalidArgument(where + ": " + dtype.status().message());
  t->dtype = *dtype;

  const auto& shape = e["shape"];
  if (!shape.is_array()) return DataLoss(where + ": 'shape' is not an array");
  uint64_t numel = 1;
  for (const auto& d : shape) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) {
      return DataLoss(where + ": shape " + shape.dump() + " has a dimension that is not a non-negative integer");
    }
    const auto dim = d.get<uint64_t>();
    if (__builtin_mul_overflow(numel, dim, &numel)) return DataLoss(where + ": shape " + shape.dump() + " overflows");
    t->shape.push_back(static_cast<int64_t>(dim));
  }
  if (!ShapeFitsInt64(t->shape)) {
    return DataLoss(where + ": shape " + shape.dump() + " has more elements than a tensor can hold");
  }
  const auto& off = e["data_offsets"];
  if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned()) {
    return DataLoss(where + ": 'data_offsets' is not [begin, end] with non-negative integers");
  }
  *begin = off[0].get<uint64_t>();
  *end = off[1].get<uint64_t>();
  if (*end < *begin) return DataLoss(where + ": data_offsets " + off.dump() + " end before begin");
  uint64_t nbytes = 0;
  if (__builtin_mul_overflow(numel, DTypeSize(t->dtype), &nbytes) || nbytes != *end - *begin) {
    return DataLoss(where + ": shape " + shape.dump() + " x " + DTypeName(t->dtype) + " is " +
                    std::to_string(numel * DTypeSize(t->dtype)) + " bytes but data_offsets " + off.dump() +
                    " span " + std::to_string(*end - *begin));
  }
  return Status::Ok();
}

}  // namespace

const char* DTypeName(DType dtype) {
  for (const auto& d : kDTypes) if (d.dtype == dtype) return d.name;
  return "?";
}

size_t DTypeSize(DType dtype) {
  for (const auto& d : kDTypes) if (d.dtype == dtype) return d.size;
  return 0;
}

StatusOr<DType> ParseDType(std::string_view name) {
  for (const auto& d : kDTypes) if (name == d.name) return d.dtype;
  return InvalidArgument("unknown dtype '" + std::string(name) +
                         "' (known: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");
}

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

bool ShapeFitsInt64(const std::vector<int64_t>& shape) {
  int64_t product = 1;
  for (int64_t d : shape) {
    if (d < 0) return false;
    if (d > 0 && __builtin_mul_overflow(product, d, &product)) return false;
  }
  return true;
}

std::string ShapeToString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

StatusOr<SafetensorsFile> SafetensorsFile::Open(const std::string& path) {
  SafetensorsFile f;
  ASSIGN_OR_RETURN(f.file_, MappedFile::Open(path));
  const size_t size = f.file_.size();
  if (size < 8) return DataLoss(path + ": truncated safetensors file (" + std::to_string(size) + " bytes, no header length)");
  const uint64_t n = ReadLe64(f.file_.data());
  if (n > size - 8) {
    return DataLoss(path + ": header length " + std::to_string(n) + " runs past the end of the file (" +
                    std::to_string(size) + " bytes)");
  }
  if (n > kMaxHeaderBytes) return DataLoss(path + ": header length " + std::to_string(n) + " is too large");
  const char* header = f.file_.data() + 8;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(header, header + n);
  } catch (const nlohmann::json::exception& e) {
    return DataLoss(path + ": header is not valid JSON: " + e.what());
  }
  if (!j.is_object()) return DataLoss(path + ": header is not a JSON object");

  const char* data = header + n;
  const uint64_t data_size = size - 8 - n;
  struct Span { uint64_t begin, end; size_t index; };
  std::vector<Span> spans;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) return DataLoss(path + ": '__metadata__' is not a JSON object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) return DataLoss(path + ": __metadata__ key '" + m.key() + "' is not a string");
        f.metadata_[m.key()] = m->get<std::string>();
      }
      continue;
    }
    TensorView t;
    t.name = it.key();
    uint64_t begin = 0, end = 0;
    RETURN_IF_ERROR(ParseEntry(path + ": tensor '" + t.name + "'", *it, &t, &begin, &end));
    if (end > data_size) {
      return DataLoss(path + ": tensor '" + t.name + "': data_offsets [" + std::to_string(begin) + ", " +
                      std::to_string(end) + "] past the end of the data area (" + std::to_string(data_size) +
                      " bytes): file truncated?");
    }
    t.data = data + begin;
    t.nbytes = end - begin;
    spans.push_back({begin, end, f.tensors_.size()});
    f.tensors_.push_back(std::move(t));
  }
  // The reference reader requires the tensors to tile the data area exactly.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t expected = 0;
  for (const Span& s : spans) {
    const std::string& name = f.tensors_[s.index].name;
    if (s.begin < expected) {
      return DataLoss(path + ": tensor '" + name + "': data_offsets [" + std::to_string(s.begin) + ", " +
                      std::to_string(s.end) + "] overlap the previous tensor (which ends at " +
                      std::to_string(expected) + ")");
    }
    if (s.begin > expected) {
      return DataLoss(path + ": tensor '" + name + "': gap in the data area before offset " +
                      std::to_string(s.begin) + " (previous tensor ends at " + std::to_string(expected) + ")");
    }
    expected = s.end;
  }
  if (expected != data_size) {
    return DataLoss(path + ": data area has " + std::to_string(data_size) + " bytes but the tensors cover " +
                    std::to_string(expected));
  }
  std::sort(f.tensors_.begin(), f.tensors_.end(),
            [](const TensorView& a, const TensorView& b) { return a.name < b.name; });
  return f;
}

const TensorView* SafetensorsFile::Find(const std::string& name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const TensorView& t, const std::string& n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

StatusOr<std::string> SerializeSafetensors(const std::vector<TensorToWrite>& tensors,
                                           const std::map<std::string, std::string>& metadata) {
  // nlohmann's ordered_json keeps "__metadata__" first and tensors in data order, as the
  // reference writer lays them out.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) {
    nlohmann::ordered_json m = nlohmann::ordered_json::object();
    for (const auto& [k, v] : metadata) m[k] = v;
    header["__metadata__"] = std::move(m);
  }
  std::set<std::string> seen;
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    if (t.name.empty() || t.name == "__metadata__") return InvalidArgument("invalid tensor name '" + t.name + "'");
    if (!seen.insert(t.name).second) return InvalidArgument("duplicate tensor name '" + t.name + "'");
    uint64_t numel = 1;
    for (int64_t d : t.shape) {
      if (d < 0) return InvalidArgument("tensor '" + t.name + "': negative dimension in " + ShapeToString(t.shape));
      numel *= static_cast<uint64_t>(d);
    }
    if (numel * DTypeSize(t.dtype) != t.bytes.size()) {
      return InvalidArgument("tensor '" + t.name + "': shape " + ShapeToString(t.shape) + " x " +
                             DTypeName(t.dtype) + " needs " + std::to_string(numel * DTypeSize(t.dtype)) +
                             " bytes, got " + std::to_string(t.bytes.size()));
    }
    nlohmann::ordered_json e;
    e["dtype"] = DTypeName(t.dtype);
    e["shape"] = t.shape;
    e["data_offsets"] = {offset, offset + t.bytes.size()};
    header[t.name] = std::move(e);
    offset += t.bytes.size();
  }
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  WriteLe64(h.size(), out.data());
  out.reserve(8 + h.size() + offset);
  out += h;
  for (const auto& t : tensors) out.append(t.bytes.data(), t.bytes.size());
  return out;
}

Status WriteSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                        const std::map<std::string, std::string>& metadata) {
  auto bytes = SerializeSafetensors(tensors, metadata);
  if (!bytes.ok()) return bytes.status().WithContext(path);
  return WriteFileAtomic(path, *bytes);
}

}  // namespace bioner
