#include "core/train/train_config.h"

#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/config/yaml_keys.h"
#include "core/corpus/registry.h"
#include "core/model/labels.h"
#include "core/model/bert_config.h"
#include "core/model/model_folder.h"
#include "core/util/file.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;

Status CheckRanges(const TrainConfig& c, const config::KeyReader& r) {
  auto require = [&](bool ok, const char* key, const std::string& what) {
    return ok ? Status::Ok() : r.Error(key, what);
  };
  const bool bert = c.architecture == "bert";
  RETURN_IF_ERROR(require(bert || c.architecture == "bilstm_crf", "architecture",
                          "must be bert or bilstm_crf, got '" + c.architecture + "'"));
  RETURN_IF_ERROR(require(!bert || !c.model.empty(), "model", "is required (a Hugging Face model folder)"));
  RETURN_IF_ERROR(require(bert || c.model.empty(), "model", "is for architecture bert; bilstm_crf starts from 'embeddings'"));
  RETURN_IF_ERROR(require(bert || !c.embeddings.empty(), "embeddings",
                          "is required with architecture bilstm_crf (a `bioner-trainer embed` folder)"));
  RETURN_IF_ERROR(require(c.char_dim >= 0 && c.char_filters >= 1, "char_dim", "must be >= 0, char_filters >= 1"));
  RETURN_IF_ERROR(require(c.char_kernel >= 1 && c.char_kernel % 2 == 1, "char_kernel", "must be odd and >= 1"));
  RETURN_IF_ERROR(require(c.char_encoder == "cnn" || c.char_encoder == "lstm", "char_encoder",
                          "must be cnn or lstm, got '" + c.char_encoder + "'"));
  RETURN_IF_ERROR(require(c.char_encoder == "cnn" || c.char_filters % 2 == 0, "char_filters",
                          "must be even with char_encoder lstm (half the feature per direction)"));
  RETURN_IF_ERROR(require(c.casing_dim >= 0, "casing_dim", "must be >= 0"));
  RETURN_IF_ERROR(require(c.lstm_hidden >= 1, "lstm_hidden", "must be >= 1"));
  RETURN_IF_ERROR(require(c.lstm_layers == 1 || c.lstm_layers == 2, "lstm_layers", "must be 1 or 2"));
  RETURN_IF_ERROR(require(c.max_chars_per_word >= 2, "max_chars_per_word", "must be >= 2"));
  RETURN_IF_ERROR(require(!c.entity_type.empty(), "entity_type", "is required (e.g. Disease)"));
  RETURN_IF_ERROR(require(!c.model_repository.empty(), "model_repository", "is required (MODEL_REPO)"));
  RETURN_IF_ERROR(require(c.scheme == "BIO" || c.scheme == "BIOES", "scheme", "must be BIO or BIOES, got '" + c.scheme + "'"));
  RETURN_IF_ERROR(require(c.version >= 0, "version", "must be >= 0 (0: next free version)"));
  RETURN_IF_ERROR(require(c.epochs >= 1, "epochs", "must be >= 1"));
  RETURN_IF_ERROR(require(c.batch_size >= 1, "batch_size", "must be >= 1"));
  RETURN_IF_ERROR(require(c.gradient_accumulation >= 1, "gradient_accumulation", "must be >= 1"));
  RETURN_IF_ERROR(require(c.learning_rate > 0, "learning_rate", "must be > 0"));
  RETURN_IF_ERROR(require(c.weight_decay >= 0, "weight_decay", "must be >= 0"));
  RETURN_IF_ERROR(require(c.warmup_ratio >= 0 && c.warmup_ratio <= 1, "warmup_ratio", "must be in [0, 1]"));
  RETURN_IF_ERROR(require(c.adam_beta1 >= 0 && c.adam_beta1 < 1, "adam_beta1", "must be in [0, 1)"));
  RETURN_IF_ERROR(require(c.adam_beta2 >= 0 && c.adam_beta2 < 1, "adam_beta2", "must be in [0, 1)"));
  RETURN_IF_ERROR(require(c.adam_epsilon > 0, "adam_epsilon", "must be > 0"));
  RETURN_IF_ERROR(require(c.max_grad_norm >= 0, "max_grad_norm", "must be >= 0 (0: no clipping)"));
  RETURN_IF_ERROR(require(!c.dropout || (*c.dropout >= 0 && *c.dropout < 1), "dropout", "must be in [0, 1)"));
  RETURN_IF_ERROR(require(c.max_seq_len >= 3, "max_seq_len", "must be >= 3 ([CLS], a token, [SEP])"));
  RETURN_IF_ERROR(require(c.num_threads >= 0, "num_threads", "must be >= 0"));
  RETURN_IF_ERROR(require(c.eval_batch_tokens >= 1, "eval_batch_tokens", "must be >= 1"));
  RETURN_IF_ERROR(require(c.weights_dtype == "F32" || c.weights_dtype == "F16", "weights_dtype",
                          "must be F32 or F16, got '" + c.weights_dtype + "'"));
  const bool cuda = c.device.rfind("cuda", 0) == 0;
  RETURN_IF_ERROR(require(c.device == "cpu" || cuda, "device", "must be cpu, cuda or cuda:N, got '" + c.device + "'"));
  RETURN_IF_ERROR(require(!c.mixed_precision || cuda, "mixed_precision", "needs a CUDA device (bf16 autocast)"));
  const bool files = !c.train_files.empty();
  RETURN_IF_ERROR(require(!(files && !c.corpora.empty()), "train_files", "and 'corpora' exclude each other"));
  RETURN_IF_ERROR(require(files || (c.dev_files.empty() && c.test_files.empty()), "dev_files",
                          "needs train_files (corpora bring their own dev and test splits)"));
  RETURN_IF_ERROR(require(!files || !c.dev_files.empty(), "dev_files", "is required with train_files (model selection)"));
  RETURN_IF_ERROR(require(files || !c.corpus_root.empty(), "corpus_root", "is required when training on corpora"));
  return Status::Ok();
}

