// The `--progress FILE` format of `bioner-trainer train`: one JSON object per line for each
// core/train TrainProgress report, appended by the trainer and read back by the daemon
// (`bioner-trainer serve`), which tails the file of the job it runs.
//
//   {"event":"step","epoch":2,"epochs":3,"step":57,"total_steps":90,"train_loss":0.41,
//    "learning_rate":4.1e-05,"tokens_per_second":5120.3}
//
// "event" is "start", "step" or "epoch"; "epoch" lines add dev_loss, dev_precision,
// dev_recall, dev_f1. Stateless functions; thread-safe.
#ifndef BIONER_TRAINER_PROGRESS_JSON_H_
#define BIONER_TRAINER_PROGRESS_JSON_H_

#include <string>
#include <string_view>

#include "core/train/trainer.h"
#include "core/util/status.h"

namespace bioner::trainer {

// One line, without the trailing newline.
std::string ProgressJsonLine(const train::TrainProgress& p);
// Parses one line; INVALID_ARGUMENT naming the problem for anything else.
StatusOr<train::TrainProgress> ParseProgressLine(std::string_view line);

}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_PROGRESS_JSON_H_
