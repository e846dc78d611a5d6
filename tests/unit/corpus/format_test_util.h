// Helpers for the format-reader tests: temp folders, archive extraction (libarchive), reading
// through FindFormat, and per-label counts. Test-only.
#ifndef BIONER_TESTS_UNIT_CORPUS_FORMAT_TEST_UTIL_H_
#define BIONER_TESTS_UNIT_CORPUS_FORMAT_TEST_UTIL_H_

#include <map>
#include <string>
#include <vector>

#include "core/formats/format.h"
#include "tests/support/shared_data.h"

namespace bioner::testing_formats {

// <shared data folder>/corpora/<rel> (tests/support/shared_data.h); a test skips with
// BIONER_SKIP_WITHOUT_SHARED(path) when it is absent.
std::string Corpus(const std::string& rel);

// A new empty folder under the system temp dir, removed at process exit.
std::string TempDir();
// Writes `content` to dir/name (creating parent folders) and returns the path.
std::string WriteText(const std::string& dir, const std::string& name, const std::string& content);
// Unpacks a .tar, .tar.gz or .zip into a new TempDir() and returns it ("" on failure).
std::string Extract(const std::string& archive);

StatusOr<std::vector<Document>> Read(const std::string& format,
                                     const std::vector<std::string>& files, CorpusReport* report,
                                     const std::map<std::string, std::string>& options = {});

// label -> number of entities.
std::map<std::string, long> LabelCounts(const std::vector<Document>& docs);
long EntityCount(const std::vector<Document>& docs);
// Number of entities whose text differs from the document text at their span (must be 0).
long TextMismatches(const std::vector<Document>& docs);
const Document* FindDoc(const std::vector<Document>& docs, const std::string& id);

}  // namespace bioner::testing_formats

#endif  // BIONER_TESTS_UNIT_CORPUS_FORMAT_TEST_UTIL_H_
