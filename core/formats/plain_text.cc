// Plain text: see readers.h. Blocks are separated by lines that are empty or whitespace;
// a block's lines keep their "\n" between them.
#include "core/formats/common.h"
#include "core/formats/readers.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "plain_text";

}  // namespace

StatusOr<std::vector<Document>> ReadPlainText(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  // Any name: plain text has no conventional extension.
  ASSIGN_OR_RETURN(std::vector<std::string> files, ListFiles(input, kFormat, {""}));
  std::vector<Document> docs;
  for (const std::string& path : files) {
    ASSIGN_OR_RETURN(std::string text, ReadUtf8File(path));
    std::string block;
    auto flush = [&]() -> Status {
      if (block.empty()) return Status::Ok();
      const std::string id = std::to_string(docs.size() + 1);
      StatusOr<Document> doc = Document::Create(id, {Passage{"text", 0, block}});
      if (!doc.ok()) return doc.status().WithContext(path);
      docs.push_back(std::move(*doc));
      block.clear();
      return Status::Ok();
    };
    for (std::string_view line : SplitLines(text)) {
      if (Trim(line).empty()) {
        RETURN_IF_ERROR(flush());
      } else {
        if (!block.empty()) block += '\n';
        block += line;
      }
    }
    RETURN_IF_ERROR(flush());
  }
  return docs;
}

}  // namespace bioner::formats
