// LINNAEUS: see readers.h. Tag offsets are code points of the txt files, end exclusive
// (all 2851 rows of filtered_tags.tsv match their text).
#include "core/formats/common.h"
#include "core/util/file.h"
#include "core/formats/readers.h"

namespace bioner::formats {

StatusOr<std::vector<Document>> ReadLinnaeus(const FormatInput& input, CorpusReport* report) {
  constexpr char kFormat[] = "linnaeus";
  RETURN_IF_ERROR(CheckOptions(input, kFormat, {}));
  ASSIGN_OR_RETURN(const std::vector<std::string> files,
                   ListFiles(input, kFormat, {".txt", ".tsv"}));
  std::vector<std::string> texts, tags;
  for (const std::string& f : files) (HasExtension(f, ".tsv") ? tags : texts).push_back(f);
  if (tags.size() != 1) {
    return InvalidArgument(std::string(kFormat) + ": corpus '" + input.corpus + "': expected " +
                           "exactly one tags .tsv file (e.g. filtered_tags.tsv), got " +
                           std::to_string(tags.size()));
  }
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
      return InvalidArgument(where + ": expected 'entity id, document, start, end, text' " +
                             "(TAB-separated), got " + std::to_string(f.size()) + " fields");
    }
    const auto doc = index.find(std::string(f[1]));
    if (doc == index.end()) {
      return NotFound(where + ": document '" + std::string(f[1]) + "' has no .txt file");
    }
    RawMention m;
    m.where = where;
    m.type = std::string(f[0].substr(0, f[0].find(':')));
    ASSIGN_OR_RETURN(size_t s, ParseIndex(f[2], where, "start"));
    ASSIGN_OR_RETURN(size_t e, ParseIndex(f[3], where, "end"));
    m.fragments.push_back({s, e});
    m.text = std::string(f[4]);
    mentions[doc->second].push_back(std::move(m));
  }
  for (size_t d = 0; d < docs.size(); ++d) {
    RETURN_IF_ERROR(AddMentions(&docs[d], std::move(mentions[d]), report));
  }
  return docs;
}

}  // namespace bioner::formats
