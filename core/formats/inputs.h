// Reading a document file of any input format bioner accepts: the FindFormat() readers
// (core/formats/format.h) plus the project's JSONL: "jsonl", "plain_text", "pubmed_xml", "jats",
// "bioc_xml", "bioc_json", "pubtator". Used by bioner-client and by the trainer's text commands.
//
// Stateless functions; thread-safe.
#ifndef BIONER_CORE_FORMATS_INPUTS_H_
#define BIONER_CORE_FORMATS_INPUTS_H_

#include <string>
#include <vector>

#include "core/formats/format.h"
#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner {

// The input format of `path` from its name (.jsonl, .xml.gz, .nxml, .json, .pubtator, .txt)
// and, for .xml and .txt, from its first bytes (<collection> is BioC, <PubmedArticleSet> or
// <MedlineCitationSet> PubMed, <article> JATS; "id|t|" PubTator, else plain text).
StatusOr<std::string> DetectInputFormat(const std::string& path);

// All documents of `path` in `format` (as DetectInputFormat names them); what the reader
// dropped or skipped (e.g. PubMed DeleteCitation entries) is added to `report`.
StatusOr<std::vector<Document>> ReadInput(const std::string& path, const std::string& format,
                                          CorpusReport* report);

}  // namespace bioner

#endif  // BIONER_CORE_FORMATS_INPUTS_H_
