// The one record of training progress, and its one JSON codec. The record appears in three
// places, with the same keys:
//   - the `--progress FILE` lines of `bioner-trainer train`, one per start, step and epoch,
//     appended by the trainer and tailed by the daemon (`bioner-trainer serve`);
//   - train_log.jsonl (one epoch record per line, core/train/train_log.h) in every published
//     version, and the "records" of a work folder's state.json (core/train/work_state.h);
//   - the job status (JOBS/status/<name>.json, trainer/job_status.h) that the daemon keeps.
//
//   {"event":"epoch","epoch":2,"epochs":3,"step":57,"total_steps":90,"train_loss":0.41,
//    "learning_rate":4.1e-05,"tokens_per_second":5120.3,"dev_loss":0.2,"dev_precision":0.8,
//    "dev_recall":0.7,"dev_f1":0.75,"seconds":61.2}
//
// "event" is "start", "step" or "epoch"; only epoch records carry the dev scores and the
// epoch's seconds (ProgressKeys::kOfEvent). JSON has no NaN: a non-finite number (a diverged
// loss) is written as null and read back as NaN.
//
// Values and stateless functions; thread-safe.
#ifndef BIONER_CORE_TRAIN_PROGRESS_H_
#define BIONER_CORE_TRAIN_PROGRESS_H_

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace bioner::train {

// A progress report of Train() (core/train/trainer.h): kStart once the step count is known
// (after a resume: the resumed epoch and step), kStep after every optimizer step, kEpoch after
// every epoch's dev evaluation (the record that train_log.jsonl keeps).
struct TrainProgress {
  enum class Event { kStart, kStep, kEpoch };
  Event event = Event::kStart;
  int epoch = 0;     // the epoch being trained, 1-based (kStart: the last one done)
  int epochs = 0;    // config.epochs
  int64_t step = 0;  // optimizer steps done, over all epochs
  int64_t total_steps = 0;
  double train_loss = 0;         // mean over the epoch's labelled tokens so far
  double learning_rate = 0;      // of the last step
  double tokens_per_second = 0;  // of the epoch so far (padding excluded)
  double dev_loss = 0, dev_precision = 0, dev_recall = 0, dev_f1 = 0;  // kEpoch: strict, micro
  double seconds = 0;  // kEpoch: wall time of the epoch's training part
};

const char* EventName(TrainProgress::Event event);  // "start", "step", "epoch"

// Which keys ProgressToJson writes.
enum class ProgressKeys {
  kOfEvent,  // the dev scores and seconds only for an epoch record (progress lines, the log)
  kAll,      // every key: a job status merges the last epoch's scores into later step records
};

// Adds the record's keys to the JSON object `out` (its other keys are left alone).
void ProgressToJson(const TrainProgress& p, nlohmann::json* out,
                    ProgressKeys keys = ProgressKeys::kOfEvent);
// One line of JSON (kOfEvent), without a newline.
std::string ProgressJsonLine(const TrainProgress& p);

// Reads a record from the JSON object `j` (other keys are ignored). `default_event` is the event
// of a record without "event" (nullopt: such a record is refused); `required` names keys that
// must be present, absent numbers are 0 otherwise. INVALID_ARGUMENT naming `source` and the key
// for a missing required key, a value of the wrong type or an unknown event.
StatusOr<TrainProgress> ProgressFromJson(const nlohmann::json& j, const std::string& source,
                                         std::optional<TrainProgress::Event> default_event,
                                         const std::vector<std::string>& required = {});
// One `--progress` line: ProgressFromJson with "event" required.
StatusOr<TrainProgress> ParseProgressLine(std::string_view line, const std::string& source);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_PROGRESS_H_
