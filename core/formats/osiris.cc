// OSIRIS: see readers.h. Annotation spans "s..e" are code points of articleNN.txt, end
// exclusive (checked against gene names by hand); they state no mention text, so only their
// range is checked. Documents are driven by the .ann files; a .txt without one (README.txt)
// is skipped and counted, and so is an empty article whose .ann has no mentions.
#include <map>
#include <pugixml.hpp>

#include "core/formats/common.h"
#include "core/formats/xml_text.h"
#include "core/util/file.h"
#include "core/formats/readers.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "osiris";
constexpr char kNoAnn[] = "text file without a .ann file skipped";
constexpr char kEmpty[] = "empty article without annotations skipped";

Status ReadAnnotations(const std::string& path, std::vector<RawMention>* out) {
  ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(path));
  const LineIndex lines(data);
  pugi::xml_document xml;
  RETURN_IF_ERROR(ParseXml(data, path, &xml));
  if (!xml.child("AnnotationFile")) return InvalidArgument(path + ": no <AnnotationFile> root");
  for (pugi::xpath_node x : xml.select_nodes("//Annotation")) {
    const pugi::xml_node a = x.node();
    const std::string type = a.attribute("type").value();
    if (type == "file") continue;  // the whole-text container, not a mention
    RawMention m;
    m.where = FileLine(path, lines.LineOf(static_cast<size_t>(a.offset_debug())));
    m.type = type;
    const std::string span = a.attribute("span").value();
    const size_t dots = span.find("..");
    if (dots == std::string::npos) {
      return InvalidArgument(m.where + ": span '" + span + "' is not 'start..end'");
    }
    ASSIGN_OR_RETURN(size_t s, ParseIndex(span.substr(0, dots), m.where, "span start"));
    ASSIGN_OR_RETURN(size_t e, ParseIndex(span.substr(dots + 2), m.where, "span end"));
    m.fragments.push_back({s, e});
    out->push_back(std::move(m));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<Document>> ReadOsiris(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  ASSIGN_OR_RETURN(const std::vector<std::string> files,
                   ListFiles(input, kFormat, {".txt", ".txt.ann"}));
  std::map<std::string, std::string> texts;  // path -> "" until paired
  std::vector<std::string> anns;
  for (const std::string& f : files) {
    if (HasExtension(f, ".ann")) {
      anns.push_back(f);
    } else {
      texts[f];
    }
  }
  std::vector<Document> docs;
  for (const std::string& ann : anns) {
    const std::string txt = ann.substr(0, ann.size() - 4);
    if (!texts.count(txt)) {
      return InvalidArgument(std::string(kFormat) + ": " + ann + ": no text file " + txt);
    }
    texts[txt] = ann;
    ASSIGN_OR_RETURN(std::string text, ReadUtf8File(txt));
    std::vector<RawMention> mentions;
    RETURN_IF_ERROR(ReadAnnotations(ann, &mentions));
    if (Trim(text).empty() && mentions.empty()) {  // article74 is empty in v0.2
      report->Add(kEmpty, txt);
      continue;
    }
    const std::string id(Trim(text.substr(0, text.find('\n'))));
    if (id.empty()) return InvalidArgument(FileLine(txt, 1) + ": expected the PMID on line 1");
    StatusOr<Document> doc = Document::Create(id, {{"text", 0, std::move(text)}});
    if (!doc.ok()) return doc.status().WithContext(txt);
    RETURN_IF_ERROR(AddMentions(&*doc, std::move(mentions), report));
    docs.push_back(std::move(doc).value());
  }
  for (const auto& [txt, ann] : texts) {
    if (ann.empty()) report->Add(kNoAnn, txt);
  }
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
