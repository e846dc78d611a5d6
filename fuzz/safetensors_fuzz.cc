// Fuzz target: the safetensors reader (core/model/safetensors.h), the weight file of every
// model folder bioner loads or imports. The input is the file. A file that opens must hold
// what the header promises (every tensor's bytes, tiling the data area) and survive a round
// trip through the writer.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/safetensors.h"
#include "fuzz/checks.h"
#include "fuzz/scratch_dir.h"

using bioner::SafetensorsFile;
using bioner::StatusOr;
using bioner::TensorView;
using bioner::fuzz::Die;

namespace {

// Reads every byte of every tensor (a view past the mapping faults here) and checks its size.
uint64_t CheckTensors(const SafetensorsFile& f) {
  uint64_t total = 0;
  std::vector<char> copy;
  for (const TensorView& t : f.tensors()) {
    bioner::fuzz::ExpectShapeFits(t.shape, "tensor '" + t.name + "'");
    if (static_cast<uint64_t>(t.numel()) * bioner::DTypeSize(t.dtype) != t.nbytes) {
      Die("tensor '" + t.name + "': shape and byte count disagree");
    }
    copy.assign(t.data, t.data + t.nbytes);
    total += t.nbytes;
  }
  return total;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bioner::fuzz::ScratchDir& dir = bioner::fuzz::ScratchDir::Get();
  const std::string path =
      dir.Write("model.safetensors", std::string_view(reinterpret_cast<const char*>(data), size));
  const StatusOr<SafetensorsFile> f = SafetensorsFile::Open(path);
  bioner::fuzz::ExpectMessage(f);
  if (!f.ok()) return 0;

  uint64_t header = 0;
  std::memcpy(&header, data, 8);  // Open refuses files under 8 bytes; little-endian host
  if (CheckTensors(*f) != size - 8 - header) Die("tensors do not cover the data area");

  std::vector<bioner::TensorToWrite> tensors;
  for (const TensorView& t : f->tensors()) {
    tensors.push_back({t.name, t.dtype, t.shape, std::string_view(t.data, t.nbytes)});
  }
  const StatusOr<std::string> bytes = bioner::SerializeSafetensors(tensors, f->metadata());
  bioner::fuzz::ExpectOk(bytes.status(), "tensors that were read can be written");
  const StatusOr<SafetensorsFile> again =
      SafetensorsFile::Open(dir.Write("again.safetensors", *bytes));
  bioner::fuzz::ExpectOk(again.status(), "written file reads back");
  if (again->tensors().size() != f->tensors().size() || again->metadata() != f->metadata()) {
    Die("written file reads back different");
  }
  for (size_t i = 0; i < f->tensors().size(); ++i) {
    const TensorView& a = f->tensors()[i];
    const TensorView& b = again->tensors()[i];
    if (a.name != b.name || a.dtype != b.dtype || a.shape != b.shape ||
        std::string_view(a.data, a.nbytes) != std::string_view(b.data, b.nbytes)) {
      Die("tensor '" + a.name + "' reads back different");
    }
  }
  return 0;
}
