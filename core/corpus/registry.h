// The corpus registry: every HUNER corpus as data (core/corpus/corpora.json, embedded in the
// library), not as code. An entry names the format reader, the files it reads, how the
// corpus's own labels map onto bioner's entity types, the HUNER split file per type, how split
// ids relate to document ids, and where the original files come from. Per-file sha256 sums of
// the project's mirror (core/corpus/corpora.sha256, from shared/corpora/SHA256SUMS) are
// embedded as well.
//
// Thread safety: the registry is built once, on first use, and is immutable afterwards; all
// functions are safe to call from many threads.
#ifndef BIONER_CORE_CORPUS_REGISTRY_H_
#define BIONER_CORE_CORPUS_REGISTRY_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/status.h"

namespace bioner {

enum class CorpusStatus {
  kAvailable,  // in the project's mirror; loadable
  kMissing,    // not obtainable here (SOURCES.md: MISSING); registered for completeness
  kHeldOut,    // evaluation only: never loaded for training or exported as a train split
};
const char* CorpusStatusName(CorpusStatus s);  // "available", "missing", "held_out"

// One original download. Without `map` the file is kept as downloaded, under `file` (default:
// the URL's last path component). With `map`, the download is an archive whose members are
// extracted: a member whose path starts with map[i].first is written to
// map[i].second + (rest of the member path); other members are skipped.
struct CorpusDownload {
  std::string url;
  std::string file;
  std::string sha256;  // of the download itself; empty where unknown
  std::vector<std::pair<std::string, std::string>> map;
};

// How a HUNER split file's ids relate to the reader's document ids.
enum class SplitIdRule {
  kAsIs,             // the same string
  kDotToUnderscore,  // IEPA_d12 names document IEPA.d12
  kSequence,         // 0-based position of the document over all files, in order (BioInfer)
  kMirnaTrainTest,   // miRNA-corp.d1 names both miRNA-corp.d1-train and miRNA-corp.d1-test
};

// A reviewed fix of one known annotation error, applied to the reader's output before label
// mapping. It matches an entity by document id, span and corpus label; it either moves the
// span (new_start/new_end) or drops the entity. Every patch is counted when it applies, and
// counted as "patch did not apply" when its entity is not there.
struct AnnotationPatch {
  std::string document;
  size_t start = 0, end = 0;
  std::string label;
  bool drop = false;
  size_t new_start = 0, new_end = 0;
  std::string reason;
};

// A unified diff applied to one corpus file before it is read (HUNER's own patches). `file`
// is an entry of CorpusSpec::files (a file, or "ARCHIVE!member"); `diff` is relative to the
// corpus root (mirror or cache); `url` is where fetch gets it without a mirror.
struct FilePatch {
  std::string file, diff, url;
};

struct CorpusSpec {
  std::string name;  // lower case, as the folder in the mirror
  CorpusStatus status = CorpusStatus::kAvailable;
  std::string format;  // FindFormat() name
  std::map<std::string, std::string> options;  // passed to the reader
  // Relative to the corpus folder; '*' may appear in the last component; "A!M" means member
  // pattern M of archive A.
  std::vector<std::string> files;
  // Ordered (fnmatch pattern, type) pairs; the first match wins; type "" = dropped on purpose.
  std::vector<std::pair<std::string, std::string>> labels;
  std::map<std::string, std::string> split_files;  // canonical type -> split file base name
  SplitIdRule split_ids = SplitIdRule::kAsIs;
  std::vector<CorpusDownload> downloads;
  std::vector<AnnotationPatch> patches;
  std::vector<FilePatch> file_patches;
  std::string notes;

  bool held_out() const { return status == CorpusStatus::kHeldOut; }
  // The canonical type for a corpus label: std::nullopt if no pattern matches (an unknown
  // label), "" if the label is dropped on purpose.
  std::optional<std::string> MapLabel(std::string_view label) const;
  // The corpus's canonical types, sorted.
  std::vector<std::string> Types() const;
};

class CorpusRegistry {
 public:
  // Parses a registry JSON (corpora.json's schema) and a sha256sum-style manifest. Errors name
  // the corpus and key, or the manifest line.
  static StatusOr<CorpusRegistry> Parse(std::string_view json, std::string_view sha256sums);
  // The embedded registry. Aborts never: a broken embedded file is a build defect caught by
  // the registry test, and yields an empty registry plus the error from EmbeddedStatus().
  static const CorpusRegistry& Default();
  static const Status& EmbeddedStatus();

  const std::vector<CorpusSpec>& corpora() const { return corpora_; }
  // NOT_FOUND naming the unknown corpus and listing the known ones.
  StatusOr<const CorpusSpec*> Find(std::string_view name) const;
  // Corpora (available and missing, never held out) that have `type`, in registry order.
  std::vector<const CorpusSpec*> WithType(std::string_view type) const;

  const std::string& splits_dir() const { return splits_dir_; }  // "huner_splits"
  const std::string& splits_url() const { return splits_url_; }   // ends in '/'

  // Expected sha256 of a mirror-relative path ("cll/CLL_corpus.tar.gz"), if known.
  std::optional<std::string> Sha256(std::string_view relpath) const;
  // Manifest paths that start with `prefix` (e.g. "ncbi_disease/"), sorted.
  std::vector<std::string> ManifestFiles(std::string_view prefix) const;

 private:
  std::vector<CorpusSpec> corpora_;
  std::string splits_dir_, splits_url_;
  std::map<std::string, std::string, std::less<>> sha256_;
};

// The three HUNER splits.
inline constexpr const char* kSplitNames[] = {"train", "dev", "test"};
bool IsSplitName(std::string_view s);

}  // namespace bioner

#endif  // BIONER_CORE_CORPUS_REGISTRY_H_
