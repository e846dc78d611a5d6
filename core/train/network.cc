// TaggerNetwork's shared pieces: batching, and the choice of architecture.
#include "core/train/network.h"

namespace bioner::train {

TensorBatch MakeBatch(const std::vector<const Example*>& examples, const c10::Device& device) {
  int64_t l = 0;
  for (const Example* e : examples) l = std::max<int64_t>(l, static_cast<int64_t>(e->input_ids.size()));
  const int64_t b = static_cast<int64_t>(examples.size());
  TensorBatch out;
  out.ids = torch::zeros({b, l}, torch::kLong);
  out.mask = torch::zeros({b, l}, torch::kLong);
  out.labels = torch::full({b, l}, kIgnoreLabel, torch::kLong);
  auto ids = out.ids.accessor<int64_t, 2>(), mask = out.mask.accessor<int64_t, 2>();
  auto labels = out.labels.accessor<int64_t, 2>();
  for (int64_t i = 0; i < b; ++i) {
    const Example& e = *examples[i];
    for (size_t t = 0; t < e.input_ids.size(); ++t) {
      ids[i][t] = e.input_ids[t];
      mask[i][t] = 1;
      labels[i][t] = e.labels[t];
      if (e.labels[t] != kIgnoreLabel) ++out.labelled;
    }
    out.tokens += static_cast<long>(e.input_ids.size());
  }
  out.ids = out.ids.to(device);
  out.mask = out.mask.to(device);
  out.labels = out.labels.to(device);
  return out;
}

StatusOr<std::unique_ptr<TaggerNetwork>> BuildNetwork(const TrainConfig& config,
                                                      const std::vector<Document>& train_docs,
                                                      const c10::Device& device) {
  if (config.architecture == "bilstm_crf") return BuildBiLstmNetwork(config, train_docs, device);
  return BuildBertNetwork(config, device);
}

}  // namespace bioner::train
