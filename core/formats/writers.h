// Document output formats besides the project's JSONL (core/doc/jsonl.h), written one
// document at a time so that a long run can publish each document as soon as it is done:
//
//   jsonl      one DocumentToJson line per document
//   pubtator   "id|t|title", "id|a|rest", TAB mention lines "id start end text type", blank
//              line; title = the text up to the end of the first passage, "rest" = the text
//              after it and one separating character, so PubTator's title + " " + abstract
//              offsets equal the document's. Line breaks inside the text are written as
//              spaces (same length: offsets stay true).
//   bioc-json  {"source": "bioner", ..., "documents": [ ... ]} (BioC JSON)
//   bioc-xml   <collection> ... <document> ... </collection> (BioC XML)
//
// For bioc-json and bioc-xml a file is only complete after Footer(). Entities go into the
// passage holding their start, with infons "type" and (for predictions) "score", "model".
//
// Stateless functions; thread-safe.
#ifndef BIONER_CORE_FORMATS_WRITERS_H_
#define BIONER_CORE_FORMATS_WRITERS_H_

#include <string>
#include <string_view>

#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner {

enum class OutputFormat { kJsonl, kPubtator, kBiocJson, kBiocXml };

// "jsonl", "pubtator", "bioc-json", "bioc-xml"; the error lists the names.
StatusOr<OutputFormat> ParseOutputFormat(std::string_view name);
const char* OutputFormatName(OutputFormat format);

// What comes before the first document ("" for jsonl and pubtator).
std::string FormatHeader(OutputFormat format);
// One document, with its terminator; `first` is whether it is the first document of the file
// (bioc-json needs a comma between documents).
std::string FormatDocument(OutputFormat format, const Document& doc, bool first);
// What comes after the last document ("" for jsonl and pubtator).
std::string FormatFooter(OutputFormat format);

}  // namespace bioner

#endif  // BIONER_CORE_FORMATS_WRITERS_H_
