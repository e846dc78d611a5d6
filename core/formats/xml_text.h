// The XML helpers of the format readers: the one parse (ParseXml, whose error names the file
// and line) that every XML reader uses (BioC XML, PPI XML, OSIRIS, PubMed XML, JATS), and the
// text of elements for the article readers (PubMed XML, JATS): inline markup (<i>, <sup>,
// <xref>, ...) is flattened to its text and whitespace runs become one space, because these
// formats carry no offsets that the flattening could invalidate. Internal to core/formats.
// Stateless; thread-safe.
#ifndef BIONER_CORE_FORMATS_XML_TEXT_H_
#define BIONER_CORE_FORMATS_XML_TEXT_H_

#include <pugixml.hpp>

#include <string>
#include <vector>

#include "core/util/status.h"

namespace bioner::formats {

// All character data below `node` in document order, except inside elements named in
// `skip`, with whitespace collapsed and trimmed.
std::string FlatText(const pugi::xml_node& node, const std::vector<std::string>& skip = {});

// The whole file, gunzipped when it is gzip-compressed (by content, not by name).
StatusOr<std::string> ReadMaybeGzipped(const std::string& path);

// Parses `text` (from `path`, for messages) into `doc`; the error names the file and line.
Status ParseXml(const std::string& text, const std::string& path, pugi::xml_document* doc);

}  // namespace bioner::formats

#endif  // BIONER_CORE_FORMATS_XML_TEXT_H_