Status CheckFile(const std::string& key, const std::string& path, const std::string& source) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return NotFound(source + ": key '" + key + "': file '" + path + "' does not exist");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<TrainConfig> ParseTrainConfig(std::string_view yaml_text, const std::string& source) {
  ASSIGN_OR_RETURN(config::KeyReader r, config::KeyReader::Parse(yaml_text, source));
  TrainConfig c;
  RETURN_IF_ERROR(r.String("architecture", &c.architecture));
  RETURN_IF_ERROR(r.String("model", &c.model));
  RETURN_IF_ERROR(r.String("embeddings", &c.embeddings));
  RETURN_IF_ERROR(r.Bool("train_embeddings", &c.train_embeddings));
  RETURN_IF_ERROR(r.Int("char_dim", &c.char_dim));
  RETURN_IF_ERROR(r.Int("char_filters", &c.char_filters));
  RETURN_IF_ERROR(r.Int("char_kernel", &c.char_kernel));
  RETURN_IF_ERROR(r.String("char_encoder", &c.char_encoder));
  RETURN_IF_ERROR(r.Int("casing_dim", &c.casing_dim));
  RETURN_IF_ERROR(r.Int("lstm_hidden", &c.lstm_hidden));
  RETURN_IF_ERROR(r.Int("lstm_layers", &c.lstm_layers));
  RETURN_IF_ERROR(r.Int("max_chars_per_word", &c.max_chars_per_word));
  RETURN_IF_ERROR(r.String("entity_type", &c.entity_type));
  RETURN_IF_ERROR(r.StringList("corpora", &c.corpora));
  RETURN_IF_ERROR(r.String("corpus_root", &c.corpus_root));
  RETURN_IF_ERROR(r.StringList("train_files", &c.train_files));
  RETURN_IF_ERROR(r.StringList("dev_files", &c.dev_files));
  RETURN_IF_ERROR(r.StringList("test_files", &c.test_files));
  RETURN_IF_ERROR(r.String("scheme", &c.scheme));
  RETURN_IF_ERROR(r.Bool("lowercase", &c.lowercase));
  RETURN_IF_ERROR(r.String("model_repository", &c.model_repository));
  RETURN_IF_ERROR(r.String("work_dir", &c.work_dir));
  RETURN_IF_ERROR(r.Int("version", &c.version));
  RETURN_IF_ERROR(r.Bool("promote", &c.promote));
  RETURN_IF_ERROR(r.Int("epochs", &c.epochs));
  RETURN_IF_ERROR(r.Int("batch_size", &c.batch_size));
  RETURN_IF_ERROR(r.Int("gradient_accumulation", &c.gradient_accumulation));
  RETURN_IF_ERROR(r.Number("learning_rate", &c.learning_rate));
  RETURN_IF_ERROR(r.Number("weight_decay", &c.weight_decay));
  RETURN_IF_ERROR(r.Number("warmup_ratio", &c.warmup_ratio));
  RETURN_IF_ERROR(r.Number("adam_beta1", &c.adam_beta1));
  RETURN_IF_ERROR(r.Number("adam_beta2", &c.adam_beta2));
  RETURN_IF_ERROR(r.Number("adam_epsilon", &c.adam_epsilon));
  RETURN_IF_ERROR(r.Number("max_grad_norm", &c.max_grad_norm));
  RETURN_IF_ERROR(r.Number("dropout", &c.dropout));
  RETURN_IF_ERROR(r.Int("max_seq_len", &c.max_seq_len));
  int64_t seed = static_cast<int64_t>(c.seed);
  RETURN_IF_ERROR(r.Int("seed", &seed, 0));
  c.seed = static_cast<uint64_t>(seed);
  RETURN_IF_ERROR(r.String("device", &c.device));
  RETURN_IF_ERROR(r.Bool("mixed_precision", &c.mixed_precision));
  RETURN_IF_ERROR(r.Int("num_threads", &c.num_threads));
  RETURN_IF_ERROR(r.Int("eval_batch_tokens", &c.eval_batch_tokens));
  RETURN_IF_ERROR(r.String("weights_dtype", &c.weights_dtype));
  RETURN_IF_ERROR(r.Finish());
  RETURN_IF_ERROR(CheckRanges(c, r));
  if (c.work_dir.empty()) c.work_dir = (fs::path(c.model_repository) / c.entity_type / ".work").string();
  return c;
}

