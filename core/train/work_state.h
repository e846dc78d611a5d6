// The resumable state of a training run in its work folder (torch-free part):
//
//   WORK/latest          "<epoch>\n": the last complete epoch; replaced atomically (commit point)
//   WORK/epoch-<N>/      state.json (this struct) + model.pt, optimizer.pt, rng.pt (trainer.cc)
//   WORK/best-<E>/       the model selected so far, as a Hugging Face folder
//   WORK/.tmp-*          folders being written; removed on the next start
//
// A folder is written under a .tmp- name and published (Publish, core/util/file.h: fsync,
// rename, fsync of the folder); only then is `latest` replaced,
// so a kill at any moment leaves either the previous or the new state, never a mix. Folders
// that `latest` does not reference are garbage and removed by Prune.
//
// Values and stateless functions; one process per work folder.
#ifndef BIONER_CORE_TRAIN_WORK_STATE_H_
#define BIONER_CORE_TRAIN_WORK_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/train/progress.h"
#include "core/util/status.h"

namespace bioner::train {

struct WorkState {
  int epoch = 0;          // epochs completed
  int64_t step = 0;       // optimizer steps taken
  int best_epoch = 0;     // 0: none yet
  double best_f1 = -1;
  std::vector<TrainProgress> records;  // of event kEpoch, one per epoch completed (train_log.h)
  std::string config_json;  // TrainConfigToJson of the run; a resume must match it
};

std::string WorkStateToJson(const WorkState& s);
StatusOr<WorkState> ParseWorkState(const std::string& text, const std::string& source);

std::string EpochDir(const std::string& work_dir, int epoch);
std::string BestDir(const std::string& work_dir, int epoch);
// A fresh temporary folder name in `work_dir` ("<work_dir>/.tmp-<what>-<pid>").
std::string TempDir(const std::string& work_dir, const std::string& what);

// The committed epoch, nullopt for a fresh work folder. DATA_LOSS if `latest` is garbled.
StatusOr<std::optional<int>> ReadLatest(const std::string& work_dir);


// Makes `epoch` the committed state (atomic replacement of `latest`).
Status CommitEpoch(const std::string& work_dir, int epoch);

// Removes temporary folders and every epoch-/best- folder other than the kept ones.
Status Prune(const std::string& work_dir, int keep_epoch, int keep_best);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_WORK_STATE_H_
