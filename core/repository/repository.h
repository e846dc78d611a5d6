// The model repository (docs/FORMATS.md, "The model repository"): its layout, the rules for
// version names, and publication. The one owner of the format: the trainer writes through it
// (PublishVersion, Promote) and the server reads through it (ServedVersion).
//
//   MODEL_REPO/<type>/.tmp-<version>-<pid>/  written and fsynced by the trainer, then
//   MODEL_REPO/<type>/<version>/             renamed into place (one rename(2): all or nothing)
//   MODEL_REPO/<type>/current                "<version>\n", replaced by write-fsync-rename
//
// Version names: the trainer numbers versions 1, 2, 3, ...; `current` may name any version
// folder (IsVersionName), so that a folder put there by hand or by an import is served.
// Names starting with '.' are never versions (staging folders).
//
// Not safe against two trainers publishing the same version of one type at the same time
// (the second rename fails with ALREADY_EXISTS, nothing is overwritten). Stateless functions.
#ifndef BIONER_CORE_REPOSITORY_REPOSITORY_H_
#define BIONER_CORE_REPOSITORY_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace bioner::repository {

// Whether `name` may name a version folder: not empty, not starting with '.', no '/'.
bool IsVersionName(std::string_view name);

// The number of a trainer-numbered version ("12" -> 12); nullopt for any other name.
std::optional<int64_t> IntegerVersion(std::string_view name);

// Integer-named version folders of `type_dir`, ascending (names starting with '.' and other
// names are not numbered versions). A missing folder has none.
StatusOr<std::vector<int64_t>> ListVersions(const std::string& type_dir);

// The version named by `type_dir/current`; nullopt if the file does not exist. DATA_LOSS if
// it exists but does not hold one version name.
StatusOr<std::optional<std::string>> ReadCurrent(const std::string& type_dir);

// The version the server serves: `current`, or the highest numbered version when it is
// missing; nullopt when there is neither.
StatusOr<std::optional<std::string>> ServedVersion(const std::string& type_dir);

// Replaces `current` atomically with "<version>\n" (WriteFileAtomic).
Status WriteCurrent(const std::string& type_dir, int64_t version);

// The staging folder name for `version` in `type_dir`: ".tmp-<version>-<pid>".
std::string StagingFolder(const std::string& type_dir, int64_t version);

// Publishes the complete folder `staging` (inside `type_dir`) as `type_dir/<version>` with
// Publish(kFailIfExists): syncs it, renames it, syncs `type_dir`. ALREADY_EXISTS if the
// version exists. If `current` is missing and other versions exist, first pins `current` to
// the highest of them, so that the new version is not served before it passes the quality
// gate.
Status PublishVersion(const std::string& staging, const std::string& type_dir, int64_t version);

// Dev micro F1 (strict) recorded in `version_dir/metrics.json` ("dev": {"micro": {"f1": x}}).
StatusOr<double> ReadDevF1(const std::string& version_dir);

struct Promotion {
  bool promoted = false;
  std::optional<std::string> previous;  // the served version before, if any
  std::string reason;                   // why (not) promoted, for the log and the user
};

// The quality gate: makes `version` current if its dev F1 is at least that of the served
// version (or nothing is served, or `force`; neither reads an F1). A served or new version
// whose dev F1 cannot be read (an imported checkpoint has none) blocks promotion (the reason
// says so) unless `force`.
StatusOr<Promotion> Promote(const std::string& type_dir, int64_t version, bool force);

}  // namespace bioner::repository

#endif  // BIONER_CORE_REPOSITORY_REPOSITORY_H_
