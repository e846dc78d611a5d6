// Adapts a loaded TokenClassifier (core/model) to the WindowModel seam, and loads a complete
// TaggingModel (tokenizer + network + labels) from a Hugging Face model folder.
//
// Thread safety: as WindowModel (Run from one thread at a time per instance).
#ifndef BIONER_CORE_DECODE_CLASSIFIER_MODEL_H_
#define BIONER_CORE_DECODE_CLASSIFIER_MODEL_H_

#include <memory>
#include <optional>
#include <string>

#include "core/decode/tagger.h"
#include "core/model/token_classifier.h"

namespace bioner {

class ClassifierWindowModel final : public WindowModel {
 public:
  // FAILED_PRECONDITION for an encoder-only model (no id2label: nothing to tag with);
  // INVALID_ARGUMENT if its labels are not a BIO/BIOES set.
  static StatusOr<std::unique_ptr<ClassifierWindowModel>> Create(
      std::shared_ptr<const TokenClassifier> classifier);

  const LabelSet& labels() const override { return labels_; }
  int max_seq_len() const override;
  StatusOr<std::vector<std::vector<float>>> Run(
      const std::vector<std::vector<int32_t>>& inputs) override;

  const TokenClassifier& classifier() const { return *classifier_; }

 private:
  ClassifierWindowModel(std::shared_ptr<const TokenClassifier> c, LabelSet l)
      : classifier_(std::move(c)), labels_(std::move(l)) {}
  std::shared_ptr<const TokenClassifier> classifier_;
  LabelSet labels_;
};

// Loads `dir` (config.json, vocab.txt, tokenizer_config.json, model.safetensors) for
// tagging. `lowercase` overrides the folder's casing. Errors name the folder.
StatusOr<TaggingModel> LoadTaggingModel(const std::string& dir, const std::string& version,
                                        const LoadOptions& options = {},
                                        std::optional<bool> lowercase = std::nullopt);

}  // namespace bioner

#endif  // BIONER_CORE_DECODE_CLASSIFIER_MODEL_H_
