// Training a tagger for one entity type (docs/TRAINING.md): the loop behind `bioner-trainer
// train`, for either architecture of config.architecture (a BERT token classifier fine-tuned
// from a checkpoint, or a BiLSTM-CRF over a word-embedding table), behind TaggerNetwork
// (network.h).
//
//   ASSIGN_OR_RETURN(TrainConfig config, ReadTrainConfig("configs/train-disease.yaml"));
//   RETURN_IF_ERROR(CheckTrainConfig(config, "configs/train-disease.yaml"));
//   ASSIGN_OR_RETURN(TrainOutcome out, Train(config, {}));
//
// Train() loads the data, builds the network (BERT: an encoder-only checkpoint gets a fresh
// head for the labels of the type), trains with AdamW (no decay on biases and LayerNorm weights),
// linear warm-up and decay, clipping and accumulation, evaluates on dev after every epoch
// (strict F1 via core/eval selects the model), and at the end evaluates the selected model on
// dev and test, writes the checkpoint into MODEL_REPO/<type>/<version>/ atomically and runs
// the quality gate. A resumable state is kept in config.work_dir, replaced atomically at the
// end of every epoch; a run with the same config resumes from it (a config that differs from
// the state's is refused) and, on the CPU, ends with the same weights and metrics as an
// uninterrupted run. The work folder is removed once the checkpoint is published.
//
// Thread safety: one Train() per process at a time (it sets torch's global seed and thread
// count).
#ifndef BIONER_CORE_TRAIN_TRAINER_H_
#define BIONER_CORE_TRAIN_TRAINER_H_

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "core/repository/repository.h"
#include "core/train/progress.h"
#include "core/train/train_config.h"
#include "core/util/status.h"

namespace bioner::train {

struct TrainOptions {
  bool force = false;            // promote even if the quality gate refuses
  std::ostream* log = nullptr;   // progress lines; null: silent
  // Called with every TrainProgress (core/train/progress.h) on the training thread (keep it
  // cheap; it must not throw); empty: no reports.
  std::function<void(const TrainProgress&)> progress;
};

struct TrainOutcome {
  int64_t version = 0;
  std::string version_dir;
  int epochs_run = 0;            // epochs trained by this call (less after a resume)
  int resumed_from_epoch = 0;    // 0: fresh start
  int selected_epoch = 0;
  double dev_f1 = 0, test_f1 = 0;  // strict micro; test_f1 is 0 without test data
  repository::Promotion promotion;
};

StatusOr<TrainOutcome> Train(const TrainConfig& config, const TrainOptions& options);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_TRAINER_H_
