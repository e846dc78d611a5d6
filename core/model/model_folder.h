// The files of a Hugging Face BERT model folder as bioner reads them, named in one place:
// config.json (with label_map.json applied, label_map.h), vocab.txt, tokenizer_config.json,
// and the weights in whichever of transformers' four layouts the folder has. LoadModelFolder
// (model_io.h) reads through it, and `bioner-tool import` validates a downloaded folder and
// knows what to copy with it. Torch-free.
//
// Weights, in transformers' order of preference:
//   model.safetensors
//   model.safetensors.index.json   + the shards it names (model-00001-of-00002.safetensors, ...)
//   pytorch_model.bin              (read by our restricted unpickler, pytorch_bin.h)
//   pytorch_model.bin.index.json   + the shards it names (pytorch_model-00001-of-00002.bin, ...)
// An index is {"metadata": {...}, "weight_map": {"<tensor>": "<shard file>"}}: a shard must be
// a plain file name in the folder, every tensor it names must be in its shard, and every
// tensor of a shard must be in the map (a tensor in two shards is an error naming both).
//
// Thread safety: ModelWeights is immutable after Open; its views stay valid while it lives.
#ifndef BIONER_CORE_MODEL_MODEL_FOLDER_H_
#define BIONER_CORE_MODEL_MODEL_FOLDER_H_

#include <string>
#include <vector>

#include "core/model/bert_config.h"
#include "core/model/pytorch_bin.h"
#include "core/model/safetensors.h"
#include "core/util/status.h"

namespace bioner {

inline constexpr char kConfigFile[] = "config.json";
inline constexpr char kVocabFile[] = "vocab.txt";
inline constexpr char kTokenizerConfigFile[] = "tokenizer_config.json";
inline constexpr char kLabelMapFile[] = "label_map.json";

// `dir`/config.json with `dir`/label_map.json applied when the folder has one: the
// configuration (and labels: ours) that every loader of the folder sees.
StatusOr<BertConfig> ReadModelFolderConfig(const std::string& dir);

// The weights of a model folder, opened (memory-mapped) from whichever layout it has.
class ModelWeights {
 public:
  // NOT_FOUND naming the folder if it has none of the four layouts; the errors of the readers
  // (DATA_LOSS, INVALID_ARGUMENT naming the file) as they are.
  static StatusOr<ModelWeights> Open(const std::string& dir);

  // The weight file, or the index of a sharded checkpoint: the name errors give.
  const std::string& path() const { return path_; }
  // Every file the weights occupy, the index first for a sharded checkpoint.
  const std::vector<std::string>& files() const { return files_; }
  // All tensors, sorted by name (across shards).
  const std::vector<TensorView>& tensors() const { return tensors_; }
  // The tensor called `name`, or null.
  const TensorView* Find(const std::string& name) const;

 private:
  Status AddShard(const std::string& path);

  std::string path_;
  std::vector<std::string> files_;
  std::vector<SafetensorsFile> safetensors_;
  std::vector<PytorchBinFile> pytorch_bins_;
  std::vector<TensorView> tensors_;
};

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_MODEL_FOLDER_H_
