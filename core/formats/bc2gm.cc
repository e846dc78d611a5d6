// BioCreative II gene mention: see readers.h. GENE.eval offsets count the sentence's
// non-space characters from 0, end inclusive; they are mapped to code points here.
#include <map>

#include "core/formats/common.h"
#include "core/util/file.h"
#include "core/formats/readers.h"
#include "core/util/utf8.h"

namespace bioner::formats {
namespace {

constexpr char kFormat[] = "bc2gm";
constexpr char kAltSkipped[] = "ALTGENE file skipped (alternative boundaries, for evaluation)";

struct Sentence {
  size_t doc = 0;                   // index into the documents
  std::vector<size_t> nonspace_cp;  // code point of the k-th non-space character
  std::vector<RawMention> mentions;
};

Status ReadSentences(const std::string& path, std::vector<Document>* docs,
                     std::map<std::string, Sentence>* sentences) {
  ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(path));
  const std::vector<std::string_view> lines = SplitLines(data);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = FileLine(path, i + 1);
    if (lines[i].empty()) continue;
    const size_t space = lines[i].find(' ');
    if (space == std::string_view::npos || space == 0) {
      return InvalidArgument(where + ": expected '<sentence id> <text>'");
    }
    const std::string id(lines[i].substr(0, space));
    const std::string text(lines[i].substr(space + 1));
    if (sentences->count(id)) return InvalidArgument(where + ": sentence id '" + id + "' repeated");
    StatusOr<Document> doc = Document::Create(id, {{"sentence", 0, text}});
    if (!doc.ok()) return doc.status().WithContext(where);
    Sentence& s = (*sentences)[id];
    s.doc = docs->size();
    const std::vector<char32_t> cps = utf8::Decode(text);
    for (size_t k = 0; k < cps.size(); ++k) {
      if (!(cps[k] < 128 && IsAsciiSpace(static_cast<char>(cps[k])))) s.nonspace_cp.push_back(k);
    }
    docs->push_back(std::move(doc).value());
  }
  return Status::Ok();
}

Status ReadGenes(const std::string& path, const std::string& label,
                 std::map<std::string, Sentence>* sentences) {
  ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(path));
  const std::vector<std::string_view> lines = SplitLines(data);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = FileLine(path, i + 1);
    if (lines[i].empty()) continue;
    const std::vector<std::string_view> f = Split(lines[i], '|');
    if (f.size() != 3) return InvalidArgument(where + ": expected 'id|start end|text'");
    const auto it = sentences->find(std::string(f[0]));
    if (it == sentences->end()) {
      return NotFound(where + ": sentence '" + std::string(f[0]) + "' is in no .in file");
    }
    const std::vector<std::string_view> se = Split(f[1], ' ');
    if (se.size() != 2)
      return InvalidArgument(where + ": expected 'start end' in '" + std::string(f[1]) + "'");
    ASSIGN_OR_RETURN(size_t s, ParseIndex(se[0], where, "start"));
    ASSIGN_OR_RETURN(size_t e, ParseIndex(se[1], where, "end"));
    const std::vector<size_t>& map = it->second.nonspace_cp;
    if (e < s || e >= map.size()) {
      return OutOfRange(where + ": non-space offsets " + std::string(f[1]) + " outside sentence '" +
                        std::string(f[0]) + "' (" + std::to_string(map.size()) +
                        " non-space characters)");
    }
    RawMention m;
    m.where = where;
    m.type = label;
    m.text = std::string(f[2]);
    m.fragments.push_back({map[s], map[e] + 1});
    it->second.mentions.push_back(std::move(m));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<Document>> ReadBc2gm(const FormatInput& input, CorpusReport* report) {
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {"label"}));
  const std::string label = Option(input, "label", "GENE");
  ASSIGN_OR_RETURN(const std::vector<std::string> files,
                   ListFiles(input, kFormat, {".in", ".eval"}));
  std::vector<Document> docs;
  std::map<std::string, Sentence> sentences;
  for (const std::string& f : files) {
    if (HasExtension(f, ".in")) RETURN_IF_ERROR(ReadSentences(f, &docs, &sentences));
  }
  for (const std::string& f : files) {
    if (!HasExtension(f, ".eval")) continue;
    if (StartsWith(Basename(f), "ALTGENE")) {
      report->Add(kAltSkipped, f);
      continue;
    }
    RETURN_IF_ERROR(ReadGenes(f, label, &sentences));
  }
  for (auto& [id, s] : sentences) {
    RETURN_IF_ERROR(AddMentions(&docs[s.doc], std::move(s.mentions), report));
  }
  return docs;
}

}  // namespace bioner::formats
