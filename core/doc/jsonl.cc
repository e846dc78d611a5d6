#include "core/doc/jsonl.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/util/utf8.h"

namespace bioner {
namespace {

using nlohmann::json;

std::string LinePrefix(size_t line_no) {
  return line_no ? "line " + std::to_string(line_no) : std::string("document");
}

// Best-effort id for error messages: parse a copy with invalid bytes replaced.
std::string GuessId(std::string_view line) {
  std::string copy(line);
  for (size_t i = 0; i < copy.size(); ++i) {
    if (static_cast<unsigned char>(copy[i]) >= 0x80) copy[i] = '?';
  }
  json j = json::parse(copy, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("id") && j["id"].is_string()) return j["id"].get<std::string>();
  return "";
}

// Reads a non-negative integer field; JSON numbers that are not exact integers are refused.
Status GetOffset(const json& obj, const char* key, const std::string& where, size_t* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return InvalidArgument(where + ": missing \"" + key + "\"");
  if (!it->is_number_integer() || (it->is_number_integer() && it->get<long long>() < 0)) {
    return InvalidArgument(where + ": \"" + key + "\" must be a non-negative integer");
  }
  *out = it->get<size_t>();
  return Status::Ok();
}

Status GetString(const json& obj, const char* key, const std::string& where, bool required,
                 std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    return required ? InvalidArgument(where + ": missing \"" + key + "\"") : Status::Ok();
  }
  if (!it->is_string()) return InvalidArgument(where + ": \"" + key + "\" must be a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

}  // namespace

StatusOr<Document> ParseDocumentJson(std::string_view line, size_t line_no) {
  std::string where = LinePrefix(line_no);
  if (Status s = utf8::Validate(line); !s.ok()) {
    std::string id = GuessId(line);
    return InvalidArgument(where + (id.empty() ? "" : " (document '" + id + "')") + ": " +
                           s.message());
  }
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument(where + ": not valid JSON");
  if (!j.is_object()) return InvalidArgument(where + ": expected a JSON object");

  std::string id;
  if (auto it = j.find("id"); it != j.end() && it->is_number_integer()) {
    id = std::to_string(it->get<long long>());  // PMIDs are often written as numbers
  } else {
    RETURN_IF_ERROR(GetString(j, "id", where, /*required=*/true, &id));
  }
  where += " (document '" + id + "')";

  std::vector<Passage> passages;
  if (auto it = j.find("passages"); it != j.end()) {
    if (!it->is_array()) return InvalidArgument(where + ": \"passages\" must be an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& pj = (*it)[i];
      const std::string pw = where + ": passages[" + std::to_string(i) + "]";
      if (!pj.is_object()) return InvalidArgument(pw + ": expected an object");
      Passage p;
      RETURN_IF_ERROR(GetString(pj, "type", pw, /*required=*/false, &p.type));
      RETURN_IF_ERROR(GetOffset(pj, "offset", pw, &p.offset));
      // Document::Create checks this too; here the message can name the JSON field.
      if (p.offset > kMaxDocumentLength) {
        return InvalidArgument(pw + ": \"offset\" " + std::to_string(p.offset) +
                               " is past the longest document bioner reads (" +
                               std::to_string(kMaxDocumentLength) +
                               " code points; docs/FORMATS.md)");
      }
      RETURN_IF_ERROR(GetString(pj, "text", pw, /*required=*/true, &p.text));
      passages.push_back(std::move(p));
    }
  } else if (j.contains("text")) {
    Passage p{"text", 0, ""};
    RETURN_IF_ERROR(GetString(j, "text", where, /*required=*/true, &p.text));
    passages.push_back(std::move(p));
  } else {
    return InvalidArgument(where + ": needs \"passages\" (or \"text\")");
  }

  std::vector<Entity> entities;
  if (auto it = j.find("entities"); it != j.end()) {
    if (!it->is_array()) return InvalidArgument(where + ": \"entities\" must be an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& ej = (*it)[i];
      const std::string ew = where + ": entities[" + std::to_string(i) + "]";
      if (!ej.is_object()) return InvalidArgument(ew + ": expected an object");
      Entity e;
      RETURN_IF_ERROR(GetOffset(ej, "start", ew, &e.start));
      RETURN_IF_ERROR(GetOffset(ej, "end", ew, &e.end));
      RETURN_IF_ERROR(GetString(ej, "type", ew, /*required=*/true, &e.type));
      RETURN_IF_ERROR(GetString(ej, "text", ew, /*required=*/false, &e.text));
      RETURN_IF_ERROR(GetString(ej, "model", ew, /*required=*/false, &e.model_version));
      if (auto s = ej.find("score"); s != ej.end()) {
        if (!s->is_number()) return InvalidArgument(ew + ": \"score\" must be a number");
        e.score = s->get<float>();
      }
      entities.push_back(std::move(e));
    }
  }

  auto doc = Document::Create(std::move(id), std::move(passages), std::move(entities));
  if (!doc.ok()) return doc.status().WithContext(LinePrefix(line_no));
  if (auto it = j.find("corpus"); it != j.end()) {
    if (!it->is_string()) return InvalidArgument(where + ": \"corpus\" must be a string");
    doc->set_corpus(it->get<std::string>());
  }
  return doc;
}

std::string DocumentToJson(const Document& doc) {
  json j = json::object();
  j["id"] = doc.id();
  if (!doc.corpus().empty()) j["corpus"] = doc.corpus();
  json passages = json::array();
  for (const Passage& p : doc.passages()) {
    passages.push_back({{"type", p.type}, {"offset", p.offset}, {"text", p.text}});
  }
  j["passages"] = std::move(passages);
  json entities = json::array();
  for (const Entity& e : doc.entities()) {
    json ej = {{"start", e.start}, {"end", e.end}, {"type", e.type}, {"text", e.text}};
    if (!e.model_version.empty()) {
      ej["score"] = e.score;
      ej["model"] = e.model_version;
    }
    entities.push_back(std::move(ej));
  }
  j["entities"] = std::move(entities);
  return j.dump();
}

Status ReadJsonl(std::istream& in, const std::string& source,
                 const std::function<Status(Document)>& fn) {
  return ReadJsonlWithLines(in, source, [&](Document d, size_t) { return fn(std::move(d)); });
}

Status ReadJsonlWithLines(std::istream& in, const std::string& source,
                          const std::function<Status(Document, size_t line_no)>& fn) {
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto doc = ParseDocumentJson(line, line_no);
    if (!doc.ok()) return doc.status().WithContext(source);
    RETURN_IF_ERROR(fn(std::move(doc).value(), line_no));
  }
  if (in.bad()) return DataLoss(source + ": read error after line " + std::to_string(line_no));
  return Status::Ok();
}

StatusOr<std::vector<Document>> ReadJsonlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::vector<Document> docs;
  RETURN_IF_ERROR(ReadJsonl(in, path, [&](Document d) {
    docs.push_back(std::move(d));
    return Status::Ok();
  }));
  return docs;
}

Status WriteJsonlFile(const std::string& path, const std::vector<Document>& docs) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return NotFound(path + ": cannot open for writing");
  for (const Document& d : docs) out << DocumentToJson(d) << '\n';
  out.flush();
  if (!out) return DataLoss(path + ": write failed");
  return Status::Ok();
}

}  // namespace bioner
