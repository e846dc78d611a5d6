#include "core/text/pretokenize.h"

#include <limits>
#include <string>

namespace bioner::text {

Status CheckPreTokenizeInput(std::string_view text) {
  if (text.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return InvalidArgument("text of " + std::to_string(text.size()) +
                           " bytes is too long; the limit is 2^31 - 1");
  }
  return utf8::Validate(text, "text");
}

}  // namespace bioner::text
