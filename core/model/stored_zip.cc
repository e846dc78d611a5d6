#include "core/model/stored_zip.h"

#include <cstring>
#include <tuple>

#include "core/model/restricted_pickle.h"  // PrintableForMessage

namespace bioner::model_internal {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "Crc32 reads words as little-endian");

// Record signatures and fixed sizes (PKWARE APPNOTE 6.3, sections 4.3.7-4.3.16).
constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEocdSig = 0x06054b50;
constexpr uint32_t kZip64EocdSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr size_t kLocalSize = 30;
constexpr size_t kCentralSize = 46;
constexpr size_t kEocdSize = 22;
constexpr size_t kZip64EocdSize = 56;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kMaxCommentSize = 0xffff;
constexpr uint32_t kMore32 = 0xffffffff;  // "see the ZIP64 record"
constexpr uint16_t kMore16 = 0xffff;

uint64_t Le(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

struct CrcTables {
  uint32_t t[8][256];
  CrcTables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (int k = 1; k < 8; ++k) {
      for (int i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
    }
  }
};

// The ZIP64 extended information extra field (id 1) of a central directory header: the
// fields whose 32/16-bit slots hold the all-ones marker follow in this order.
Status ReadZip64Extra(const std::string& where, const char* extra, size_t len, uint64_t* usize,
                      uint64_t* csize, uint64_t* offset, uint64_t* disk) {
  for (size_t e = 0; e + 4 <= len;) {
    const uint64_t id = Le(extra + e, 2), n = Le(extra + e + 2, 2);
    if (n > len - e - 4) return DataLoss(where + ": extra field runs past its header");
    if (id == 1) {
      const char* q = extra + e + 4;
      size_t left = n;
      for (auto [field, width, marker] : {std::tuple{usize, 8, uint64_t{kMore32}},
                                          {csize, 8, uint64_t{kMore32}},
                                          {offset, 8, uint64_t{kMore32}},
                                          {disk, 4, uint64_t{kMore16}}}) {
        if (*field != marker) continue;
        if (left < static_cast<size_t>(width))
          return DataLoss(where + ": ZIP64 extra field too short");
        *field = Le(q, width);
        q += width;
        left -= width;
      }
      return Status::Ok();
    }
    e += 4 + n;
  }
  return DataLoss(where + ": sizes or offset point to a ZIP64 extra field that is missing");
}

}  // namespace

