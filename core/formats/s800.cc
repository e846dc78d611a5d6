// S800: see readers.h. S800.tsv offsets are code points of speciesNNN.txt, end INCLUSIVE
// (all 3708 rows match their text that way; rows with start == end are one-character
// mentions such as the FMDV serotypes "O" and "A", not empty ones).
#include "core/formats/common.h"
#include "core/util/file.h"
#include "core/formats/readers.h"

namespace bioner::formats {

StatusOr<std::vector<Document>> ReadS800(const FormatInput& input, CorpusReport* report) {
  constexpr char kFormat[] = "s800";
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {"label"}));
  ASSIGN_OR_RETURN(const std::vector<std::string> files,
                   ListFiles(input, kFormat, {".txt", ".tsv"}));
  std::vector<std::string> texts, tags;
  for (const std::string& f : files) (HasExtension(f, ".tsv") ? tags : texts).push_back(f);
  if (tags.size() != 1) {
    return InvalidArgument(std::string(kFormat) + ": corpus '" + input.corpus + "': expected " +
                           "exactly one annotation .tsv file (S800.tsv), got " +
                           std::to_string(tags.size()));
  }
  const std::string label = Option(input, "label", "Species");
  std::vector<Document> docs;
  std::map<std::string, size_t> index;
  RETURN_IF_ERROR(LoadTextDocuments(texts, &docs, &index));
  std::vector<std::vector<RawMention>> mentions(docs.size());
  ASSIGN_OR_RETURN(const std::string data, ReadUtf8File(tags[0]));
  const std::vector<std::string_view> lines = SplitLines(data);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = FileLine(tags[0], i + 1);
    if (lines[i].empty() || lines[i][0] == '#') continue;
    const std::vector<std::string_view> f = Split(lines[i], '\t');
    if (f.size() < 5) {
      return InvalidArgument(where + ": expected 'taxid, speciesNNN:pmid, start, end, text' " +
                             "(TAB-separated), got " + std::to_string(f.size()) + " fields");
    }
    // "species001:21183147": document stem, then the PMID.
    const std::string name(f[1].substr(0, f[1].find(':')));
    const auto doc = index.find(name);
    if (doc == index.end()) {
      return NotFound(where + ": document '" + name + "' has no .txt file");
    }
    RawMention m;
    m.where = where;
    m.type = label;
    ASSIGN_OR_RETURN(size_t s, ParseIndex(f[2], where, "start"));
    ASSIGN_OR_RETURN(size_t e, ParseIndex(f[3], where, "end"));
    m.fragments.push_back({s, e + 1});  // e + 1 == s: zero-length, dropped and counted
    m.text = std::string(f[4]);
    mentions[doc->second].push_back(std::move(m));
  }
  for (size_t d = 0; d < docs.size(); ++d) {
    RETURN_IF_ERROR(AddMentions(&docs[d], std::move(mentions[d]), report));
  }
  return docs;
}

}  // namespace bioner::formats
