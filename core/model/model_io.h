// INTERNAL to core/model (includes LibTorch): reading and writing Hugging Face model folders
// (model_folder.h: config.json + label map, any weight layout, vocab.txt) into and out of a BertNerModel. Used by
// TokenClassifier and by the trainer, which trains the returned module.
// Thread safety: free functions over caller-owned values; a module must not be mutated
// concurrently with SaveModelFolder.
#ifndef BIONER_CORE_MODEL_MODEL_IO_H_
#define BIONER_CORE_MODEL_MODEL_IO_H_

#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include <c10/core/Device.h>

#include "core/model/bert_module.h"
#include "core/model/safetensors.h"

namespace bioner::model_internal {

struct LoadedModel {
  BertConfig config;
  BertNerModel model{nullptr};  // in eval mode, on the requested device
  std::string vocab_txt;        // contents of vocab.txt; empty if the folder has none
};

// Copies the tensors of `file` into the parameters of `model` (see token_classifier.h for
// the naming rules). Errors name the file, the tensor and both shapes.
Status LoadWeights(const SafetensorsFile& file, BertNerModelImpl& model);
// The same over any weight file's tensors (sorted by name; e.g. PytorchBinFile::tensors()).
Status LoadWeights(const std::string& path, const std::vector<TensorView>& tensors, BertNerModelImpl& model);

// Every parameter of a model must come from a tensor of its shape (LoadWeights), so a
// config.json that implies more parameters than `tensors` hold in all is refused, naming
// `source`, before any model is allocated: a hostile vocab_size or intermediate_size would
// otherwise make LibTorch allocate whatever it says. Counts a lower bound of the parameters
// (embeddings and the layers' matrices), so no valid folder is refused.
Status CheckConfigFitsWeights(const BertConfig& config, const std::vector<TensorView>& tensors,
                              const std::string& source);

// config.json (with label_map.json applied when the folder has one: label_map.h), the
// weights and vocab.txt of `dir`.
StatusOr<LoadedModel> LoadModelFolder(const std::string& dir, const c10::Device& device);

// Writes model.safetensors (`dtype` F32 or F16, metadata format=pt), vocab.txt (if non-empty)
// and config.json into `dir`, creating it. `extra` tensors are written beside the model's (the
// MLM head "cls.predictions.*" of a pretrained encoder, which loaders of token classifiers
// ignore).
Status SaveModelFolder(const BertNerModelImpl& model, const std::string& vocab_txt, const std::string& dir,
                       const std::vector<std::pair<std::string, at::Tensor>>& extra = {},
                       DType dtype = DType::kF32);

// Writes tokenizer_config.json into `dir`: the casing (do_lower_case) that Hugging Face and
// BertTokenizer::FromModelDir read, and tokenizer_class BertTokenizer.
Status WriteTokenizerConfig(const std::string& dir, bool lowercase);

}  // namespace bioner::model_internal

#endif  // BIONER_CORE_MODEL_MODEL_IO_H_