uint32_t Crc32(const char* data, size_t n) {
  static const CrcTables tables;  // built once, thread-safe
  const auto& t = tables.t;
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  uint32_t c = 0xffffffffu;
  for (; n >= 8; p += 8, n -= 8) {  // slice-by-8
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= c;
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
        t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
  }
  for (; n > 0; --n) c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

StatusOr<std::vector<ZipEntry>> ReadZipDirectory(const std::string& path, const char* data,
                                                 size_t size) {
  // The end of central directory record: the last signature whose comment ends the file.
  size_t eocd = size;
  if (size >= kEocdSize) {
    const size_t lowest =
        size - kEocdSize > kMaxCommentSize ? size - kEocdSize - kMaxCommentSize : 0;
    for (size_t p = size - kEocdSize + 1; p-- > lowest;) {
      if (data[p] == 'P' && Le(data + p, 4) == kEocdSig &&
          p + kEocdSize + Le(data + p + 20, 2) == size) {
        eocd = p;
        break;
      }
    }
  }
  if (eocd == size) {
    return DataLoss(path + ": zip archive without an end of central directory record (" +
                    std::to_string(size) + " bytes): the file is truncated or corrupt");
  }
  const char* r = data + eocd;
  uint64_t disk = Le(r + 4, 2), cd_disk = Le(r + 6, 2), count_here = Le(r + 8, 2),
           count = Le(r + 10, 2);
  uint64_t cd_size = Le(r + 12, 4), cd_offset = Le(r + 16, 4);
  uint64_t limit = eocd;  // the central directory ends before this
  if (eocd >= kZip64LocatorSize && Le(r - kZip64LocatorSize, 4) == kZip64LocatorSig) {
    const uint64_t z = Le(r - kZip64LocatorSize + 8, 8);
    if (z > eocd - kZip64LocatorSize || eocd - kZip64LocatorSize - z < kZip64EocdSize ||
        Le(data + z, 4) != kZip64EocdSig) {
      return DataLoss(path + ": ZIP64 end of central directory record missing at offset " +
                      std::to_string(z));
    }
    const char* q = data + z;
    disk = Le(q + 16, 4), cd_disk = Le(q + 20, 4), count_here = Le(q + 24, 8),
    count = Le(q + 32, 8);
    cd_size = Le(q + 40, 8), cd_offset = Le(q + 48, 8);
    limit = z;
  } else if (count == kMore16 || cd_size == kMore32 || cd_offset == kMore32) {
    return DataLoss(path +
                    ": zip archive needs a ZIP64 end of central directory record but has none");
  }
  if (disk != 0 || cd_disk != 0 || count_here != count) {
    return InvalidArgument(path + ": multi-volume zip archives are not supported");
  }
  if (cd_offset > limit || cd_size > limit - cd_offset) {
    return DataLoss(path + ": central directory [" + std::to_string(cd_offset) + ", +" +
                    std::to_string(cd_size) + ") lies outside the archive (" +
                    std::to_string(size) + " bytes): truncated or corrupt");
  }
  if (count > cd_size / kCentralSize) {
    return DataLoss(path + ": central directory of " + std::to_string(cd_size) +
                    " bytes cannot hold " + std::to_string(count) + " entries");
  }

  std::vector<ZipEntry> entries;
  entries.reserve(count);
  const uint64_t cd_end = cd_offset + cd_size;
  uint64_t pos = cd_offset;
  for (uint64_t i = 0; i < count; ++i) {
    const std::string where = path + ": central directory entry " + std::to_string(i);
    if (cd_end - pos < kCentralSize || Le(data + pos, 4) != kCentralSig) {
      return DataLoss(where + ": bad signature or truncated");
    }
    const char* h = data + pos;
    ZipEntry e;
    e.flags = static_cast<uint16_t>(Le(h + 8, 2));
    e.method = static_cast<uint16_t>(Le(h + 10, 2));
    e.crc32 = static_cast<uint32_t>(Le(h + 16, 4));
    e.size = Le(h + 20, 4);
    e.uncompressed_size = Le(h + 24, 4);
    const uint64_t name_len = Le(h + 28, 2), extra_len = Le(h + 30, 2), comment_len = Le(h + 32, 2);
    uint64_t disk_start = Le(h + 34, 2), local = Le(h + 42, 4);
    if (cd_end - pos - kCentralSize < name_len + extra_len + comment_len) {
      return DataLoss(where + ": name or extra field runs past the central directory");
    }
    e.name.assign(h + kCentralSize, name_len);
    const std::string where_name = path + ": zip entry '" + PrintableForMessage(e.name) + "'";
    if (e.uncompressed_size == kMore32 || e.size == kMore32 || local == kMore32 ||
        disk_start == kMore16) {
      RETURN_IF_ERROR(ReadZip64Extra(where_name, h + kCentralSize + name_len, extra_len,
                                     &e.uncompressed_size, &e.size, &local, &disk_start));
    }
    if (disk_start != 0)
      return InvalidArgument(where_name + ": on another volume (multi-volume archive)");
    pos += kCentralSize + name_len + extra_len + comment_len;

    // The local header: its own name and extra field lengths place the data.
    if (local > cd_offset || cd_offset - local < kLocalSize || Le(data + local, 4) != kLocalSig) {
      return DataLoss(where_name + ": no local header at offset " + std::to_string(local));
    }
    const uint64_t local_name = Le(data + local + 26, 2), local_extra = Le(data + local + 28, 2);
    e.data_offset = local + kLocalSize + local_name + local_extra;
    if (local_name != name_len || e.data_offset > cd_offset ||
        std::memcmp(data + local + kLocalSize, e.name.data(), name_len) != 0) {
      return DataLoss(where_name + ": local header at offset " + std::to_string(local) +
                      " does not match the central directory");
    }
    if (e.size > cd_offset - e.data_offset) {
      return DataLoss(where_name + ": its " + std::to_string(e.size) + " bytes at offset " +
                      std::to_string(e.data_offset) + " run past the end of the entries");
    }
    if (e.method == 0 && e.size != e.uncompressed_size) {
      return DataLoss(where_name + ": stored entry with compressed size " + std::to_string(e.size) +
                      " != uncompressed size " + std::to_string(e.uncompressed_size));
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace bioner::model_internal
