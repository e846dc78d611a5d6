// PubTator: see readers.h. Documents are separated by blank lines; a new "|t|" line also
// starts a new document. Offsets index title + " " + abstract, which is exactly the Document
// built from a title passage at 0 and an abstract passage at len(title) + 1.
#include <optional>

#include "core/corpus/formats/common.h"
#include "core/corpus/formats/readers.h"
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

Status Finish(Pending* p, std::vector<Document>* docs, CorpusReport* report) {
  if (p->id.empty()) return Status::Ok();
  if (!p->title || !p->abstract) {
    return InvalidArgument(p->where + ": document '" + p->id + "' lacks its " +
                           (p->title ? "|a| (abstract)" : "|t| (title)") + " line");
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
  ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(path));
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
  return Finish(&p, docs, report);
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
