#include "core/model/model_io.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "core/model/model_folder.h"
#include "core/model/token_classifier.h"
#include "core/util/file.h"

namespace bioner::model_internal {
namespace {

bool StartsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool EndsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// Tensors of a Hugging Face checkpoint that a token classifier does not use.
bool Ignorable(const std::string& name, bool has_classifier) {
  return StartsWith(name, "cls.") || StartsWith(name, "pooler.") || StartsWith(name, "bert.pooler.") ||
         EndsWith(name, "position_ids") || EndsWith(name, "embeddings.token_type_ids") ||
         (!has_classifier && StartsWith(name, "classifier."));
}

StatusOr<at::ScalarType> FloatType(const std::string& file, const TensorView& t) {
  switch (t.dtype) {
    case DType::kF32: return at::kFloat;
    case DType::kF16: return at::kHalf;
    case DType::kBF16: return at::kBFloat16;
    case DType::kF64: return at::kDouble;
    default:
      return InvalidArgument(file + ": tensor '" + t.name + "' has dtype " + DTypeName(t.dtype) +
                             " but a weight must be F32, F16, BF16 or F64");
  }
}

}  // namespace

Status LoadWeights(const SafetensorsFile& file, BertNerModelImpl& model) {
  return LoadWeights(file.path(), file.tensors(), model);
}

Status LoadWeights(const std::string& path, const std::vector<TensorView>& tensors, BertNerModelImpl& model) {
  torch::NoGradGuard no_grad;
  auto find = [&](const std::string& name) -> const TensorView* {
    auto it = std::lower_bound(tensors.begin(), tensors.end(), name,
                               [](const TensorView& t, const std::string& n) { return t.name < n; });
    return it != tensors.end() && it->name == name ? &*it : nullptr;
  };
  std::set<std::string> used;
  for (auto& p : model.named_parameters()) {
    const std::string& name = p.key();
    const TensorView* t = nullptr;
    for (const auto& candidate : CheckpointNamesFor(name)) {
      if ((t = find(candidate))) break;
    }
    if (!t) {
      return InvalidArgument(path + ": missing tensor '" + name + "' (shape " + ShapeToString(p.value().sizes().vec()) +
                             " from config.json)");
    }
    used.insert(t->name);
    if (t->shape != p.value().sizes().vec()) {
      return InvalidArgument(path + ": tensor '" + t->name + "' has shape " + ShapeToString(t->shape) +
                             " but config.json implies " + ShapeToString(p.value().sizes().vec()));
    }
    ASSIGN_OR_RETURN(at::ScalarType type, FloatType(path, *t));
    // The mapped bytes may be unaligned for their type, so they are copied, not viewed:
    // float32 straight into the parameter; F16/BF16 through a tensor of their own width,
    // which copy_ widens. No float32 temporary: after freeing one the size of an
    // embedding matrix, glibc keeps that much heap resident for the life of the server.
    at::Tensor& dst = p.value();
    if (type == at::kFloat && dst.is_contiguous() && dst.device().is_cpu()) {
      if (t->nbytes) std::memcpy(dst.data_ptr(), t->data, t->nbytes);
    } else {
      at::Tensor narrow = at::empty(t->shape, at::TensorOptions().dtype(type));
      if (t->nbytes) std::memcpy(narrow.data_ptr(), t->data, t->nbytes);
      dst.copy_(narrow);
    }
  }
  for (const auto& t : tensors) {
    if (used.count(t.name) || Ignorable(t.name, model.config().has_classifier())) continue;
    return InvalidArgument(path + ": unexpected tensor '" + t.name + "' " + ShapeToString(t.shape) +
                           " (not part of a BERT token classifier with this config.json)");
  }
  return Status::Ok();
}

Status CheckConfigFitsWeights(const BertConfig& c, const std::vector<TensorView>& tensors,
                              const std::string& source) {
  // In long double: the products of hostile sizes overflow int64 (ValidateBertConfig has
  // checked that they are positive).
  using F = long double;
  const F h = static_cast<F>(c.hidden_size);
  const F needed = (static_cast<F>(c.vocab_size) + static_cast<F>(c.max_position_embeddings)) * h +
                   static_cast<F>(c.num_hidden_layers) *
                       (4 * h * h + 2 * h * static_cast<F>(c.intermediate_size));
  F held = 0;
  for (const TensorView& t : tensors) held += static_cast<F>(t.numel());
  if (needed > held) {
    return InvalidArgument(source + ": config.json implies at least " +
                           std::to_string(static_cast<double>(needed)) +
                           " parameters but the weights hold " +
                           std::to_string(static_cast<double>(held)) +
                           " values in all (vocab_size, hidden_size, num_hidden_layers, "
                           "intermediate_size, max_position_embeddings do not fit the weights)");
  }
  return Status::Ok();
}

StatusOr<LoadedModel> LoadModelFolder(const std::string& dir, const c10::Device& device) {
  namespace fs = std::filesystem;
  LoadedModel out;
  // With the folder's label map applied: from here on a third-party checkpoint has our labels.
  ASSIGN_OR_RETURN(out.config, ReadModelFolderConfig(dir));
  // Whichever weight layout the folder has; a pytorch_model.bin is read by our restricted
  // unpickler, which runs nothing (pytorch_bin.h).
  ASSIGN_OR_RETURN(ModelWeights weights, ModelWeights::Open(dir));
  RETURN_IF_ERROR(CheckConfigFitsWeights(out.config, weights.tensors(), dir));
  const std::string vocab = (fs::path(dir) / kVocabFile).string();
  if (fs::exists(vocab)) {
    ASSIGN_OR_RETURN(out.vocab_txt, ReadFile(vocab));
  }
  try {
    out.model = BertNerModel(out.config);
    RETURN_IF_ERROR(LoadWeights(weights.path(), weights.tensors(), *out.model));
    out.model->to(device);
    out.model->eval();
  } catch (const std::exception& e) {
    return Internal(weights.path() + ": LibTorch failed while loading: " + e.what());
  }
  return out;
}

Status SaveModelFolder(const BertNerModelImpl& model, const std::string& vocab_txt, const std::string& dir,
                       const std::vector<std::pair<std::string, at::Tensor>>& extra, DType dtype) {
  if (dtype != DType::kF32 && dtype != DType::kF16) {
    return InvalidArgument(dir + ": weights can be saved as F32 or F16, not " + DTypeName(dtype));
  }
  const at::ScalarType type = dtype == DType::kF16 ? at::kHalf : at::kFloat;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Unavailable(dir + ": cannot create folder: " + ec.message());
  std::vector<at::Tensor> keep;
  std::vector<TensorToWrite> tensors;
  try {
    torch::NoGradGuard no_grad;
    std::vector<std::pair<std::string, at::Tensor>> all;
    for (const auto& p : model.named_parameters()) all.emplace_back(p.key(), p.value());
    all.insert(all.end(), extra.begin(), extra.end());
    for (const auto& [name, value] : all) {
      keep.push_back(value.detach().to(at::kCPU, type).contiguous());
      const at::Tensor& t = keep.back();
      tensors.push_back({name, dtype, t.sizes().vec(),
                         std::string_view(static_cast<const char*>(t.data_ptr()), t.nbytes())});
    }
  } catch (const std::exception& e) {
    return Internal(dir + ": LibTorch failed while saving: " + e.what());
  }
  std::sort(tensors.begin(), tensors.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  // transformers refuses safetensors files without format metadata.
  RETURN_IF_ERROR(WriteSafetensors((fs::path(dir) / "model.safetensors").string(), tensors, {{"format", "pt"}}));
  if (!vocab_txt.empty()) RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "vocab.txt").string(), vocab_txt));
  return WriteBertConfig(model.config(), (fs::path(dir) / "config.json").string());
}

Status WriteTokenizerConfig(const std::string& dir, bool lowercase) {
  return WriteFileAtomic((std::filesystem::path(dir) / "tokenizer_config.json").string(),
                         std::string("{\"do_lower_case\": ") + (lowercase ? "true" : "false") +
                             ", \"tokenizer_class\": \"BertTokenizer\"}\n");
}

}  // namespace bioner::model_internal

namespace bioner {

Status CreateRandomModel(const BertConfig& config, const std::string& dir, uint64_t seed,
                         const std::string& vocab_txt) {
  RETURN_IF_ERROR(ValidateBertConfig(config, dir + "/config.json"));
  std::string vocab = vocab_txt;
  if (vocab.empty()) {
    const char* special[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    for (int64_t i = 0; i < config.vocab_size; ++i) {
      vocab += i < 5 ? std::string(special[i]) : "tok" + std::to_string(i);
      vocab += '\n';
    }
  }
  try {
    model_internal::BertNerModel model(config);
    model_internal::InitBertWeights(*model, seed);
    return model_internal::SaveModelFolder(*model, vocab, dir);
  } catch (const std::exception& e) {
    return Internal(dir + ": LibTorch failed while creating a random model: " + e.what());
  }
}

}  // namespace bioner
