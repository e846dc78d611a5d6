// The trainer's side of the model repository (docs/FORMATS.md, "The model repository"):
// publishing a complete version folder atomically and promoting it through the `current`
// pointer behind a quality gate (docs/TRAINING.md).
//
//   MODEL_REPO/<type>/.tmp-<version>-<pid>/  written and fsynced by the trainer, then
//   MODEL_REPO/<type>/<version>/             renamed into place (one rename(2): all or nothing)
//   MODEL_REPO/<type>/current                "<version>\n", replaced by write-fsync-rename
//
// Not safe against two trainers publishing the same version of one type at the same time
// (the second rename fails with ALREADY_EXISTS, nothing is overwritten). Stateless functions.
#ifndef BIONER_CORE_TRAIN_REPOSITORY_H_
#define BIONER_CORE_TRAIN_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace bioner::train {

// Integer-named version folders of `type_dir`, ascending (names starting with '.' and other
// names are not versions). A missing folder has none.
StatusOr<std::vector<int64_t>> ListVersions(const std::string& type_dir);

// The version named by `type_dir/current`; nullopt if the file does not exist. DATA_LOSS if
// it exists but does not hold one integer.
StatusOr<std::optional<int64_t>> ReadCurrent(const std::string& type_dir);

// The version the server serves: `current`, or the highest version when it is missing.
StatusOr<std::optional<int64_t>> ServedVersion(const std::string& type_dir);

// Replaces `current` atomically with "<version>\n" (current.tmp-<pid>, fsync, rename, fsync
// of the folder).
Status WriteCurrent(const std::string& type_dir, int64_t version);

// fsyncs every regular file in `dir` (not recursive) and `dir` itself.
Status SyncFolder(const std::string& dir);

// The staging folder name for `version` in `type_dir`: ".tmp-<version>-<pid>".
std::string StagingFolder(const std::string& type_dir, int64_t version);

// Publishes the complete folder `staging` (inside `type_dir`) as `type_dir/<version>`:
// syncs it, renames it, syncs `type_dir`. ALREADY_EXISTS if the version exists. If `current`
// is missing and other versions exist, first pins `current` to the highest of them, so that
// the new version is not served before it passes the quality gate.
Status PublishVersion(const std::string& staging, const std::string& type_dir, int64_t version);

// Dev micro F1 (strict) recorded in `version_dir/metrics.json` ("dev": {"micro": {"f1": x}}).
StatusOr<double> ReadDevF1(const std::string& version_dir);

struct Promotion {
  bool promoted = false;
  std::optional<int64_t> previous;  // the served version before, if any
  std::string reason;               // why (not) promoted, for the log and the user
};

// The quality gate: makes `version` current if its dev F1 is at least that of the served
// version (or nothing is served, or `force`). A served version whose metrics cannot be read
// blocks promotion (the reason says so) unless `force`.
StatusOr<Promotion> Promote(const std::string& type_dir, int64_t version, bool force);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_REPOSITORY_H_
