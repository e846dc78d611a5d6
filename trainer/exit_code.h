// How a bioner-trainer subcommand ends on an error: the status on stderr, prefixed with the
// command ("bioner-trainer vocab: ..."), and the exit code: 0 after --help (CANCELLED), 2 for
// bad flags, config or named files (INVALID_ARGUMENT, NOT_FOUND), 1 for anything else.
#ifndef BIONER_TRAINER_EXIT_CODE_H_
#define BIONER_TRAINER_EXIT_CODE_H_

#include <string>

#include "core/util/status.h"

namespace bioner::trainer {

int FailCommand(const std::string& command, const Status& s);

}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_EXIT_CODE_H_
