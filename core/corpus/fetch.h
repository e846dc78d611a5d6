// Getting corpus files onto this machine: download (libcurl: http, https and file:// URLs),
// copy from a local mirror (a folder laid out like shared/corpora), sha256 checks (OpenSSL),
// and archive unpacking (libarchive).
//
// Publication is all-or-nothing: a download goes to a temporary file that is renamed only
// after its checksum matched, and a corpus is assembled in a temporary folder beside the
// cache entry that replaces the old entry only when every file is in place. A failure leaves
// the cache as it was. A checksum mismatch is a DATA_LOSS error naming the file and both sums.
//
// Functions are thread-compatible: fetching the same corpus into the same cache from two
// processes at once is not supported (the later rename wins).
#ifndef BIONER_CORE_CORPUS_FETCH_H_
#define BIONER_CORE_CORPUS_FETCH_H_

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/corpus/registry.h"
#include "core/util/sha256.h"
#include "core/util/status.h"

namespace bioner {

// DATA_LOSS "<what>: sha256 mismatch: expected <expected>, got <actual>" unless they match.
Status CheckSha256(const std::string& what, const std::string& expected, const std::string& actual);

// Downloads `url` to `dest` (via `dest`.part-<pid>, renamed on success). When
// `expected_sha256` is non-empty the file must match it. Progress lines go to `progress`
// (may be null).
Status DownloadFile(const std::string& url, const std::string& dest,
                    const std::string& expected_sha256, std::ostream* progress);

// Extracts regular-file members of `archive` under `dest_dir`. `map` as in CorpusDownload
// (empty: every member at its own path). Members with absolute paths or ".." components are
// refused; links and special files are skipped. Returns the written paths relative to
// `dest_dir`. A corrupt or unreadable archive is DATA_LOSS naming the archive.
StatusOr<std::vector<std::string>> UnpackArchive(
    const std::string& archive, const std::string& dest_dir,
    const std::vector<std::pair<std::string, std::string>>& map = {});

struct FetchOptions {
  std::string cache_dir;    // where corpora are assembled: <cache>/<corpus>/, <cache>/huner_splits/
  std::string mirror_dir;   // copy from here instead of downloading, when non-empty
  std::ostream* progress = nullptr;  // human-readable progress, e.g. std::cerr
};

// Fetches `spec`'s files and its HUNER split files into the cache. Already present files with
// the right checksums are kept. Held-out corpora may be fetched (for evaluation).
Status FetchCorpus(const CorpusRegistry& registry, const CorpusSpec& spec,
                   const FetchOptions& options);

// $BIONER_CACHE, else $HOME/.cache/bioner/corpora.
std::string DefaultCacheDir();

// Whether `root` (a mirror or a cache) holds the corpus: its folder and every file the
// checksum manifest lists for it exist (sizes and sums are not checked here).
bool CorpusPresent(const CorpusRegistry& registry, const CorpusSpec& spec, const std::string& root);

}  // namespace bioner

#endif  // BIONER_CORE_CORPUS_FETCH_H_
