// Reader of PyTorch's `pytorch_model.bin`: a state dict written by `torch.save`, the weight
// file that checkpoints published before safetensors (BioBERT, BlueBERT, ...) ship. Torch-free:
// no LibTorch and no Python; the result is the same TensorView list a SafetensorsFile gives.
//
// Both formats of torch.save are read:
//  - zip (PyTorch >= 1.6): <prefix>/data.pkl, one stored entry <prefix>/data/<key> per storage,
//    <prefix>/version; ZIP64 archives (files over 4 GB) included. Every entry read is checked
//    against its CRC-32, so a corrupt byte anywhere in the pickle or the weights is an error
//    (unless the writer recorded 0, i.e. no checksum: torch.serialization.set_crc32_options).
//    Compressed entries are refused (torch.save never writes them).
//  - legacy (PyTorch < 1.6): five pickles in a row (magic number, protocol version 1001, system
//    info, the state dict, the list of storage keys), then per storage an 8-byte little-endian
//    element count and its raw bytes. Tensors may share one storage at different offsets, and
//    persistent ids may carry legacy view metadata (key, offset, size).
//
// The pickles are read by a restricted unpickler of our own (restricted_pickle.h): only the
// opcodes and globals a state dict needs (OrderedDict, _rebuild_tensor_v2, _rebuild_parameter,
// torch.<Type>Storage) are accepted. Any other global (posix.system, builtins.eval, ...) is
// refused with INVALID_ARGUMENT naming it and the file; nothing in the file is ever executed.
//
// Errors name the file: DATA_LOSS for a truncated or corrupt file (bad record, CRC mismatch,
// a storage too small for a tensor's size/stride/offset, which also names the tensor);
// INVALID_ARGUMENT for a well-formed file this reader will not load (a forbidden global, a
// compressed entry, a value that is not a tensor, a big-endian file).
//
// Tensors view the memory-mapped file wherever their bytes are contiguous there (every
// tensor of a state dict saved by transformers); a tensor with non-contiguous strides is
// copied into a contiguous buffer the object owns (at most the file's size in all).
// Thread safety: immutable after Open; const methods may be called concurrently. Views stay
// valid as long as the PytorchBinFile lives (moves keep them valid).
#ifndef BIONER_CORE_MODEL_PYTORCH_BIN_H_
#define BIONER_CORE_MODEL_PYTORCH_BIN_H_

#include <memory>
#include <string>
#include <vector>

#include "core/model/safetensors.h"
#include "core/util/file.h"
#include "core/util/status.h"

namespace bioner {

class PytorchBinFile {
 public:
  enum class Format { kZip, kLegacy };

  static StatusOr<PytorchBinFile> Open(const std::string& path);

  const std::string& path() const { return file_.path(); }
  Format format() const { return format_; }
  // Sorted by name; `data` may be unaligned (copy it out with memcpy, as for safetensors).
  const std::vector<TensorView>& tensors() const { return tensors_; }
  // nullptr if absent.
  const TensorView* Find(const std::string& name) const;

 private:
  friend class PytorchBinBuilder;
  MappedFile file_;
  Format format_ = Format::kZip;
  std::vector<std::unique_ptr<char[]>> owned_;  // materialised non-contiguous tensors
  std::vector<TensorView> tensors_;
};

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_PYTORCH_BIN_H_
