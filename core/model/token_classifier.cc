#include "core/model/token_classifier.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <thread>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>

#include "core/model/model_io.h"
#include "core/model/torch_runtime.h"

namespace bioner {

using model_internal::ConfigureThreads;
using model_internal::ParseDevice;

struct TokenClassifier::Impl {
  model_internal::LoadedModel loaded;
  std::unique_ptr<model_internal::FastBertInference> fast;
  c10::Device device{c10::kCPU};
};

namespace {

Status ValidateBatch(const Batch& batch, const BertConfig& c) {
  const bool has_types = !batch.token_type_ids.empty();
  if (has_types && batch.token_type_ids.size() != batch.input_ids.size()) {
    return InvalidArgument("token_type_ids has " + std::to_string(batch.token_type_ids.size()) +
                           " sequences but input_ids has " + std::to_string(batch.input_ids.size()));
  }
  for (size_t b = 0; b < batch.input_ids.size(); ++b) {
    const auto& ids = batch.input_ids[b];
    if (static_cast<int64_t>(ids.size()) > c.max_position_embeddings) {
      return InvalidArgument("sequence " + std::to_string(b) + " has " + std::to_string(ids.size()) +
                             " tokens, more than max_position_embeddings " + std::to_string(c.max_position_embeddings));
    }
    for (size_t t = 0; t < ids.size(); ++t) {
      if (ids[t] < 0 || ids[t] >= c.vocab_size) {
        return InvalidArgument("sequence " + std::to_string(b) + " position " + std::to_string(t) + ": token id " +
                               std::to_string(ids[t]) + " outside [0, vocab_size " + std::to_string(c.vocab_size) + ")");
      }
    }
    if (!has_types) continue;
    const auto& types = batch.token_type_ids[b];
    if (types.size() != ids.size()) {
      return InvalidArgument("sequence " + std::to_string(b) + ": " + std::to_string(types.size()) +
                             " token_type_ids for " + std::to_string(ids.size()) + " input_ids");
    }
    for (size_t t = 0; t < types.size(); ++t) {
      if (types[t] < 0 || types[t] >= c.type_vocab_size) {
        return InvalidArgument("sequence " + std::to_string(b) + " position " + std::to_string(t) + ": token type " +
                               std::to_string(types[t]) + " outside [0, type_vocab_size " +
                               std::to_string(c.type_vocab_size) + ")");
      }
    }
  }
  return Status::Ok();
}

// [B, L] int64, zero-padded.
at::Tensor Pad(const std::vector<std::vector<int32_t>>& rows, int64_t l) {
  at::Tensor t = at::zeros({static_cast<int64_t>(rows.size()), l}, at::kLong);
  auto acc = t.accessor<int64_t, 2>();
  for (size_t b = 0; b < rows.size(); ++b) std::copy(rows[b].begin(), rows[b].end(), &acc[b][0]);
  return t;
}

}  // namespace

TokenClassifier::TokenClassifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TokenClassifier::~TokenClassifier() = default;

StatusOr<std::unique_ptr<TokenClassifier>> TokenClassifier::Load(const std::string& dir, const LoadOptions& options) {
  ASSIGN_OR_RETURN(c10::Device device, ParseDevice(options.device));
  RETURN_IF_ERROR(ConfigureThreads(options.num_threads));
  auto impl = std::make_unique<Impl>();
  impl->device = device;
  ASSIGN_OR_RETURN(impl->loaded, model_internal::LoadModelFolder(dir, device));
  try {
    if (options.fused_inference) {
      impl->fast = std::make_unique<model_internal::FastBertInference>(*impl->loaded.model);
    }
  } catch (const std::exception& e) {
    return Internal(dir + ": LibTorch failed while preparing inference: " + e.what());
  }
  return std::unique_ptr<TokenClassifier>(new TokenClassifier(std::move(impl)));
}

const BertConfig& TokenClassifier::config() const { return impl_->loaded.config; }

std::string TokenClassifier::device() const { return impl_->device.str(); }

StatusOr<Tensor3> TokenClassifier::Forward(const Batch& batch) const {
  const BertConfig& c = config();
  RETURN_IF_ERROR(ValidateBatch(batch, c));
  Tensor3 out;
  out.width = c.has_classifier() ? static_cast<int64_t>(c.labels.size()) : c.hidden_size;
  out.rows.resize(batch.input_ids.size());
  std::vector<int64_t> lengths;
  int64_t l = 0;
  for (const auto& ids : batch.input_ids) {
    lengths.push_back(static_cast<int64_t>(ids.size()));
    l = std::max(l, lengths.back());
  }
  if (l == 0) return out;
  try {
    // A worker thread that did not load the model picks up the configured thread count.
    at::init_num_threads();
    c10::InferenceMode inference;
    at::Tensor ids = Pad(batch.input_ids, l).to(impl_->device);
    at::Tensor types;
    if (!batch.token_type_ids.empty()) types = Pad(batch.token_type_ids, l).to(impl_->device);
    at::Tensor result;
    if (impl_->fast) {
      result = impl_->fast->Forward(ids, types, lengths);
    } else {
      at::Tensor mask = at::zeros({static_cast<int64_t>(lengths.size()), l}, at::kLong);
      for (size_t b = 0; b < lengths.size(); ++b) mask[b].narrow(0, 0, lengths[b]).fill_(1);
      result = impl_->loaded.model->forward(ids, types, mask.to(impl_->device));
    }
    result = result.to(at::kCPU).contiguous();
    const float* base = result.data_ptr<float>();
    for (size_t b = 0; b < out.rows.size(); ++b) {
      const float* row = base + static_cast<int64_t>(b) * l * out.width;
      out.rows[b].assign(row, row + lengths[b] * out.width);
    }
  } catch (const std::exception& e) {
    return Internal("model forward pass failed on " + impl_->device.str() + ": " + e.what());
  }
  return out;
}

Status TokenClassifier::Save(const std::string& dir) const {
  return model_internal::SaveModelFolder(*impl_->loaded.model, impl_->loaded.vocab_txt, dir);
}

}  // namespace bioner
