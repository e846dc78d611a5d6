// BioC XML: see readers.h. Location offsets are code points of the document (passage
// offsets included), which is exactly how Document places passages, so no conversion is
// needed. Option drop_line removes lines (Variome's "** IGNORE LINE **") and shifts later
// offsets; mentions on a removed line are dropped and counted. Option replace_from/replace_to
// repairs damaged text whose offsets already count the repaired form (Variome's "\uFFFD?" for
// one lost closing quote: 478 mentions misalign without it); every replacement is counted.
#include <pugixml.hpp>

#include "core/formats/common.h"
#include "core/formats/xml_text.h"
#include "core/formats/readers.h"
#include "core/util/utf8.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "bioc_xml";
constexpr char kTouchesEdit[] = "mention on a line removed by option drop_line dropped";
constexpr char kLineDropped[] = "line removed by option drop_line";
constexpr char kTextReplaced[] = "text replaced by option replace_from/replace_to";

// A range of code points [start, end) of the document, as its offsets count, that was removed.
struct Removed {
  size_t start, end;
};

// Maps [s, e) past the removed ranges; false if it overlaps one (its new offsets would be a
// guess).
bool MapSpan(const std::vector<Removed>& removed, size_t* s, size_t* e) {
  size_t shift_s = 0, shift_e = 0;
  for (const Removed& r : removed) {
    if (r.start < *e && *s < r.end) return false;
    if (r.end <= *s) shift_s += r.end - r.start;
    if (r.end <= *e) shift_e += r.end - r.start;
  }
  *s -= shift_s;
  *e -= shift_e;
  return true;
}

// Removes every line of `text` (at document offset `offset`) equal to `literal`, with its
// "\n"; records the removed ranges in `removed`.
std::string DropLines(const std::string& text, size_t offset, const std::string& literal,
                      std::vector<Removed>* removed) {
  std::string kept;
  size_t cp = offset;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    const size_t stop = nl == std::string::npos ? text.size() : nl + 1;
    const std::string_view line(text.data() + pos, stop - pos);
    const size_t len = utf8::Length(line);
    std::string_view bare = line;
    if (!bare.empty() && bare.back() == '\n') bare.remove_suffix(1);
    if (bare == literal) {
      removed->push_back({cp, cp + len});
    } else {
      kept += line;
    }
    cp += len;
    pos = stop;
  }
  return kept;
}

// Replaces every occurrence of `from` in `text` by `to`; returns how many.
size_t Replace(std::string* text, const std::string& from, const std::string& to) {
  size_t n = 0;
  for (size_t at = text->find(from); at != std::string::npos; at = text->find(from, at)) {
    text->replace(at, from.size(), to);
    at += to.size();
    ++n;
  }
  return n;
}

struct Options {
  std::string drop_line, replace_from, replace_to;
};

