// NERsuite (CLL): see readers.h. Token offsets are code points of the original text, end
// exclusive; the text is rebuilt by placing each token at its offsets. A token whose length
// differs from end - start, or that starts before the previous token ends, is an error.
#include "core/formats/common.h"
#include "core/formats/readers.h"
#include "core/util/utf8.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "cll_nersuite";
constexpr char kStrayInside[] = "I- tag without a preceding B- of its type (starts an entity)";

StatusOr<Document> ReadOne(const std::string& path, CorpusReport* report) {
  ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(path));
  const std::vector<std::string_view> lines = SplitLines(data);
  const std::string id = Stem(path);
  std::string text;
  size_t length = 0;  // code points of text
  bool sentence_break = false;
  bool entity_open = false;
  std::vector<RawMention> mentions;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = FileLine(path, i + 1);
    if (Trim(lines[i]).empty()) {
      sentence_break = true;
      entity_open = false;
      continue;
    }
    const std::vector<std::string_view> f = Split(lines[i], '\t');
    if (f.size() < 4) {
      return InvalidArgument(where + ": expected 'tag<TAB>start<TAB>end<TAB>token...', got " +
                             std::to_string(f.size()) + " fields");
    }
    ASSIGN_OR_RETURN(size_t s, ParseIndex(f[1], where, "start"));
    ASSIGN_OR_RETURN(size_t e, ParseIndex(f[2], where, "end"));
    const std::string_view token = f[3];
    if (s < length || e < s) {
      return InvalidArgument(where + ": token offsets " + std::string(f[1]) + "-" +
                             std::string(f[2]) + " overlap the previous token (ends at " +
                             std::to_string(length) + ")");
    }
    if (utf8::Length(token) != e - s) {
      return InvalidArgument(where + ": token '" + std::string(token) + "' does not have " +
                             std::to_string(e - s) + " characters");
    }
    if (s > length) {
      text += sentence_break && length > 0 ? '\n' : ' ';
      text.append(s - length - 1, ' ');
    }
    sentence_break = false;
    text += token;
    length = e;
    const std::string_view tag = f[0];
    if (tag == "O") {
      entity_open = false;
      continue;
    }
    if (tag.size() < 3 || (tag[0] != 'B' && tag[0] != 'I') || tag[1] != '-') {
      return InvalidArgument(where + ": tag '" + std::string(tag) + "' is not O, B-x or I-x");
    }
    const std::string type(tag.substr(2));
    if (tag[0] == 'I' && entity_open && mentions.back().type == type) {
      mentions.back().fragments.back().second = e;
      continue;
    }
    if (tag[0] == 'I') report->Add(kStrayInside, where + ": document '" + id + "'");
    RawMention m;
    m.type = type;
    m.where = where;
    m.fragments.push_back({s, e});
    mentions.push_back(std::move(m));
    entity_open = true;
  }
  StatusOr<Document> doc = Document::Create(id, {{"text", 0, std::move(text)}});
  if (!doc.ok()) return doc.status().WithContext(path);
  RETURN_IF_ERROR(AddMentions(&*doc, std::move(mentions), report));
  return doc;
}

}  // namespace

StatusOr<std::vector<Document>> ReadCllNersuite(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  ASSIGN_OR_RETURN(const std::vector<std::string> files, ListFiles(input, kFormat, {".nersuite"}));
  std::vector<Document> docs;
  for (const std::string& f : files) {
    ASSIGN_OR_RETURN(Document doc, ReadOne(f, report));
    docs.push_back(std::move(doc));
  }
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
