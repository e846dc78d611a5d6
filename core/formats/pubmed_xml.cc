// PubMed / MEDLINE XML: see readers.h. Both the current <PubmedArticleSet> (baseline and
// update files) and the pre-2017 <MedlineCitationSet> hold <MedlineCitation> elements with
// the same inside, so one function reads a citation and the two roots only differ in where
// the citations sit.
#include <pugixml.hpp>

#include "core/formats/common.h"
#include "core/formats/readers.h"
#include "core/formats/xml_text.h"
#include "core/util/utf8.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "pubmed_xml";
constexpr char kNoText[] = "citation without title or abstract skipped";
constexpr char kBook[] = "PubmedBookArticle skipped (not a journal citation)";

// One citation; a citation with neither title nor abstract yields no document (counted).
Status ReadCitation(const pugi::xml_node& citation, const std::string& where,
                    std::vector<Document>* docs, CorpusReport* report) {
  const std::string pmid = FlatText(citation.child("PMID"));
  if (pmid.empty()) return InvalidArgument(where + ": MedlineCitation without <PMID>");
  const pugi::xml_node article = citation.child("Article");
  const std::string title = FlatText(article.child("ArticleTitle"));
  std::string abstract;
  for (pugi::xml_node t : article.child("Abstract").children("AbstractText")) {
    const std::string part = FlatText(t);
    if (part.empty()) continue;
    if (!abstract.empty()) abstract += ' ';
    abstract += part;
  }
  std::vector<Passage> passages;
  size_t offset = 0;
  for (auto [type, text] : {std::pair<const char*, const std::string&>{"title", title},
                            {"abstract", abstract}}) {
    if (text.empty()) continue;
    passages.push_back({type, offset, text});
    offset += utf8::Length(text) + 1;
  }
  if (passages.empty()) {
    report->Add(kNoText, "PMID " + pmid);
    return Status::Ok();
  }
  StatusOr<Document> doc = Document::Create(pmid, std::move(passages));
  if (!doc.ok()) return doc.status().WithContext(where);
  docs->push_back(std::move(*doc));
  return Status::Ok();
}

Status ReadFileInto(const std::string& path, std::vector<Document>* docs, CorpusReport* report) {
  ASSIGN_OR_RETURN(std::string text, ReadMaybeGzipped(path));
  pugi::xml_document xml;
  RETURN_IF_ERROR(ParseXml(text, path, &xml));
  const LineIndex lines(text);
  auto where = [&](const pugi::xml_node& n) {
    return FileLine(path, lines.LineOf(static_cast<size_t>(n.offset_debug())));
  };
  const pugi::xml_node root = xml.document_element();
  const std::string root_name = root.name();
  if (root_name != "PubmedArticleSet" && root_name != "MedlineCitationSet") {
    return InvalidArgument(path + ": root element <" + root_name +
                           "> is neither <PubmedArticleSet> nor <MedlineCitationSet>");
  }
  for (pugi::xml_node n : root.children()) {
    if (n.type() != pugi::node_element) continue;
    const std::string name = n.name();
    if (name == "PubmedArticle") {
      RETURN_IF_ERROR(ReadCitation(n.child("MedlineCitation"), where(n), docs, report));
    } else if (name == "MedlineCitation") {
      RETURN_IF_ERROR(ReadCitation(n, where(n), docs, report));
    } else if (name == "DeleteCitation") {
      for (pugi::xml_node id : n.children("PMID")) {
        report->Add(kPubmedDeleteCitation, "PMID " + FlatText(id) + " (" + where(id) + ")");
      }
    } else if (name == "PubmedBookArticle") {
      report->Add(kBook, where(n));
    } else {
      return InvalidArgument(where(n) + ": unexpected element <" + name + "> in <" +
                             root_name + ">");
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<Document>> ReadPubmedXml(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  ASSIGN_OR_RETURN(std::vector<std::string> files, ListFiles(input, kFormat, {".xml", ".xml.gz"}));
  std::vector<Document> docs;
  for (const std::string& f : files) RETURN_IF_ERROR(ReadFileInto(f, &docs, report));
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