StatusOr<TrainConfig> ReadTrainConfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseTrainConfig(text, path);
}


namespace {

// What every architecture checks: the version, the data files, the corpora.
Status CheckData(const TrainConfig& c, const std::string& source) {
  std::error_code ec;
  if (c.version > 0) {
    const fs::path v = fs::path(c.model_repository) / c.entity_type / std::to_string(c.version);
    if (fs::exists(v, ec)) {
      return AlreadyExists(source + ": key 'version': " + v.string() + " already exists (versions are never overwritten)");
    }
  }
  for (const auto& f : c.train_files) RETURN_IF_ERROR(CheckFile("train_files", f, source));
  for (const auto& f : c.dev_files) RETURN_IF_ERROR(CheckFile("dev_files", f, source));
  for (const auto& f : c.test_files) RETURN_IF_ERROR(CheckFile("test_files", f, source));
  if (c.train_files.empty()) {
    const CorpusRegistry& reg = CorpusRegistry::Default();
    RETURN_IF_ERROR(CorpusRegistry::EmbeddedStatus());
    for (const std::string& name : c.corpora) {
      auto spec = reg.Find(name);
      if (!spec.ok()) return spec.status().WithContext(source + ": key 'corpora'");
      if ((*spec)->held_out()) {
        return FailedPrecondition(source + ": key 'corpora': corpus '" + name + "' is held out (evaluation only)");
      }
      const auto types = (*spec)->Types();
      if (std::find(types.begin(), types.end(), c.entity_type) == types.end()) {
        return InvalidArgument(source + ": key 'corpora': corpus '" + name + "' has no entities of type '" +
                               c.entity_type + "'");
      }
    }
    if (c.corpora.empty() && reg.WithType(c.entity_type).empty()) {
      return InvalidArgument(source + ": key 'entity_type': no registered corpus has type '" + c.entity_type + "'");
    }
    if (!fs::is_directory(c.corpus_root, ec)) {
      return NotFound(source + ": key 'corpus_root': folder '" + c.corpus_root + "' does not exist");
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckTrainConfig(const TrainConfig& c, const std::string& source) {
  std::error_code ec;
  if (c.architecture == "bilstm_crf") {
    for (const char* f : {"vectors.safetensors", "words.txt", "embedding.json"}) {
      RETURN_IF_ERROR(CheckFile("embeddings", (fs::path(c.embeddings) / f).string(), source));
    }
    return CheckData(c, source);
  }
  if (!fs::is_directory(c.model, ec)) {
    return NotFound(source + ": key 'model': model folder '" + c.model + "' does not exist");
  }
  const std::string config_json = (fs::path(c.model) / kConfigFile).string();
  RETURN_IF_ERROR(CheckFile("model", config_json, source));
  RETURN_IF_ERROR(CheckFile("model", (fs::path(c.model) / kVocabFile).string(), source));
  // Any of transformers' weight layouts (model_folder.h), as the loaders take them.
  if (StatusOr<ModelWeights> weights = ModelWeights::Open(c.model); !weights.ok()) {
    return weights.status().WithContext(source + ": key 'model'");
  }
  ASSIGN_OR_RETURN(BertConfig bert, ReadModelFolderConfig(c.model));
  if (c.max_seq_len > bert.max_position_embeddings) {
    return InvalidArgument(source + ": key 'max_seq_len' " + std::to_string(c.max_seq_len) +
                           " exceeds max_position_embeddings " + std::to_string(bert.max_position_embeddings) +
                           " of " + config_json);
  }
  if (bert.has_classifier()) {
    // A token-classification checkpoint keeps its head: its labels must be this task's.
    auto labels = LabelSet::Create(bert.labels);
    if (!labels.ok()) return labels.status().WithContext(config_json);
    const bool scheme_ok = (labels->scheme() == LabelScheme::kBIOES) == (c.scheme == "BIOES");
    if (labels->types() != std::vector<std::string>{c.entity_type} || !scheme_ok) {
      std::string names;
      for (const auto& n : bert.labels) names += (names.empty() ? "" : ", ") + n;
      return InvalidArgument(source + ": the label set of " + config_json + " (" + names +
                             ") does not fit entity_type '" + c.entity_type + "' with scheme " + c.scheme +
                             " (use an encoder-only checkpoint for a fresh head)");
    }
  }
  return CheckData(c, source);
}

std::string TrainConfigToJson(const TrainConfig& c) {
  nlohmann::json j = {{"architecture", c.architecture},
                      {"model", c.model},
                      {"embeddings", c.embeddings},
                      {"train_embeddings", c.train_embeddings},
                      {"char_dim", c.char_dim},
                      {"char_filters", c.char_filters},
                      {"char_kernel", c.char_kernel},
                      {"char_encoder", c.char_encoder},
                      {"casing_dim", c.casing_dim},
                      {"lstm_hidden", c.lstm_hidden},
                      {"lstm_layers", c.lstm_layers},
                      {"max_chars_per_word", c.max_chars_per_word},
                      {"entity_type", c.entity_type},
                      {"corpora", c.corpora},
                      {"corpus_root", c.corpus_root},
                      {"train_files", c.train_files},
                      {"dev_files", c.dev_files},
                      {"test_files", c.test_files},
                      {"scheme", c.scheme},
                      {"model_repository", c.model_repository},
                      {"work_dir", c.work_dir},
                      {"version", c.version},
                      {"promote", c.promote},
                      {"epochs", c.epochs},
                      {"batch_size", c.batch_size},
                      {"gradient_accumulation", c.gradient_accumulation},
                      {"learning_rate", c.learning_rate},
                      {"weight_decay", c.weight_decay},
                      {"warmup_ratio", c.warmup_ratio},
                      {"adam_beta1", c.adam_beta1},
                      {"adam_beta2", c.adam_beta2},
                      {"adam_epsilon", c.adam_epsilon},
                      {"max_grad_norm", c.max_grad_norm},
                      {"max_seq_len", c.max_seq_len},
                      {"seed", c.seed},
                      {"device", c.device},
                      {"mixed_precision", c.mixed_precision},
                      {"num_threads", c.num_threads},
                      {"eval_batch_tokens", c.eval_batch_tokens},
                      {"weights_dtype", c.weights_dtype}};
  j["lowercase"] = c.lowercase ? nlohmann::json(*c.lowercase) : nlohmann::json();
  j["dropout"] = c.dropout ? nlohmann::json(*c.dropout) : nlohmann::json();
  return j.dump();
}

}  // namespace bioner::train
