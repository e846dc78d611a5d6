// IOB2: see readers.h. The text is rebuilt from the tokens (one space between tokens, "\n"
// between sentences), so every span matches its tokens by construction. An I- tag that does
// not continue an entity of the same type starts one and is counted.
#include "core/formats/common.h"
#include "core/formats/readers.h"
#include "core/util/utf8.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "iob2";
constexpr char kHeader[] = "###MEDLINE:";
constexpr char kStrayInside[] = "I- tag without a preceding B- of its type (starts an entity)";

struct Builder {
  std::string id, where;
  std::string text;
  size_t length = 0;  // code points of text
  bool sentence_open = false;
  bool entity_open = false;
  std::vector<RawMention> mentions;

  void Token(std::string_view token) {
    if (sentence_open) {
      text += ' ';
      ++length;
    } else if (!text.empty()) {
      text += '\n';
      ++length;
    }
    sentence_open = true;
    text += token;
    length += utf8::Length(token);
  }
  void EndSentence() {
    sentence_open = false;
    entity_open = false;
  }
};

Status Finish(Builder* b, std::vector<Document>* docs, CorpusReport* report) {
  if (b->id.empty()) return Status::Ok();
  StatusOr<Document> doc = Document::Create(b->id, {{"text", 0, std::move(b->text)}});
  if (!doc.ok()) return doc.status().WithContext(b->where);
  RETURN_IF_ERROR(AddMentions(&*doc, std::move(b->mentions), report));
  docs->push_back(std::move(doc).value());
  *b = Builder();
  return Status::Ok();
}

Status ReadOneFile(const std::string& path, std::vector<Document>* docs, CorpusReport* report) {
  ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(path));
  const std::vector<std::string_view> lines = SplitLines(data);
  const bool has_headers = data.find(kHeader) != std::string::npos;
  Builder b;
  if (!has_headers) {
    b.id = Stem(path);
    b.where = path;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = FileLine(path, i + 1);
    const std::string_view line = lines[i];
    if (StartsWith(line, kHeader)) {
      RETURN_IF_ERROR(Finish(&b, docs, report));
      b.id = std::string(Trim(line.substr(sizeof(kHeader) - 1)));
      b.where = where;
      if (b.id.empty()) return InvalidArgument(where + ": empty document id in header");
      continue;
    }
    if (Trim(line).empty()) {
      b.EndSentence();
      continue;
    }
    if (b.id.empty()) return InvalidArgument(where + ": token before the first " + kHeader);
    const std::vector<std::string_view> cols = Split(line, '\t');
    if (cols.size() != 2 || cols[0].empty()) {
      return InvalidArgument(where + ": expected 'token<TAB>tag', got '" + std::string(line) + "'");
    }
    const std::string_view tag = cols[1];
    const size_t start = b.length + (b.sentence_open || !b.text.empty() ? 1 : 0);
    b.Token(cols[0]);
    if (tag == "O") {
      b.entity_open = false;
      continue;
    }
    if (tag.size() < 3 || (tag[0] != 'B' && tag[0] != 'I') || tag[1] != '-') {
      return InvalidArgument(where + ": tag '" + std::string(tag) + "' is not O, B-x or I-x");
    }
    const std::string type(tag.substr(2));
    const bool continues = tag[0] == 'I' && b.entity_open && b.mentions.back().type == type;
    if (continues) {
      b.mentions.back().fragments.back().second = b.length;
      continue;
    }
    if (tag[0] == 'I') report->Add(kStrayInside, where + ": document '" + b.id + "'");
    RawMention m;
    m.type = type;
    m.where = where;
    m.fragments.push_back({start, b.length});
    b.mentions.push_back(std::move(m));
    b.entity_open = true;
  }
  return Finish(&b, docs, report);
}

}  // namespace

StatusOr<std::vector<Document>> ReadIob2(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  ASSIGN_OR_RETURN(const std::vector<std::string> files, ListFiles(input, kFormat, {".iob2"}));
  std::vector<Document> docs;
  for (const std::string& f : files) RETURN_IF_ERROR(ReadOneFile(f, &docs, report));
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
