// ASCII string helpers: whitespace for the line- and key-based formats bioner reads (corpus
// files, token files, logs), and XML escaping for what it writes. Whitespace here is the six ASCII characters " \t\n\r\f\v": these
// formats never treat Unicode spaces as separators, and code-point-level rules live in
// core/text. Stateless; thread-safe.
#ifndef BIONER_CORE_UTIL_STRINGS_H_
#define BIONER_CORE_UTIL_STRINGS_H_

#include <string>
#include <string_view>

namespace bioner {

bool IsAsciiSpace(char c);

// `s` without leading and trailing ASCII whitespace (a view into `s`).
std::string_view Trim(std::string_view s);

// `s` with &, <, > and " escaped, for XML text and attribute values (BioC XML, SVG).
std::string XmlEscape(std::string_view s);

}  // namespace bioner

#endif  // BIONER_CORE_UTIL_STRINGS_H_
