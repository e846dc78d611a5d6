// Applying a reviewed unified diff (`diff -u` output for one file) to a corpus file, for the
// patches HUNER applied before conversion (shared/corpora/huner_splits/patches/).
//
// Each hunk's old lines must match the text exactly, at the stated line or, if earlier hunks
// or a slightly different file moved it, at the nearest position within 200 lines after the
// previous hunk; a hunk that matches nowhere is a DATA_LOSS error naming `what` and the hunk.
// Lines keep their '\r', so a CRLF file needs a CRLF diff. Stateless; thread-safe.
#ifndef BIONER_CORE_CORPUS_DIFF_PATCH_H_
#define BIONER_CORE_CORPUS_DIFF_PATCH_H_

#include <string>
#include <string_view>

#include "core/util/status.h"

namespace bioner {

struct PatchResult {
  std::string text;
  int hunks = 0;
};

StatusOr<PatchResult> ApplyUnifiedDiff(std::string_view text, std::string_view diff,
                                       const std::string& what);

}  // namespace bioner

#endif  // BIONER_CORE_CORPUS_DIFF_PATCH_H_
