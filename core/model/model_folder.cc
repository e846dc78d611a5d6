#include "core/model/model_folder.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/model/label_map.h"
#include "core/util/file.h"

namespace bioner {
namespace {

namespace fs = std::filesystem;

// transformers' order of preference (modeling_utils: safetensors before pickles, a single file
// before an index).
constexpr const char* kWeightLayouts[] = {"model.safetensors", "model.safetensors.index.json",
                                          "pytorch_model.bin", "pytorch_model.bin.index.json"};

bool EndsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// A shard must be a file of the folder itself: an index must not reach outside it.
bool IsPlainFileName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

// The index's weight_map: tensor name -> shard file name.
StatusOr<std::map<std::string, std::string>> ReadWeightMap(const std::string& index) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(index));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(index + ": not valid JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object() ||
      j["weight_map"].empty()) {
    return InvalidArgument(
        index + ": 'weight_map' must be a non-empty object of tensor name -> shard file");
  }
  std::map<std::string, std::string> out;
  for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
    if (!it->is_string() || !IsPlainFileName(it->get<std::string>())) {
      return InvalidArgument(index + ": tensor '" + it.key() + "' names shard " + it->dump() +
                             ", which is not a file name in the folder");
    }
    out[it.key()] = it->get<std::string>();
  }
  return out;
}

}  // namespace

StatusOr<BertConfig> ReadModelFolderConfig(const std::string& dir) {
  ASSIGN_OR_RETURN(BertConfig config, ReadBertConfig((fs::path(dir) / kConfigFile).string()));
  const std::string map = (fs::path(dir) / kLabelMapFile).string();
  std::error_code ec;
  if (fs::exists(map, ec)) RETURN_IF_ERROR(ApplyLabelMapFile(map, &config));
  return config;
}

Status ModelWeights::AddShard(const std::string& path) {
  if (EndsWith(path, ".safetensors")) {
    ASSIGN_OR_RETURN(SafetensorsFile f, SafetensorsFile::Open(path));
    safetensors_.push_back(std::move(f));
    tensors_.insert(tensors_.end(), safetensors_.back().tensors().begin(),
                    safetensors_.back().tensors().end());
  } else {
    ASSIGN_OR_RETURN(PytorchBinFile f, PytorchBinFile::Open(path));
    pytorch_bins_.push_back(std::move(f));
    tensors_.insert(tensors_.end(), pytorch_bins_.back().tensors().begin(),
                    pytorch_bins_.back().tensors().end());
  }
  files_.push_back(path);
  return Status::Ok();
}

const TensorView* ModelWeights::Find(const std::string& name) const {
  const auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                                   [](const TensorView& t, const std::string& n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

StatusOr<ModelWeights> ModelWeights::Open(const std::string& dir) {
  ModelWeights w;
  std::error_code ec;
  for (const char* name : kWeightLayouts) {
    const std::string path = (fs::path(dir) / name).string();
    if (!fs::exists(path, ec)) continue;
    w.path_ = path;
    if (!EndsWith(path, ".index.json")) {
      RETURN_IF_ERROR(w.AddShard(path));
      return w;
    }
    ASSIGN_OR_RETURN(const auto weight_map, ReadWeightMap(path));
    w.files_.push_back(path);
    const std::set<std::string> shards = [&] {
      std::set<std::string> s;
      for (const auto& [tensor, shard] : weight_map) s.insert(shard);
      return s;
    }();
    for (const std::string& shard : shards) {
      const size_t first = w.tensors_.size();
      RETURN_IF_ERROR(w.AddShard((fs::path(dir) / shard).string()));
      for (size_t i = first; i < w.tensors_.size(); ++i) {
        const std::string& name = w.tensors_[i].name;
        auto it = weight_map.find(name);
        if (it == weight_map.end()) {
          return InvalidArgument(w.files_.back() + ": tensor '" + name +
                                 "' is not in the weight_map of " + path);
        }
        if (it->second != shard) {
          return InvalidArgument(path + ": tensor '" + name + "' is in shard '" + shard +
                                 "' but the weight_map says '" + it->second + "'");
        }
      }
    }
    std::sort(w.tensors_.begin(), w.tensors_.end(),
              [](const TensorView& a, const TensorView& b) { return a.name < b.name; });
    for (const auto& [tensor, shard] : weight_map) {
      auto it =
          std::lower_bound(w.tensors_.begin(), w.tensors_.end(), tensor,
                           [](const TensorView& t, const std::string& n) { return t.name < n; });
      if (it == w.tensors_.end() || it->name != tensor) {
        return InvalidArgument(path + ": tensor '" + tensor + "' is not in its shard '" + shard +
                               "'");
      }
    }
    return w;
  }
  return NotFound(dir +
                  ": no weights (none of model.safetensors, model.safetensors.index.json, "
                  "pytorch_model.bin, pytorch_model.bin.index.json)");
}

}  // namespace bioner
