// brat standoff: see readers.h. Offsets are code points of the .txt file; the mention text
// of a discontinuous T line is its fragments joined by one space (brat's convention).
#include <map>

#include "core/formats/common.h"
#include "core/util/file.h"
#include "core/formats/readers.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "brat";

// "Type s e;s e" -> type and fragments.
Status ParseSpan(std::string_view middle, const std::string& where, RawMention* m) {
  const size_t space = middle.find(' ');
  if (space == std::string_view::npos || space == 0) {
    return InvalidArgument(where + ": expected 'Type start end' in the second column, got '" +
                           std::string(middle) + "'");
  }
  m->type = std::string(middle.substr(0, space));
  for (std::string_view frag : Split(middle.substr(space + 1), ';')) {
    const std::vector<std::string_view> se = Split(Trim(frag), ' ');
    if (se.size() != 2) {
      return InvalidArgument(where + ": fragment '" + std::string(frag) + "' is not 'start end'");
    }
    ASSIGN_OR_RETURN(size_t s, ParseIndex(se[0], where, "start"));
    ASSIGN_OR_RETURN(size_t e, ParseIndex(se[1], where, "end"));
    m->fragments.push_back({s, e});
  }
  return Status::Ok();
}

Status ParseAnnotations(const std::string& path, std::vector<RawMention>* out) {
  ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(path));
  const std::vector<std::string_view> lines = SplitLines(data);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    // Only text-bound annotations ("T") are mentions; events, relations, attributes,
    // normalisations and notes are ignored.
    if (line.empty() || line[0] != 'T') continue;
    const std::string where = FileLine(path, i + 1);
    const std::vector<std::string_view> cols = Split(line, '\t');
    if (cols.size() < 2) return InvalidArgument(where + ": T line without a TAB-separated span");
    RawMention m;
    m.where = where;
    RETURN_IF_ERROR(ParseSpan(cols[1], where, &m));
    if (cols.size() >= 3) m.text = std::string(cols[2]);
    out->push_back(std::move(m));
  }
  return Status::Ok();
}

std::string WithoutExtension(const std::string& path) {
  return path.substr(0, path.find_last_of('.'));
}

}  // namespace

StatusOr<std::vector<Document>> ReadBrat(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  ASSIGN_OR_RETURN(const std::vector<std::string> files,
                   ListFiles(input, kFormat, {".txt", ".ann", ".a1"}));
  // Groups by path without extension, in the order of first appearance, so that with
  // duplicate stems the document listed first wins.
  struct Group {
    std::string base, text;
    std::vector<std::string> annotations;
  };
  std::vector<Group> groups;
  std::map<std::string, size_t> by_base;
  for (const std::string& f : files) {
    const std::string base = WithoutExtension(f);
    auto [it, added] = by_base.emplace(base, groups.size());
    if (added) groups.push_back({base, "", {}});
    Group& g = groups[it->second];
    if (HasExtension(f, ".txt")) {
      g.text = f;
    } else {
      g.annotations.push_back(f);
    }
  }
  std::vector<Document> docs;
  for (const Group& g : groups) {
    if (g.text.empty()) {
      return InvalidArgument(std::string(kFormat) + ": " + g.annotations.front() +
                             ": annotation file without its text file " + g.base + ".txt");
    }
    if (g.annotations.empty()) {
      return InvalidArgument(std::string(kFormat) + ": " + g.text +
                             ": text file without an annotation file (" + g.base + ".ann or .a1)");
    }
    ASSIGN_OR_RETURN(std::string text, ReadUtf8File(g.text));
    StatusOr<Document> doc = Document::Create(Stem(g.text), {{"text", 0, std::move(text)}});
    if (!doc.ok()) return doc.status().WithContext(g.text);
    std::vector<RawMention> mentions;
    for (const std::string& ann : g.annotations) {
      RETURN_IF_ERROR(ParseAnnotations(ann, &mentions));
    }
    RETURN_IF_ERROR(AddMentions(&*doc, std::move(mentions), report));
    docs.push_back(std::move(doc).value());
  }
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
