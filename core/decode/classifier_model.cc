#include "core/decode/classifier_model.h"

#include "core/model/word_tagger_model.h"
#include "core/text/tokenizer.h"

namespace bioner {

StatusOr<std::unique_ptr<ClassifierWindowModel>> ClassifierWindowModel::Create(
    std::shared_ptr<const TokenClassifier> classifier) {
  if (classifier->encoder_only()) {
    return FailedPrecondition("the model is an encoder without a token-classification head "
                              "(config.json has no id2label); fine-tune it first");
  }
  ASSIGN_OR_RETURN(LabelSet labels, LabelSet::Create(classifier->labels()));
  return std::unique_ptr<ClassifierWindowModel>(
      new ClassifierWindowModel(std::move(classifier), std::move(labels)));
}

int ClassifierWindowModel::max_seq_len() const {
  return static_cast<int>(classifier_->config().max_position_embeddings);
}

StatusOr<std::vector<std::vector<float>>> ClassifierWindowModel::Run(
    const std::vector<std::vector<int32_t>>& inputs) {
  Batch batch;
  batch.input_ids = inputs;
  ASSIGN_OR_RETURN(Tensor3 out, classifier_->Forward(batch));
  return std::move(out.rows);
}

StatusOr<TaggingModel> LoadTaggingModel(const std::string& dir, const std::string& version,
                                        const LoadOptions& options,
                                        std::optional<bool> lowercase) {
  if (IsWordTaggerModelDir(dir)) {
    auto loaded = LoadWordTaggerModel(dir, options);
    if (!loaded.ok()) return loaded.status().WithContext("model " + dir);
    return TaggingModel{loaded->encoder, loaded->model, version};
  }
  auto tokenizer = text::BertTokenizer::FromModelDir(dir, lowercase);
  if (!tokenizer.ok()) return tokenizer.status().WithContext("model " + dir);
  auto classifier = TokenClassifier::Load(dir, options);
  if (!classifier.ok()) return classifier.status().WithContext("model " + dir);
  if ((*classifier)->config().vocab_size < tokenizer->vocab().size()) {
    return InvalidArgument("model " + dir + ": vocab.txt has " +
                           std::to_string(tokenizer->vocab().size()) +
                           " tokens but config.json vocab_size is " +
                           std::to_string((*classifier)->config().vocab_size));
  }
  auto model = ClassifierWindowModel::Create(std::move(classifier).value());
  if (!model.ok()) return model.status().WithContext("model " + dir);
  TaggingModel m;
  m.tokenizer = std::make_shared<const text::BertTokenizer>(std::move(tokenizer).value());
  m.model = std::move(model).value();
  m.version = version;
  return m;
}

}  // namespace bioner
