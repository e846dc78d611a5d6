#include "core/model/bert_config.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/util/file.h"

namespace bioner {
namespace {

using Json = nlohmann::json;

Status GetInt(const Json& j, const std::string& source, const char* key, bool required, int64_t* out) {
  if (!j.contains(key)) {
    if (required) return InvalidArgument(source + ": missing required key '" + key + "'");
    return Status::Ok();
  }
  const Json& v = j[key];
  if (!v.is_number_integer()) return InvalidArgument(source + ": '" + key + "' must be an integer, got " + v.dump());
  *out = v.get<int64_t>();
  return Status::Ok();
}

Status GetDouble(const Json& j, const std::string& source, const char* key, double* out) {
  if (!j.contains(key)) return Status::Ok();
  const Json& v = j[key];
  if (!v.is_number()) return InvalidArgument(source + ": '" + key + "' must be a number, got " + v.dump());
  *out = v.get<double>();
  return Status::Ok();
}

// Reads id2label / label2id into labels ordered by id; the two must agree.
Status ParseLabels(const Json& j, const std::string& source, std::vector<std::string>* labels) {
  const bool has_id2label = j.contains("id2label") && !j["id2label"].is_null();
  const bool has_label2id = j.contains("label2id") && !j["label2id"].is_null();
  if (!has_id2label) {
    if (has_label2id && !j["label2id"].empty()) {
      return InvalidArgument(source + ": 'label2id' is given but 'id2label' is missing");
    }
    return Status::Ok();
  }
  const Json& id2label = j["id2label"];
  if (!id2label.is_object()) return InvalidArgument(source + ": 'id2label' must be an object");
  std::map<int64_t, std::string> by_id;
  for (auto it = id2label.begin(); it != id2label.end(); ++it) {
    size_t pos = 0;
    int64_t id = -1;
    try {
      id = std::stoll(it.key(), &pos);
    } catch (const std::exception&) {
      pos = 0;
    }
    if (pos != it.key().size() || id < 0) {
      return InvalidArgument(source + ": 'id2label' key '" + it.key() + "' is not a non-negative integer");
    }
    if (!it->is_string()) return InvalidArgument(source + ": 'id2label' value for id " + it.key() + " is not a string");
    if (!by_id.emplace(id, it->get<std::string>()).second) {
      return InvalidArgument(source + ": 'id2label' has id " + std::to_string(id) + " twice");
    }
  }
  labels->clear();
  for (const auto& [id, label] : by_id) {
    if (id != static_cast<int64_t>(labels->size())) {
      return InvalidArgument(source + ": 'id2label' ids must be 0.." + std::to_string(by_id.size() - 1) +
                             ", id " + std::to_string(labels->size()) + " is missing");
    }
    labels->push_back(label);
  }
  if (has_label2id) {
    const Json& label2id = j["label2id"];
    if (!label2id.is_object()) return InvalidArgument(source + ": 'label2id' must be an object");
    if (label2id.size() != labels->size()) {
      return InvalidArgument(source + ": 'label2id' has " + std::to_string(label2id.size()) +
                             " labels but 'id2label' has " + std::to_string(labels->size()));
    }
    for (auto it = label2id.begin(); it != label2id.end(); ++it) {
      if (!it->is_number_integer()) return InvalidArgument(source + ": 'label2id' value of '" + it.key() + "' is not an integer");
      const int64_t id = it->get<int64_t>();
      if (id < 0 || id >= static_cast<int64_t>(labels->size()) || (*labels)[id] != it.key()) {
        return InvalidArgument(source + ": 'label2id' maps '" + it.key() + "' to " + std::to_string(id) +
                               " but 'id2label' disagrees");
      }
    }
  }
  if (j.contains("num_labels")) {
    const Json& n = j["num_labels"];
    if (!n.is_number_integer() || n.get<int64_t>() != static_cast<int64_t>(labels->size())) {
      return InvalidArgument(source + ": 'num_labels' " + n.dump() + " disagrees with 'id2label' (" +
                             std::to_string(labels->size()) + " labels)");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateBertConfig(const BertConfig& c, const std::string& source) {
  const std::pair<const char*, int64_t> sizes[] = {
      {"vocab_size", c.vocab_size},
      {"hidden_size", c.hidden_size},
      {"num_hidden_layers", c.num_hidden_layers},
      {"num_attention_heads", c.num_attention_heads},
      {"intermediate_size", c.intermediate_size},
      {"max_position_embeddings", c.max_position_embeddings},
      {"type_vocab_size", c.type_vocab_size},
  };
  for (const auto& [key, value] : sizes) {
    if (value <= 0) return InvalidArgument(source + ": '" + key + "' must be positive, got " + std::to_string(value));
  }
  if (c.hidden_size % c.num_attention_heads != 0) {
    return InvalidArgument(source + ": 'hidden_size' " + std::to_string(c.hidden_size) +
                           " is not divisible by 'num_attention_heads' " + std::to_string(c.num_attention_heads));
  }
  if (c.hidden_act != "gelu") {
    return InvalidArgument(source + ": 'hidden_act' \"" + c.hidden_act + "\" is not supported (only \"gelu\")");
  }
  if (!(c.layer_norm_eps > 0)) return InvalidArgument(source + ": 'layer_norm_eps' must be positive");
  if (!(c.hidden_dropout_prob >= 0 && c.hidden_dropout_prob < 1)) {
    return InvalidArgument(source + ": 'hidden_dropout_prob' must be in [0, 1)");
  }
  if (!(c.attention_probs_dropout_prob >= 0 && c.attention_probs_dropout_prob < 1)) {
    return InvalidArgument(source + ": 'attention_probs_dropout_prob' must be in [0, 1)");
  }
  std::set<std::string> seen;
  for (const auto& l : c.labels) {
    if (!seen.insert(l).second) return InvalidArgument(source + ": label '" + l + "' appears twice in 'id2label'");
  }
  return Status::Ok();
}

StatusOr<BertConfig> ParseBertConfig(std::string_view text, const std::string& source) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {
    return InvalidArgument(source + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) return InvalidArgument(source + ": not a JSON object");
  BertConfig c;
  RETURN_IF_ERROR(GetInt(j, source, "vocab_size", true, &c.vocab_size));
  RETURN_IF_ERROR(GetInt(j, source, "hidden_size", true, &c.hidden_size));
  RETURN_IF_ERROR(GetInt(j, source, "num_hidden_layers", true, &c.num_hidden_layers));
  RETURN_IF_ERROR(GetInt(j, source, "num_attention_heads", true, &c.num_attention_heads));
  RETURN_IF_ERROR(GetInt(j, source, "intermediate_size", true, &c.intermediate_size));
  RETURN_IF_ERROR(GetInt(j, source, "max_position_embeddings", true, &c.max_position_embeddings));
  RETURN_IF_ERROR(GetInt(j, source, "type_vocab_size", false, &c.type_vocab_size));
  RETURN_IF_ERROR(GetInt(j, source, "pad_token_id", false, &c.pad_token_id));
  RETURN_IF_ERROR(GetDouble(j, source, "layer_norm_eps", &c.layer_norm_eps));
  RETURN_IF_ERROR(GetDouble(j, source, "hidden_dropout_prob", &c.hidden_dropout_prob));
  RETURN_IF_ERROR(GetDouble(j, source, "attention_probs_dropout_prob", &c.attention_probs_dropout_prob));
  RETURN_IF_ERROR(GetDouble(j, source, "initializer_range", &c.initializer_range));
  if (j.contains("hidden_act")) {
    if (!j["hidden_act"].is_string()) return InvalidArgument(source + ": 'hidden_act' must be a string");
    c.hidden_act = j["hidden_act"].get<std::string>();
  }
  if (j.contains("position_embedding_type") &&
      j["position_embedding_type"] != Json("absolute")) {
    return InvalidArgument(source + ": 'position_embedding_type' " + j["position_embedding_type"].dump() +
                           " is not supported (only \"absolute\")");
  }
  if (j.contains("model_type") && j["model_type"] != Json("bert")) {
    return InvalidArgument(source + ": 'model_type' " + j["model_type"].dump() + " is not supported (only \"bert\")");
  }
  RETURN_IF_ERROR(ParseLabels(j, source, &c.labels));
  RETURN_IF_ERROR(ValidateBertConfig(c, source));
  return c;
}

StatusOr<BertConfig> ReadBertConfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseBertConfig(text, path);
}

std::string BertConfigToJson(const BertConfig& c) {
  nlohmann::ordered_json j;
  j["architectures"] = {c.has_classifier() ? "BertForTokenClassification" : "BertModel"};
  j["model_type"] = "bert";
  j["vocab_size"] = c.vocab_size;
  j["hidden_size"] = c.hidden_size;
  j["num_hidden_layers"] = c.num_hidden_layers;
  j["num_attention_heads"] = c.num_attention_heads;
  j["intermediate_size"] = c.intermediate_size;
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["type_vocab_size"] = c.type_vocab_size;
  j["hidden_act"] = c.hidden_act;
  j["layer_norm_eps"] = c.layer_norm_eps;
  j["hidden_dropout_prob"] = c.hidden_dropout_prob;
  j["attention_probs_dropout_prob"] = c.attention_probs_dropout_prob;
  j["initializer_range"] = c.initializer_range;
  j["pad_token_id"] = c.pad_token_id;
  j["position_embedding_type"] = "absolute";
  if (c.has_classifier()) {
    nlohmann::ordered_json id2label = nlohmann::ordered_json::object();
    nlohmann::ordered_json label2id = nlohmann::ordered_json::object();
    for (size_t i = 0; i < c.labels.size(); ++i) {
      id2label[std::to_string(i)] = c.labels[i];
      label2id[c.labels[i]] = i;
    }
    j["id2label"] = std::move(id2label);
    j["label2id"] = std::move(label2id);
  }
  return j.dump(2) + "\n";
}

Status WriteBertConfig(const BertConfig& config, const std::string& path) {
  RETURN_IF_ERROR(ValidateBertConfig(config, path));
  return WriteFileAtomic(path, BertConfigToJson(config));
}

}  // namespace bioner