Status ReadDocument(const pugi::xml_node& node, const std::string& path, const LineIndex& lines,
                    const Options& options, std::vector<Document>* docs, CorpusReport* report) {
  auto where_of = [&](const pugi::xml_node& n) {
    return FileLine(path, lines.LineOf(static_cast<size_t>(n.offset_debug())));
  };
  const std::string id(Trim(node.child_value("id")));
  if (id.empty()) return InvalidArgument(where_of(node) + ": <document> without an <id>");
  std::vector<Passage> passages;
  std::vector<Removed> removed;
  std::vector<RawMention> mentions;
  for (pugi::xml_node p : node.children("passage")) {
    const std::string where = where_of(p);
    ASSIGN_OR_RETURN(size_t offset,
                     ParseIndex(Trim(p.child_value("offset")), where, "passage <offset>"));
    Passage passage;
    passage.offset = offset;
    passage.text = p.child_value("text");
    for (pugi::xml_node infon : p.children("infon")) {
      if (std::string_view(infon.attribute("key").value()) == "type") {
        passage.type = infon.child_value();
      }
    }
    RETURN_IF_ERROR(utf8::Validate(passage.text, where + ": passage text"));
    // The offsets count the replaced text (the file's text is what is damaged), so a
    // replacement shifts nothing; removed lines do shift later offsets.
    if (!options.replace_from.empty()) {
      const size_t n = Replace(&passage.text, options.replace_from, options.replace_to);
      for (size_t i = 0; i < n; ++i) report->Add(kTextReplaced, "document '" + id + "'");
    }
    if (!options.drop_line.empty()) {
      const size_t before = removed.size();
      passage.text = DropLines(passage.text, offset, options.drop_line, &removed);
      for (size_t i = before; i < removed.size(); ++i) report->Add(kLineDropped, "");
    }
    passages.push_back(std::move(passage));
    if (p.child("sentence").child("annotation")) {
      return Unimplemented(where_of(p.child("sentence")) +
                           ": sentence-level BioC annotations are not supported");
    }
    for (pugi::xml_node a : p.children("annotation")) {
      RawMention m;
      m.where = where_of(a) + " annotation '" + a.attribute("id").value() + "'";
      for (pugi::xml_node infon : a.children("infon")) {
        if (std::string_view(infon.attribute("key").value()) == "type") {
          m.type = infon.child_value();
        }
      }
      m.text = a.child_value("text");
      for (pugi::xml_node loc : a.children("location")) {
        ASSIGN_OR_RETURN(size_t s,
                         ParseIndex(loc.attribute("offset").value(), m.where, "location offset"));
        ASSIGN_OR_RETURN(size_t len,
                         ParseIndex(loc.attribute("length").value(), m.where, "location length"));
        m.fragments.push_back({s, s + len});
      }
      if (m.fragments.empty()) return InvalidArgument(m.where + ": annotation without <location>");
      mentions.push_back(std::move(m));
    }
  }
  if (!removed.empty()) {
    for (Passage& p : passages) {
      size_t end = p.offset;
      MapSpan(removed, &p.offset, &end);
    }
    std::vector<RawMention> kept;
    for (RawMention& m : mentions) {
      bool ok = true;
      for (auto& [s, e] : m.fragments) ok = MapSpan(removed, &s, &e) && ok;
      if (ok) {
        kept.push_back(std::move(m));
      } else {
        report->Add(kTouchesEdit,
                    m.where + ": document '" + id + "' " + m.type + " '" + m.text + "'");
      }
    }
    mentions = std::move(kept);
  }
  StatusOr<Document> doc = Document::Create(id, std::move(passages));
  if (!doc.ok()) return doc.status().WithContext(where_of(node));
  RETURN_IF_ERROR(AddMentions(&*doc, std::move(mentions), report));
  docs->push_back(std::move(doc).value());
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<Document>> ReadBiocXml(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {"drop_line", "replace_from", "replace_to"}));
  const Options options{Option(input, "drop_line", ""), Option(input, "replace_from", ""),
                        Option(input, "replace_to", "")};
  if (options.replace_from.empty() != !input.options.count("replace_to")) {
    return InvalidArgument(std::string(kFormat) + ": corpus '" + input.corpus +
                           "': options replace_from and replace_to go together");
  }
  ASSIGN_OR_RETURN(const std::vector<std::string> files, ListFiles(input, kFormat, {".xml"}));
  std::vector<Document> docs;
  for (const std::string& path : files) {
    ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(path));
    const LineIndex lines(data);
    pugi::xml_document xml;
    RETURN_IF_ERROR(ParseXml(data, path, &xml));
    const pugi::xml_node collection = xml.child("collection");
    if (!collection) return InvalidArgument(path + ": not BioC XML (no <collection> root)");
    for (pugi::xml_node d : collection.children("document")) {
      RETURN_IF_ERROR(ReadDocument(d, path, lines, options, &docs, report));
    }
  }
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
