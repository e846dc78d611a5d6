// INTERNAL to core/model (torch-free): the directory of a zip archive held in memory, as
// PyTorch >= 1.6 writes its checkpoints (torch.save: entries stored uncompressed, data
// aligned to 64 bytes through local extra fields, ZIP64 records past 4 GB). Reads the end of
// central directory record (and the ZIP64 one when present), the central directory, and each
// entry's local header to find where its bytes start. Every offset and size is checked
// against the buffer; a truncated or corrupt archive is DATA_LOSS naming the file.
// Compressed or encrypted entries are listed with their method; the caller refuses them.
//
// Thread safety: free functions over caller-owned buffers.
#ifndef BIONER_CORE_MODEL_STORED_ZIP_H_
#define BIONER_CORE_MODEL_STORED_ZIP_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace bioner::model_internal {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;       // 0 = stored; anything else is compressed
  uint16_t flags = 0;        // bit 0: encrypted
  uint32_t crc32 = 0;        // from the central directory
  uint64_t data_offset = 0;  // of the entry's (stored) bytes in the archive
  uint64_t size = 0;         // compressed size: the bytes at data_offset
  uint64_t uncompressed_size = 0;
};

// The entries of the archive `data[0, size)`, in central-directory order. `path` names it in
// messages. Guarantees data_offset + size <= size for every entry.
StatusOr<std::vector<ZipEntry>> ReadZipDirectory(const std::string& path, const char* data,
                                                 size_t size);

// The CRC-32 (ISO-HDLC, as zip uses) of `n` bytes.
uint32_t Crc32(const char* data, size_t n);

}  // namespace bioner::model_internal

#endif  // BIONER_CORE_MODEL_STORED_ZIP_H_
