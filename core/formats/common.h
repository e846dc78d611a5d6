// Helpers shared by the format readers (readers.h): listing input files, line splitting,
// number parsing, and the one place where mentions are checked against the text and added
// to a Document (the rules are stated in readers.h). Internal to core/formats.
// Stateless; thread-safe.
#ifndef BIONER_CORE_FORMATS_COMMON_H_
#define BIONER_CORE_FORMATS_COMMON_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/formats/format.h"
#include "core/doc/document.h"
#include "core/util/status.h"
#include "core/util/strings.h"  // Trim, IsAsciiSpace: every reader uses them

namespace bioner::formats {

// Report reasons, shared by all readers so that counts add up across corpora.
inline constexpr char kTextMismatch[] = "mention text does not match the text at its offsets";
inline constexpr char kDiscontinuousJoined[] =
    "discontinuous mention joined (whitespace between fragments)";
inline constexpr char kDiscontinuousDropped[] =
    "discontinuous mention dropped (text between fragments)";
inline constexpr char kZeroLength[] = "zero-length mention dropped";
inline constexpr char kDuplicateDocument[] = "duplicate document id: later copy dropped";

// A mention as a reader found it, before checking.
struct RawMention {
  std::vector<std::pair<size_t, size_t>> fragments;  // [start, end) code points of the document
  std::string type;
  std::string text;   // the text the file states; empty when the format states none
  std::string where;  // "file:line" (or file and annotation id) for messages
};

// The files of `input`, directories expanded (see readers.h). `suffixes` are the name endings
// the format knows (".ann", ".txt", "GENE.eval").
StatusOr<std::vector<std::string>> ListFiles(const FormatInput& input, std::string_view format,
                                             const std::vector<std::string>& suffixes);

// Refuses options other than `known`, naming the format and the key.
Status CheckOptions(const FormatInput& input, std::string_view format,
                    const std::vector<std::string>& known);
std::string Option(const FormatInput& input, const std::string& key, const std::string& fallback);

// The whole file, which must be valid UTF-8 (error names the file and byte).
StatusOr<std::string> ReadUtf8File(const std::string& path);

// Lines without their terminator ("\n" or "\r\n"); no empty last line for a final newline.
std::vector<std::string_view> SplitLines(std::string_view text);
std::vector<std::string_view> Split(std::string_view text, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);

// A non-negative decimal integer of at most kMaxDocumentLength (every index a reader parses
// is a position or length in a document); INVALID_ARGUMENT naming `where` and `what` if not.
StatusOr<size_t> ParseIndex(std::string_view s, const std::string& where, std::string_view what);

std::string Basename(std::string_view path);
// Basename without its last extension ("a/b/PMID-1.nersuite" -> "PMID-1").
std::string Stem(std::string_view path);
std::string FileLine(const std::string& file, size_t line);  // "file:line" (line 1-based)
// 1-based line numbers of byte offsets in one buffer (for XML nodes); built once per file so
// that naming the line of every element stays linear.
class LineIndex {
 public:
  explicit LineIndex(std::string_view buffer);
  size_t LineOf(size_t offset) const;

 private:
  std::vector<size_t> newlines_;  // byte offsets of '\n', ascending
};

// Checks `mentions` against `doc`'s text by the rules in readers.h and adds the ones that
// pass. Out-of-range or reversed offsets and empty types are errors naming `where`.
Status AddMentions(Document* doc, std::vector<RawMention> mentions, CorpusReport* report);

// One Document per text file (id = file stem, one "text" passage); `index` maps id -> position
// in `docs`. Duplicate stems are an error naming both files.
Status LoadTextDocuments(const std::vector<std::string>& paths, std::vector<Document>* docs,
                         std::map<std::string, size_t>* index);

// Removes documents whose id repeats an earlier one's, counting each.
void DropDuplicateIds(std::vector<Document>* docs, CorpusReport* report);

}  // namespace bioner::formats

#endif  // BIONER_CORE_FORMATS_COMMON_H_
