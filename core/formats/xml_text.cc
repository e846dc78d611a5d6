#include "core/formats/xml_text.h"

#include <zlib.h>

#include <algorithm>

#include "core/formats/common.h"

namespace bioner::formats {
namespace {

void Collect(const pugi::xml_node& node, const std::vector<std::string>& skip,
             std::string* out) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      *out += child.value();
    } else if (child.type() == pugi::node_element) {
      if (std::find(skip.begin(), skip.end(), child.name()) != skip.end()) continue;
      Collect(child, skip, out);
    }
  }
}

}  // namespace

std::string FlatText(const pugi::xml_node& node, const std::vector<std::string>& skip) {
  std::string raw;
  Collect(node, skip, &raw);
  std::string out;
  bool space = false;
  for (char c : raw) {
    if (IsAsciiSpace(c)) {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

StatusOr<std::string> ReadMaybeGzipped(const std::string& path) {
  // gzread passes uncompressed files through unchanged, so one code path reads both.
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return NotFound(path + ": cannot open");
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  int errnum = 0;
  const char* msg = gzerror(f, &errnum);
  const std::string error = (n < 0 || errnum < 0) ? std::string(msg) : "";
  gzclose(f);
  if (!error.empty()) return DataLoss(path + ": gzip: " + error);
  return out;
}

Status ParseXml(const std::string& text, const std::string& path, pugi::xml_document* doc) {
  const pugi::xml_parse_result r = doc->load_buffer(text.data(), text.size());
  if (!r) {
    const LineIndex lines(text);
    return InvalidArgument(FileLine(path, lines.LineOf(static_cast<size_t>(r.offset))) +
                           ": XML: " + r.description());
  }
  return Status::Ok();
}

}  // namespace bioner::formats
