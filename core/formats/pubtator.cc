// PubTator: see readers.h. Documents are separated by blank lines; a new "|t|" line also
// starts a new document. Offsets index title + " " + abstract, which is exactly the Document
// built from a title passage at 0 and an abstract passage at len(title) + 1.
//
// Truncation (docs/FORMATS.md): a line format has no closing tag, so a file cut in the middle
// of an abstract would otherwise read as a shorter abstract. Every line of a PubTator file
// ends with a newline (PubTator's own exports and every corpus file do); a non-empty file
// whose last byte is not '\n' is refused with DATA_LOSS naming its last line, and so is one
// that ends after a title line without the abstract line.
#include <algorithm>
#include <optional>

#include "core/formats/common.h"
#include "core/formats/readers.h"
#include "core/util/file.h"
#include "core/util/utf8.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "pubtator";

struct Pending {
  std::string id;
  std::string where;  // file:line of the title
  std::optional<std::string> title, abstract;
  std::vector<RawMention> mentions;
};

// `at_end`: the file ends here, so a missing abstract line means the file was cut.
Status Finish(Pending* p, std::vector<Document>* docs, CorpusReport* report, bool at_end = false) {
  if (p->id.empty()) return Status::Ok();
  if (!p->title || !p->abstract) {
    const std::string what = p->where + ": document '" + p->id + "' lacks its " +
                             (p->title ? "|a| (abstract)" : "|t| (title)") + " line";
    if (at_end) {
      return DataLoss(what +
                      ", and the file ends there: it looks truncated (an interrupted "
                      "download or copy); fetch or copy it again");
    }
    return InvalidArgument(what);
  }
  std::vector<Passage> passages;
  passages.push_back({"title", 0, *p->title});
  passages.push_back({"abstract", utf8::Length(*p->title) + 1, *p->abstract});
  StatusOr<Document> doc = Document::Create(p->id, std::move(passages));
  if (!doc.ok()) return doc.status().WithContext(p->where);
  RETURN_IF_ERROR(AddMentions(&*doc, std::move(p->mentions), report));
  docs->push_back(std::move(doc).value());
  *p = Pending();
  return Status::Ok();
}

Status ReadOneFile(const std::string& path, std::vector<Document>* docs, CorpusReport* report) {
  ASSIGN_OR_RETURN(const std::string data, ReadFile(path));
  // Before the UTF-8 check: a cut file may also end inside a multi-byte character.
  if (!data.empty() && data.back() != '\n') {
    const size_t last_line = static_cast<size_t>(std::count(data.begin(), data.end(), '\n')) + 1;
    return DataLoss(FileLine(path, last_line) +
                    ": the file ends in the middle of this line "
                    "(no final newline), so it looks truncated (an interrupted download or "
                    "copy); fetch or copy it again, or, if the file is whole, end it with a "
                    "newline");
  }
  RETURN_IF_ERROR(utf8::Validate(data, path));
  const std::vector<std::string_view> lines = SplitLines(data);
  Pending p;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = FileLine(path, i + 1);
    const std::string_view line = lines[i];
    if (Trim(line).empty()) {
      RETURN_IF_ERROR(Finish(&p, docs, report));
      continue;
    }
    const size_t bar = line.find('|');
    const size_t tab = line.find('\t');
    if (bar != std::string_view::npos && bar < tab && line.size() >= bar + 3 &&
        line[bar + 2] == '|' && (line[bar + 1] == 't' || line[bar + 1] == 'a')) {
      const std::string id(line.substr(0, bar));
      const std::string body(line.substr(bar + 3));
      // An empty id would read as "no document pending": the document would be dropped
      // silently and its abstract lent to the next title (found writing fuzz/).
      if (id.empty()) {
        return InvalidArgument(where + ": '|t|' or '|a|' line without a document id");
      }
      if (line[bar + 1] == 't') {
        RETURN_IF_ERROR(Finish(&p, docs, report));
        p.id = id;
        p.where = where;
        p.title = body;
      } else {
        if (id != p.id || !p.title) {
          return InvalidArgument(where + ": abstract of '" + id + "' without its title line");
        }
        if (p.abstract) return InvalidArgument(where + ": second abstract line for '" + id + "'");
        p.abstract = body;
      }
      continue;
    }
    if (tab == std::string_view::npos) {
      return InvalidArgument(where + ": neither a 'id|t|', 'id|a|' nor a TAB-separated line");
    }
    const std::vector<std::string_view> f = Split(line, '\t');
    if (std::string(f[0]) != p.id) {
      return InvalidArgument(where + ": annotation for '" + std::string(f[0]) +
                             "' outside that document (current: '" + p.id + "')");
    }
    // Relation lines ("id<TAB>CID<TAB>chem<TAB>disease") carry no mention.
    if (f.size() >= 2 && !f[1].empty() && !(f[1][0] >= '0' && f[1][0] <= '9')) continue;
    if (f.size() < 5) {
      return InvalidArgument(where + ": mention line has " + std::to_string(f.size()) +
                             " fields, expected at least 5 (id start end text type)");
    }
    if (!p.abstract) return InvalidArgument(where + ": mention before the abstract line");
    RawMention m;
    ASSIGN_OR_RETURN(size_t s, ParseIndex(f[1], where, "start"));
    ASSIGN_OR_RETURN(size_t e, ParseIndex(f[2], where, "end"));
    m.fragments.push_back({s, e});
    m.text = std::string(f[3]);
    m.type = std::string(f[4]);
    m.where = where;
    p.mentions.push_back(std::move(m));
  }
  return Finish(&p, docs, report, /*at_end=*/true);
}

}  // namespace

StatusOr<std::vector<Document>> ReadPubtator(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  ASSIGN_OR_RETURN(const std::vector<std::string> files,
                   ListFiles(input, kFormat, {".txt", ".pubtator", ".PubTator"}));
  std::vector<Document> docs;
  for (const std::string& f : files) RETURN_IF_ERROR(ReadOneFile(f, &docs, report));
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
