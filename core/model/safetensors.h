// Reader and writer of the safetensors format (https://github.com/huggingface/safetensors):
//
//   8 bytes   little-endian u64 N, the length of the header
//   N bytes   JSON: {"<name>": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
//                    ..., optional "__metadata__": {"<key>": "<string>"}}
//   rest      the data area; offsets are relative to its start
//
// The reader memory-maps the file and validates every header field before handing out a
// view: header length within the file, valid JSON object, known dtype, non-negative shape,
// product(shape) * dtype size == end - begin, offsets within the data area, tensors
// contiguous and non-overlapping (as the reference implementation requires). Errors are
// DATA_LOSS (truncated/corrupt file) or INVALID_ARGUMENT and name the file and the tensor.
// Torch-free.
//
// Thread safety: a SafetensorsFile is immutable after Open; const methods may be called
// concurrently. Views stay valid as long as the SafetensorsFile lives (moves keep them valid).
#ifndef BIONER_CORE_MODEL_SAFETENSORS_H_
#define BIONER_CORE_MODEL_SAFETENSORS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/file.h"
#include "core/util/status.h"

namespace bioner {

enum class DType { kF32, kF16, kBF16, kF64, kI64, kI32, kI16, kI8, kU8, kBool };

// "F32", "BF16", ... as the format spells them.
const char* DTypeName(DType dtype);
size_t DTypeSize(DType dtype);
// INVALID_ARGUMENT for a name the format does not define (or bioner does not support).
StatusOr<DType> ParseDType(std::string_view name);

// A tensor inside a mapped file. `data` may be unaligned: copy it out (memcpy) before use.
struct TensorView {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  const char* data = nullptr;
  size_t nbytes = 0;

  int64_t numel() const;
};

// "[3, 32]".
std::string ShapeToString(const std::vector<int64_t>& shape);

// Whether every dimension is non-negative and the product of the non-zero ones fits in
// int64_t, so that numel(), multiplying left to right, cannot overflow whatever the order.
// A reader checks this before it hands out a shape: [2^32, 2^31, 0] holds no element, yet its
// first two dimensions alone overflow (found by fuzz/safetensors_fuzz.cc).
bool ShapeFitsInt64(const std::vector<int64_t>& shape);

class SafetensorsFile {
 public:
  static StatusOr<SafetensorsFile> Open(const std::string& path);

  const std::string& path() const { return file_.path(); }
  // Sorted by name.
  const std::vector<TensorView>& tensors() const { return tensors_; }
  // nullptr if absent.
  const TensorView* Find(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  MappedFile file_;
  std::vector<TensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

// A tensor to write: `bytes` must hold exactly product(shape) * DTypeSize(dtype) bytes.
struct TensorToWrite {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  std::string_view bytes;
};

// Serialises tensors (data in the order given) with the header padded with spaces to a
// multiple of 8 bytes, as the reference writer does. INVALID_ARGUMENT on a size mismatch,
// a duplicate or empty name, or the reserved name "__metadata__".
StatusOr<std::string> SerializeSafetensors(const std::vector<TensorToWrite>& tensors,
                                           const std::map<std::string, std::string>& metadata);

// SerializeSafetensors + WriteFileAtomic (a reader never sees a half-written file).
Status WriteSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                        const std::map<std::string, std::string>& metadata = {});

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_SAFETENSORS_H_
