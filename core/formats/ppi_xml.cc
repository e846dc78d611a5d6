// Unified PPI-corpus XML: see readers.h. Entity charOffsets are relative to their sentence,
// sentence charOffsets relative to their document; both have an exclusive end (checked on
// BioInfer, IEPA and HPRD50: every contiguous entity's text matches).
#include <pugixml.hpp>

#include "core/formats/common.h"
#include "core/formats/xml_text.h"
#include "core/formats/readers.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "ppi_xml";

// "a-b" or "a-b,c-d" -> fragments shifted by `base`.
Status ParseOffsets(std::string_view spec, size_t base, const std::string& where,
                    std::vector<std::pair<size_t, size_t>>* out) {
  for (std::string_view part : Split(spec, ',')) {
    const std::vector<std::string_view> se = Split(Trim(part), '-');
    if (se.size() != 2) {
      return InvalidArgument(where + ": charOffset '" + std::string(spec) + "' is not 'a-b[,c-d]'");
    }
    ASSIGN_OR_RETURN(size_t s, ParseIndex(se[0], where, "charOffset start"));
    ASSIGN_OR_RETURN(size_t e, ParseIndex(se[1], where, "charOffset end"));
    out->push_back({base + s, base + e});
  }
  return Status::Ok();
}

struct Context {
  std::string path;
  const LineIndex* lines;
  std::string label;  // overrides entity types when not empty
  std::string Where(const pugi::xml_node& n) const {
    return FileLine(path, lines->LineOf(static_cast<size_t>(n.offset_debug())));
  }
};

// Appends the entities of `sentence`, whose text starts at document offset `base`.
Status SentenceMentions(const Context& c, const pugi::xml_node& sentence, size_t base,
                        std::vector<RawMention>* out) {
  for (pugi::xml_node e : sentence.children("entity")) {
    RawMention m;
    m.where = c.Where(e) + " entity '" + e.attribute("id").value() + "'";
    m.type = c.label.empty() ? e.attribute("type").value() : c.label;
    if (m.type.empty()) {
      return InvalidArgument(m.where + ": entity without a type (set the option 'label')");
    }
    m.text = e.attribute("text").value();
    RETURN_IF_ERROR(ParseOffsets(e.attribute("charOffset").value(), base, m.where, &m.fragments));
    out->push_back(std::move(m));
  }
  return Status::Ok();
}

StatusOr<Document> MakeDocument(const std::string& id, std::vector<Passage> passages,
                                std::vector<RawMention> mentions, const std::string& where,
                                CorpusReport* report) {
  StatusOr<Document> doc = Document::Create(id, std::move(passages));
  if (!doc.ok()) return doc.status().WithContext(where);
  RETURN_IF_ERROR(AddMentions(&*doc, std::move(mentions), report));
  return doc;
}

}  // namespace

StatusOr<std::vector<Document>> ReadPpiXml(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {"ids", "label"}));
  const std::string ids = Option(input, "ids", "document");
  if (ids != "document" && ids != "sentence_index") {
    return InvalidArgument(std::string(kFormat) + ": corpus '" + input.corpus + "': option ids='" +
                           ids + "' (expected document or sentence_index)");
  }
  ASSIGN_OR_RETURN(const std::vector<std::string> files, ListFiles(input, kFormat, {".xml"}));
  std::vector<Document> docs;
  size_t sentence_index = 0;
  for (const std::string& path : files) {
    ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(path));
    const LineIndex lines(data);
    pugi::xml_document xml;
    RETURN_IF_ERROR(ParseXml(data, path, &xml));
    const pugi::xml_node corpus = xml.child("corpus");
    if (!corpus) return InvalidArgument(path + ": not PPI-corpus XML (no <corpus> root)");
    const Context c{path, &lines, Option(input, "label", "")};
    for (pugi::xml_node d : corpus.children("document")) {
      const std::string doc_where = c.Where(d);
      std::vector<Passage> passages;
      std::vector<RawMention> mentions;
      for (pugi::xml_node s : d.children("sentence")) {
        const std::string where = c.Where(s);
        const std::string text = s.attribute("text").value();
        if (ids == "sentence_index") {
          std::vector<RawMention> own;
          RETURN_IF_ERROR(SentenceMentions(c, s, 0, &own));
          ASSIGN_OR_RETURN(Document doc,
                           MakeDocument(std::to_string(sentence_index++), {{"sentence", 0, text}},
                                        std::move(own), where, report));
          docs.push_back(std::move(doc));
          continue;
        }
        std::vector<std::pair<size_t, size_t>> span;
        RETURN_IF_ERROR(ParseOffsets(s.attribute("charOffset").value(), 0, where, &span));
        if (span.size() != 1) return InvalidArgument(where + ": sentence charOffset is not 'a-b'");
        passages.push_back({"sentence", span[0].first, text});
        RETURN_IF_ERROR(SentenceMentions(c, s, span[0].first, &mentions));
      }
      if (ids == "sentence_index") continue;
      std::string id = d.attribute("id").value();
      if (id.empty()) return InvalidArgument(doc_where + ": <document> without an id");
      for (char& ch : id) {
        if (ch == '.') ch = '_';
      }
      ASSIGN_OR_RETURN(Document doc, MakeDocument(id, std::move(passages), std::move(mentions),
                                                  doc_where, report));
      docs.push_back(std::move(doc));
    }
  }
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
