// Fuzz target: the pytorch_model.bin reader (core/model/pytorch_bin.h) and the two parsers
// under it, the stored-zip directory (stored_zip.h) and the restricted unpickler
// (restricted_pickle.h). The input is the file. The whole reader sees it as a memory-mapped
// file, which AddressSanitizer does not guard byte by byte, so the two parsers also get it
// as a heap buffer of exactly its size, where a read one byte past the end is reported.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/pytorch_bin.h"
#include "core/model/restricted_pickle.h"
#include "core/model/stored_zip.h"
#include "fuzz/checks.h"
#include "fuzz/scratch_dir.h"

using bioner::StatusOr;
using bioner::TensorView;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // The zip directory, and each stored entry's bytes within the buffer.
  const auto entries = bioner::model_internal::ReadZipDirectory("fuzz.bin", bytes.data(), size);
  bioner::fuzz::ExpectMessage(entries);
  if (entries.ok()) {
    for (const auto& e : *entries) {
      if (e.data_offset > size || e.size > size - e.data_offset) {
        bioner::fuzz::Die("zip entry '" + e.name + "' past the end of the archive");
      }
      (void)bioner::model_internal::Crc32(bytes.data() + e.data_offset, e.size);
    }
  }

  // The pickles in a row, as the legacy format has them (five at most).
  bioner::model_internal::Unpickler unpickler("fuzz.bin", bytes);
  size_t pos = 0;
  for (int i = 0; i < 5 && pos < size; ++i) {
    const size_t before = pos;
    const auto value = unpickler.Load(&pos);
    bioner::fuzz::ExpectMessage(value);
    if (!value.ok()) break;
    if (pos <= before || pos > size) bioner::fuzz::Die("unpickler position did not advance");
  }

  // The whole reader, from a file.
  const std::string path = bioner::fuzz::ScratchDir::Get().Write("pytorch_model.bin", bytes);
  const StatusOr<bioner::PytorchBinFile> f = bioner::PytorchBinFile::Open(path);
  bioner::fuzz::ExpectMessage(f);
  if (f.ok()) {
    std::vector<char> copy;
    for (const TensorView& t : f->tensors()) {
      bioner::fuzz::ExpectShapeFits(t.shape, "tensor '" + t.name + "'");
      if (static_cast<uint64_t>(t.numel()) * bioner::DTypeSize(t.dtype) != t.nbytes) {
        bioner::fuzz::Die("tensor '" + t.name + "': shape and byte count disagree");
      }
      copy.assign(t.data, t.data + t.nbytes);
    }
  }
  return 0;
}
