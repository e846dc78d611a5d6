// The BERT token classifier as a TaggerNetwork (network.h): fine-tuned from a Hugging Face
// folder with a per-token cross-entropy over the labelled positions.
#include <ATen/autocast_mode.h>
#include <torch/nn/functional/loss.h>

#include "core/model/bert_module.h"
#include "core/model/model_io.h"
#include "core/text/tokenizer.h"
#include "core/train/network.h"
#include "core/train/torch_guard.h"

namespace bioner::train {
namespace {

using model_internal::BertNerModel;

// Cross-entropy over the labelled positions (float32 even under autocast): summed, or one
// value per position (0 at ignored ones).
torch::Tensor TokenCrossEntropy(const torch::Tensor& logits, const torch::Tensor& labels, bool summed) {
  const int64_t k = logits.size(-1);
  auto options = torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreLabel);
  if (summed) options.reduction(torch::kSum);
  else options.reduction(torch::kNone);
  return torch::nn::functional::cross_entropy(logits.to(torch::kFloat).reshape({-1, k}), labels.reshape({-1}),
                                              options);
}

class BertNetwork final : public TaggerNetwork {
 public:
  BertNetwork(BertNerModel model, std::string vocab_txt, std::shared_ptr<const text::BertTokenizer> tok,
              LabelSet labels, int max_seq_len)
      : model_(std::move(model)), vocab_txt_(std::move(vocab_txt)), tok_(std::move(tok)),
        labels_(std::move(labels)), max_seq_len_(max_seq_len) {}

  torch::nn::Module& module() override { return *model_; }
  std::shared_ptr<const text::TextEncoder> encoder() const override { return tok_; }
  const LabelSet& labels() const override { return labels_; }
  int max_seq_len() const override { return max_seq_len_; }

  torch::Tensor SummedLoss(const TensorBatch& batch, bool autocast) override {
    if (autocast) at::autocast::set_enabled(true);
    torch::Tensor logits = model_->forward(batch.ids, torch::Tensor(), batch.mask);
    if (autocast) {
      at::autocast::set_enabled(false);
      at::autocast::clear_cache();
    }
    return TokenCrossEntropy(logits, batch.labels, /*summed=*/true);
  }

  torch::Tensor RowLosses(const TensorBatch& batch) override {
    torch::Tensor logits = model_->forward(batch.ids, torch::Tensor(), batch.mask);
    torch::Tensor loss = TokenCrossEntropy(logits, batch.labels, /*summed=*/false);
    return loss.reshape({batch.ids.size(0), -1}).sum(1).to(torch::kCPU).to(torch::kDouble);
  }

  torch::Tensor Scores(const TensorBatch& batch) override {
    return model_->forward(batch.ids, torch::Tensor(), batch.mask).to(torch::kCPU, torch::kFloat).contiguous();
  }

  Status SaveFolder(const std::string& dir, DType dtype) override {
    RETURN_IF_ERROR(model_internal::SaveModelFolder(*model_, vocab_txt_, dir, {}, dtype));
    return model_internal::WriteTokenizerConfig(dir, tok_->options().lowercase);
  }

  StatusOr<std::unique_ptr<TaggerNetwork>> LoadFolder(const std::string& dir,
                                                      const c10::Device& device) const override {
    ASSIGN_OR_RETURN(model_internal::LoadedModel loaded, model_internal::LoadModelFolder(dir, device));
    return std::unique_ptr<TaggerNetwork>(
        new BertNetwork(loaded.model, loaded.vocab_txt, tok_, labels_, max_seq_len_));
  }

 private:
  BertNerModel model_;
  std::string vocab_txt_;
  std::shared_ptr<const text::BertTokenizer> tok_;
  LabelSet labels_;
  int max_seq_len_;
};

}  // namespace

// The checkpoint's weights, a fresh head (seeded) when it has none, the configured dropout.
StatusOr<std::unique_ptr<TaggerNetwork>> BuildBertNetwork(const TrainConfig& c, const c10::Device& device) {
  ASSIGN_OR_RETURN(text::BertTokenizer tokenizer, text::BertTokenizer::FromModelDir(c.model, c.lowercase));
  auto tok = std::make_shared<const text::BertTokenizer>(std::move(tokenizer));
  ASSIGN_OR_RETURN(model_internal::LoadedModel loaded, model_internal::LoadModelFolder(c.model, c10::Device(c10::kCPU)));
  LabelSet labels = LabelSet::ForTypes({c.entity_type}, c.scheme == "BIOES" ? LabelScheme::kBIOES : LabelScheme::kBIO);
  if (loaded.config.has_classifier()) {
    ASSIGN_OR_RETURN(labels, LabelSet::Create(loaded.config.labels));
  }
  BertConfig config = loaded.config;
  config.labels = labels.names();
  if (c.dropout) config.hidden_dropout_prob = config.attention_probs_dropout_prob = *c.dropout;
  BertNerModel model(nullptr);
  RETURN_IF_ERROR(GuardTorch(c.model, [&] {
    torch::NoGradGuard no_grad;
    model = BertNerModel(config);
    model_internal::InitBertWeights(*model, c.seed);
    auto source = loaded.model->named_parameters();
    for (auto& p : model->named_parameters()) {
      if (const torch::Tensor* t = source.find(p.key())) p.value().copy_(*t);
    }
    model->to(device);
    return Status::Ok();
  }));
  return std::unique_ptr<TaggerNetwork>(
      new BertNetwork(model, loaded.vocab_txt, std::move(tok), std::move(labels), c.max_seq_len));
}

}  // namespace bioner::train
