// SHA-256 (OpenSSL) as lower-case hex: the checksums of corpus files (core/corpus/fetch.h)
// and of the files of an imported model (bioner-tool import). Stateless; thread-safe.
#ifndef BIONER_CORE_UTIL_SHA256_H_
#define BIONER_CORE_UTIL_SHA256_H_

#include <string>
#include <string_view>

#include "core/util/status.h"

namespace bioner {

std::string Sha256Hex(std::string_view data);
// Streams the file; NOT_FOUND if it cannot be opened, DATA_LOSS on a read error.
StatusOr<std::string> Sha256File(const std::string& path);

}  // namespace bioner

#endif  // BIONER_CORE_UTIL_SHA256_H_
