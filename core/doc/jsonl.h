// The project's JSONL document format (docs/FORMATS.md): one Document per line,
//   {"id": "123", "corpus": "ncbi_disease",
//    "passages": [{"type": "title", "offset": 0, "text": "..."}, ...],
//    "entities": [{"start": 10, "end": 18, "type": "Disease", "text": "...",
//                  "score": 0.98, "model": "Disease/3"}]}
// `corpus`, `entities`, `score` and `model` are optional. As a convenience for hand-written
// input, {"id": ..., "text": "..."} is read as one passage of type "text" at offset 0.
//
// Stateless functions; thread-safe.
#ifndef BIONER_CORE_DOC_JSONL_H_
#define BIONER_CORE_DOC_JSONL_H_

#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner {

// Parses one JSONL line. `line_no` (1-based; 0 = unknown) only serves the error message,
// which names the line, the document id when it can be read, and the problem; invalid UTF-8
// is reported with its byte position within the line.
StatusOr<Document> ParseDocumentJson(std::string_view line, size_t line_no = 0);

// One line of JSON without the trailing newline. Scores are written only for predicted
// entities (model_version non-empty).
std::string DocumentToJson(const Document& doc);

// Calls `fn` for every document of a JSONL stream (blank lines are skipped). Stops at the
// first error, which names `source` and the line, or at the first non-OK Status of `fn`.
Status ReadJsonl(std::istream& in, const std::string& source,
                 const std::function<Status(Document)>& fn);
// As ReadJsonl, also passing each document's 1-based line number (for messages that must
// name it later, e.g. in evaluation).
Status ReadJsonlWithLines(std::istream& in, const std::string& source,
                          const std::function<Status(Document, size_t line_no)>& fn);
StatusOr<std::vector<Document>> ReadJsonlFile(const std::string& path);

Status WriteJsonlFile(const std::string& path, const std::vector<Document>& docs);

}  // namespace bioner

#endif  // BIONER_CORE_DOC_JSONL_H_
