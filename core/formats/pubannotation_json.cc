// PubAnnotation JSON: see readers.h. Span offsets are characters (code points) of "text",
// end exclusive. Denotations carry no mention text, so only their range is checked.
#include <nlohmann/json.hpp>

#include "core/formats/common.h"
#include "core/formats/readers.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "pubannotation_json";
using json = nlohmann::json;

StatusOr<size_t> SpanEnd(const json& span, const char* key, const std::string& where) {
  const auto it = span.find(key);
  if (it == span.end() || !it->is_number_integer() || it->get<long long>() < 0) {
    return InvalidArgument(where + ": span." + key + " missing or not a non-negative integer");
  }
  return static_cast<size_t>(it->get<long long>());
}

StatusOr<Document> ReadOne(const std::string& path, CorpusReport* report) {
  ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(path));
  json j = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument(path + ": not a JSON object");
  if (!j.contains("text") || !j["text"].is_string()) {
    return InvalidArgument(path + ": no string field 'text'");
  }
  std::string id = Stem(path);
  if (j.contains("sourcedb") && j.contains("sourceid") && j["sourcedb"].is_string() &&
      j["sourceid"].is_string()) {
    id = j["sourcedb"].get<std::string>() + "-" + j["sourceid"].get<std::string>();
  }
  StatusOr<Document> doc = Document::Create(id, {{"text", 0, j["text"].get<std::string>()}});
  if (!doc.ok()) return doc.status().WithContext(path);
  std::vector<RawMention> mentions;
  if (j.contains("denotations")) {
    const json& dens = j["denotations"];
    if (!dens.is_array()) return InvalidArgument(path + ": 'denotations' is not an array");
    for (size_t i = 0; i < dens.size(); ++i) {
      const json& d = dens[i];
      RawMention m;
      m.where = path + " denotation " + std::to_string(i);
      if (d.contains("id") && d["id"].is_string())
        m.where += " '" + d["id"].get<std::string>() + "'";
      if (!d.is_object() || !d.contains("span") || !d["span"].is_object() || !d.contains("obj") ||
          !d["obj"].is_string()) {
        return InvalidArgument(m.where + ": expected {span: {begin, end}, obj: string}");
      }
      ASSIGN_OR_RETURN(size_t s, SpanEnd(d["span"], "begin", m.where));
      ASSIGN_OR_RETURN(size_t e, SpanEnd(d["span"], "end", m.where));
      const std::string obj = d["obj"].get<std::string>();
      m.type = obj.substr(0, obj.find(':'));
      m.fragments.push_back({s, e});
      mentions.push_back(std::move(m));
    }
  }
  RETURN_IF_ERROR(AddMentions(&*doc, std::move(mentions), report));
  return doc;
}

}  // namespace

StatusOr<std::vector<Document>> ReadPubannotationJson(const FormatInput& input,
                                                      CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  ASSIGN_OR_RETURN(const std::vector<std::string> files, ListFiles(input, kFormat, {".json"}));
  std::vector<Document> docs;
  for (const std::string& f : files) {
    ASSIGN_OR_RETURN(Document doc, ReadOne(f, report));
    docs.push_back(std::move(doc));
  }
  DropDuplicateIds(&docs, report);
  return docs;
}

}  // namespace bioner::formats
