// The documents a training run reads: the train/dev/test splits of registered corpora for one
// entity type (core/corpus), or JSONL files (docs/FORMATS.md, e.g. from `bioner-trainer corpus
// export`). Only entities of the configured type are kept. Every document names its corpus
// (from the registry, or, for a JSONL document without one, the file's base name without
// extension) so that evaluation reports per corpus.
//
// Stateless; thread-safe.
#ifndef BIONER_CORE_TRAIN_DATA_H_
#define BIONER_CORE_TRAIN_DATA_H_

#include <string>
#include <vector>

#include "core/doc/document.h"
#include "core/train/train_config.h"
#include "core/util/status.h"

namespace bioner::train {

struct TrainData {
  std::vector<std::string> corpora;  // names, in the order read
  std::vector<Document> train, dev, test;
};

// Reads the splits named by a checked config (CheckTrainConfig). Errors name the corpus or file.
StatusOr<TrainData> LoadTrainData(const TrainConfig& config);

// Documents of JSONL files with only the entities of `type`; see the header comment.
StatusOr<std::vector<Document>> ReadJsonlSplit(const std::vector<std::string>& files, const std::string& type);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_DATA_H_
