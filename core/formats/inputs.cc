#include "core/formats/inputs.h"

#include <cstdio>
#include <filesystem>

#include "core/doc/jsonl.h"
#include "core/util/file.h"

namespace bioner {
namespace {

// The first `n` bytes of a file ("" if unreadable: the reader reports that properly).
std::string Head(const std::string& path, size_t n) {
  std::string out(n, '\0');
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return "";
  out.resize(std::fread(out.data(), 1, n, f));
  std::fclose(f);
  return out;
}

bool LooksLikePubtator(const std::string& head) {
  const size_t bar = head.find("|t|");
  const size_t nl = head.find('\n');
  return bar != std::string::npos && bar > 0 && (nl == std::string::npos || bar < nl);
}

}  // namespace

StatusOr<std::string> DetectInputFormat(const std::string& path) {
  if (HasExtension(path, ".jsonl")) return std::string("jsonl");
  if (HasExtension(path, ".xml.gz")) return std::string("pubmed_xml");
  if (HasExtension(path, ".nxml")) return std::string("jats");
  if (HasExtension(path, ".json")) return std::string("bioc_json");
  if (HasExtension(path, ".pubtator")) return std::string("pubtator");
  const std::string head = Head(path, 4096);
  if (HasExtension(path, ".xml")) {
    if (head.find("<collection") != std::string::npos) return std::string("bioc_xml");
    if (head.find("<PubmedArticleSet") != std::string::npos ||
        head.find("<MedlineCitationSet") != std::string::npos) {
      return std::string("pubmed_xml");
    }
    if (head.find("<article") != std::string::npos) return std::string("jats");
    return InvalidArgument(path + ": cannot tell the XML format (no <collection>, " +
                           "<PubmedArticleSet>, <MedlineCitationSet> or <article> near the " +
                           "start); name it with --in-format");
  }
  if (HasExtension(path, ".txt")) {
    return std::string(LooksLikePubtator(head) ? "pubtator" : "plain_text");
  }
  return InvalidArgument(path + ": cannot tell the input format from the name; name it with " +
                         "--in-format (jsonl, plain_text, pubmed_xml, jats, bioc_xml, " +
                         "bioc_json, pubtator)");
}

StatusOr<std::vector<Document>> ReadInput(const std::string& path, const std::string& format,
                                          CorpusReport* report) {
  if (format == "jsonl") return ReadJsonlFile(path);
  static const char* kAllowed[] = {"plain_text", "pubmed_xml", "jats", "bioc_xml", "bioc_json",
                                   "pubtator"};
  bool allowed = false;
  for (const char* a : kAllowed) allowed = allowed || format == a;
  const FormatReader reader = allowed ? FindFormat(format) : nullptr;
  if (reader == nullptr) {
    return InvalidArgument("unknown input format '" + format + "' (expected jsonl, " +
                           "plain_text, pubmed_xml, jats, bioc_xml, bioc_json or pubtator)");
  }
  FormatInput input;
  input.corpus = "";
  input.files = {std::filesystem::absolute(path).string()};
  return reader(input, report);
}

}  // namespace bioner
