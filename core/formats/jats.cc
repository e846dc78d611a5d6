// PMC JATS (.nxml): see readers.h. Passages: the article title, each abstract paragraph and
// each body paragraph, in document order. Floats (figures, tables, formulas) and footnotes
// inside paragraphs are left out: they are not running text.
#include <pugixml.hpp>

#include <algorithm>

#include "core/formats/common.h"
#include "core/formats/readers.h"
#include "core/formats/xml_text.h"
#include "core/util/utf8.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "jats";
const std::vector<std::string> kNotText = {"table-wrap", "fig", "disp-formula", "fn",
                                           "table-wrap-foot", "supplementary-material"};

std::string ArticleId(const pugi::xml_node& meta, const std::string& path) {
  std::string pmid, first;
  for (pugi::xml_node id : meta.children("article-id")) {
    const std::string type = id.attribute("pub-id-type").value();
    const std::string value = FlatText(id);
    if (value.empty()) continue;
    if (type == "pmc" || type == "pmcid") {
      return StartsWith(value, "PMC") ? value : "PMC" + value;
    }
    if (type == "pmid" && pmid.empty()) pmid = value;
    if (first.empty()) first = value;
  }
  if (!pmid.empty()) return pmid;
  return first.empty() ? Stem(path) : first;
}

// Every <p> below `node` not inside another <p> or a float, in document order.
void Paragraphs(const pugi::xml_node& node, std::vector<pugi::xml_node>* out) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string name = child.name();
    if (name == "p") {
      out->push_back(child);
    } else if (std::find(kNotText.begin(), kNotText.end(), name) == kNotText.end()) {
      Paragraphs(child, out);
    }
  }
}

Status ReadFileInto(const std::string& path, std::vector<Document>* docs) {
  ASSIGN_OR_RETURN(std::string text, ReadUtf8File(path));
  pugi::xml_document xml;
  RETURN_IF_ERROR(ParseXml(text, path, &xml));
  const pugi::xml_node article = xml.child("article");
  if (!article) return InvalidArgument(path + ": no <article> root element");
  const pugi::xml_node meta = article.child("front").child("article-meta");
  std::vector<Passage> passages;
  size_t offset = 0;
  auto add = [&](const char* type, std::string t) {
    if (t.empty()) return;
    const size_t len = utf8::Length(t);
    passages.push_back({type, offset, std::move(t)});
    offset += len + 1;
  };
  add("title", FlatText(meta.child("title-group").child("article-title"), kNotText));
  for (pugi::xml_node abstract : meta.children("abstract")) {
    // Only the main abstract: "abstract-type" marks summaries, teasers, graphical abstracts.
    if (abstract.attribute("abstract-type")) continue;
    std::vector<pugi::xml_node> ps;
    Paragraphs(abstract, &ps);
    for (const pugi::xml_node& p : ps) add("abstract", FlatText(p, kNotText));
  }
  std::vector<pugi::xml_node> ps;
  Paragraphs(article.child("body"), &ps);
  for (const pugi::xml_node& p : ps) add("paragraph", FlatText(p, kNotText));
  const std::string id = ArticleId(meta, path);
  StatusOr<Document> doc = Document::Create(id, std::move(passages));
  if (!doc.ok()) return doc.status().WithContext(path);
  docs->push_back(std::move(*doc));
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<Document>> ReadJats(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  ASSIGN_OR_RETURN(std::vector<std::string> files, ListFiles(input, kFormat, {".nxml"}));
  std::vector<Document> docs;
  for (const std::string& f : files) RETURN_IF_ERROR(ReadFileInto(f, &docs));
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
