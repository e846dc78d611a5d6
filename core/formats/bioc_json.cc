// BioC JSON: see readers.h. The same model as BioC XML (ReadBiocXml) in JSON syntax; locations
// are code points of the document. nlohmann::json exceptions stay inside ParseCollection.
#include <nlohmann/json.hpp>

#include "core/formats/common.h"
#include "core/formats/readers.h"
#include "core/util/utf8.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "bioc_json";
using Json = nlohmann::json;

std::string Infon(const Json& obj, const char* key) {
  const auto infons = obj.find("infons");
  if (infons == obj.end() || !infons->is_object()) return "";
  const auto v = infons->find(key);
  return v != infons->end() && v->is_string() ? v->get<std::string>() : "";
}

// A JSON id may be a number ("id": 123) in files written by other tools.
std::string IdString(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return "";
}

size_t Index(const Json& v, const std::string& where, const char* what) {
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<long long>() >= 0)) {
    throw std::invalid_argument(where + ": " + what + " is not a non-negative integer");
  }
  return v.get<size_t>();
}

Status ReadDocument(const Json& d, const std::string& where_file, std::vector<Document>* docs,
                    CorpusReport* report) {
  const std::string id = d.contains("id") ? IdString(d["id"]) : "";
  if (id.empty()) return InvalidArgument(where_file + ": document without an \"id\"");
  const std::string where = where_file + " document '" + id + "'";
  std::vector<Passage> passages;
  std::vector<RawMention> mentions;
  for (const Json& p : d.value("passages", Json::array())) {
    Passage passage;
    passage.type = Infon(p, "type");
    passage.offset = Index(p.value("offset", Json(0)), where, "passage offset");
    passage.text = p.value("text", std::string());
    RETURN_IF_ERROR(utf8::Validate(passage.text, where + ": passage text"));
    for (const Json& s : p.value("sentences", Json::array())) {
      if (!s.value("annotations", Json::array()).empty()) {
        return Unimplemented(where + ": sentence-level BioC annotations are not supported");
      }
    }
    for (const Json& a : p.value("annotations", Json::array())) {
      RawMention m;
      m.where = where + " annotation '" + IdString(a.value("id", Json(""))) + "'";
      m.type = Infon(a, "type");
      m.text = a.value("text", std::string());
      for (const Json& loc : a.value("locations", Json::array())) {
        const size_t s = Index(loc.at("offset"), m.where, "location offset");
        const size_t len = Index(loc.at("length"), m.where, "location length");
        m.fragments.push_back({s, s + len});
      }
      if (m.fragments.empty()) return InvalidArgument(m.where + ": annotation without locations");
      mentions.push_back(std::move(m));
    }
    passages.push_back(std::move(passage));
  }
  StatusOr<Document> doc = Document::Create(id, std::move(passages));
  if (!doc.ok()) return doc.status().WithContext(where_file);
  RETURN_IF_ERROR(AddMentions(&*doc, std::move(mentions), report));
  docs->push_back(std::move(doc).value());
  return Status::Ok();
}

Status ReadFileInto(const std::string& path, std::vector<Document>* docs, CorpusReport* report) {
  ASSIGN_OR_RETURN(std::string text, ReadUtf8File(path));
  try {
    const Json root = Json::parse(text);
    const auto documents = root.find("documents");
    if (!root.is_object() || documents == root.end() || !documents->is_array()) {
      return InvalidArgument(path + ": not a BioC JSON collection (no \"documents\" array)");
    }
    for (const Json& d : *documents) RETURN_IF_ERROR(ReadDocument(d, path, docs, report));
  } catch (const std::exception& e) {
    return InvalidArgument(path + ": BioC JSON: " + e.what());
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<Document>> ReadBiocJson(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  ASSIGN_OR_RETURN(std::vector<std::string> files, ListFiles(input, kFormat, {".json", ".JSON"}));
  std::vector<Document> docs;
  for (const std::string& f : files) RETURN_IF_ERROR(ReadFileInto(f, &docs, report));
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
