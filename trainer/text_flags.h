// The flags that `vocab` and `pretrain` share: input files and the evaluation data to keep
// out of them (core/train/text_corpus.h).
#ifndef BIONER_TRAINER_TEXT_FLAGS_H_
#define BIONER_TRAINER_TEXT_FLAGS_H_

#include "core/train/text_corpus.h"
#include "core/util/args.h"

namespace bioner::trainer {

// --in (repeatable), --exclude-splits DIR, --exclude-ids FILE (repeatable), --held-out.
void AddTextFlags(ArgParser* args);

// The exclusion list the flags name. Without --exclude-splits nothing is filtered by split,
// which the caller reports.
StatusOr<train::ExcludedIds> ExclusionFromFlags(const ArgParser& args);

}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_TEXT_FLAGS_H_
