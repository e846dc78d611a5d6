#include "core/formats/writers.h"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "core/doc/jsonl.h"
#include "core/util/strings.h"
#include "core/util/utf8.h"

namespace bioner {
namespace {

constexpr const char* kNames[] = {"jsonl", "pubtator", "bioc-json", "bioc-xml"};

// PubTator is line-based: a line break inside the text would end the record.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

std::string ScoreText(float score) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", score);
  return buf;
}

// The index of the passage holding code point `start` (the last one starting at or before it).
size_t PassageOf(const Document& doc, size_t start) {
  size_t k = 0;
  for (size_t i = 0; i < doc.passages().size(); ++i) {
    if (doc.passages()[i].offset <= start) k = i;
  }
  return k;
}

std::string Pubtator(const Document& doc) {
  const std::string& text = doc.text();
  const std::vector<size_t> bytes = utf8::CodePointByteOffsets(text);
  const size_t n = doc.length();
  size_t title_end = 0;  // code points
  if (!doc.passages().empty()) {
    const Passage& p = doc.passages().front();
    title_end = p.offset + utf8::Length(p.text);
  }
  const size_t rest = std::min(n, title_end + 1);
  std::string out = doc.id() + "|t|" + OneLine(text.substr(0, bytes[title_end])) + "\n";
  out += doc.id() + "|a|" + OneLine(text.substr(bytes[rest])) + "\n";
  for (const Entity& e : doc.entities()) {
    out += doc.id() + "\t" + std::to_string(e.start) + "\t" + std::to_string(e.end) + "\t" +
           OneLine(e.text) + "\t" + e.type + "\n";
  }
  return out + "\n";
}

std::string BiocJson(const Document& doc) {
  nlohmann::json d;
  d["id"] = doc.id();
  d["infons"] = nlohmann::json::object();
  d["relations"] = nlohmann::json::array();
  nlohmann::json passages = nlohmann::json::array();
  for (const Passage& p : doc.passages()) {
    nlohmann::json jp;
    jp["infons"] = nlohmann::json::object();
    if (!p.type.empty()) jp["infons"]["type"] = p.type;
    jp["offset"] = p.offset;
    jp["text"] = p.text;
    jp["sentences"] = nlohmann::json::array();
    jp["annotations"] = nlohmann::json::array();
    jp["relations"] = nlohmann::json::array();
    passages.push_back(std::move(jp));
  }
  size_t id = 0;
  for (const Entity& e : doc.entities()) {
    nlohmann::json a;
    a["id"] = std::to_string(id++);
    a["infons"] = {{"type", e.type}};
    if (!e.model_version.empty()) {
      a["infons"]["score"] = ScoreText(e.score);
      a["infons"]["model"] = e.model_version;
    }
    a["text"] = e.text;
    a["locations"] = nlohmann::json::array({{{"offset", e.start}, {"length", e.end - e.start}}});
    if (!passages.empty()) passages[PassageOf(doc, e.start)]["annotations"].push_back(a);
  }
  d["passages"] = std::move(passages);
  return d.dump();
}

std::string BiocXml(const Document& doc) {
  std::vector<std::string> annotations(doc.passages().size());
  size_t id = 0;
  for (const Entity& e : doc.entities()) {
    std::string a = "<annotation id=\"" + std::to_string(id++) + "\"><infon key=\"type\">" +
                    XmlEscape(e.type) + "</infon>";
    if (!e.model_version.empty()) {
      a += "<infon key=\"score\">" + ScoreText(e.score) + "</infon><infon key=\"model\">" +
           XmlEscape(e.model_version) + "</infon>";
    }
    a += "<location offset=\"" + std::to_string(e.start) + "\" length=\"" +
         std::to_string(e.end - e.start) + "\"/><text>" + XmlEscape(e.text) +
         "</text></annotation>";
    if (!annotations.empty()) annotations[PassageOf(doc, e.start)] += a;
  }
  std::string out = "<document><id>" + XmlEscape(doc.id()) + "</id>";
  for (size_t i = 0; i < doc.passages().size(); ++i) {
    const Passage& p = doc.passages()[i];
    out += "<passage>";
    if (!p.type.empty()) out += "<infon key=\"type\">" + XmlEscape(p.type) + "</infon>";
    out += "<offset>" + std::to_string(p.offset) + "</offset><text>" + XmlEscape(p.text) +
           "</text>" + annotations[i] + "</passage>";
  }
  return out + "</document>\n";
}

}  // namespace

StatusOr<OutputFormat> ParseOutputFormat(std::string_view name) {
  for (int i = 0; i < 4; ++i) {
    if (name == kNames[i]) return static_cast<OutputFormat>(i);
  }
  return InvalidArgument("unknown output format '" + std::string(name) +
                         "' (expected jsonl, pubtator, bioc-json or bioc-xml)");
}

const char* OutputFormatName(OutputFormat format) { return kNames[static_cast<int>(format)]; }

std::string FormatHeader(OutputFormat format) {
  switch (format) {
    case OutputFormat::kBiocJson:
      return "{\"source\":\"bioner\",\"date\":\"\",\"key\":\"\",\"infons\":{},\"documents\":[\n";
    case OutputFormat::kBiocXml:
      return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<!DOCTYPE collection SYSTEM \"BioC.dtd\">\n"
             "<collection><source>bioner</source><date></date><key></key>\n";
    default:
      return "";
  }
}

std::string FormatDocument(OutputFormat format, const Document& doc, bool first) {
  switch (format) {
    case OutputFormat::kJsonl: return DocumentToJson(doc) + "\n";
    case OutputFormat::kPubtator: return Pubtator(doc);
    case OutputFormat::kBiocJson: return (first ? "" : ",\n") + BiocJson(doc);
    case OutputFormat::kBiocXml: return BiocXml(doc);
  }
  return "";
}

std::string FormatFooter(OutputFormat format) {
  switch (format) {
    case OutputFormat::kBiocJson: return "\n]}\n";
    case OutputFormat::kBiocXml: return "</collection>\n";
    default: return "";
  }
}

}  // namespace bioner
