// bioner-tool import: a downloaded Hugging Face checkpoint folder becomes the next version of
// one entity type in a model repository, as downloaded (docs/SERVER.md, "Serving a downloaded
// checkpoint"). The folder is validated first (config.json, the label map, the labels, the
// weights through the same readers the server uses), its files are copied unchanged into a
// staging folder with a metrics.json saying where they came from, the copy is loaded and
// smoke-tested as the server will load it, and only then published (core/repository). A
// failure at any step leaves the repository as it was.
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/decode/classifier_model.h"
#include "core/decode/smoke.h"
#include "core/model/label_map.h"
#include "core/model/labels.h"
#include "core/model/model_folder.h"
#include "core/repository/repository.h"
#include "core/util/args.h"
#include "core/util/file.h"
#include "core/util/sha256.h"
#include "core/util/time.h"
#include "tool/commands.h"

namespace bioner::tool {
namespace {

namespace fs = std::filesystem;

struct ImportOptions {
  std::string from, repository, type, label_map;
  bool promote = false;
};

struct Imported {
  int64_t version = 0;
  std::string dir;
  size_t smoke_entities = 0;
};

// Removes the staging folder unless the import got as far as publishing it.
class StagingGuard {
 public:
  explicit StagingGuard(std::string path) : path_(std::move(path)) {}
  ~StagingGuard() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The folder's configuration with the label map applied (--label-map, or the folder's own
// label_map.json), checked to be a tagger of exactly `type`. Errors name the user's files.
StatusOr<BertConfig> CheckConfig(const ImportOptions& o, const std::string& label_map) {
  const std::string config_json = (fs::path(o.from) / kConfigFile).string();
  ASSIGN_OR_RETURN(BertConfig config, ReadBertConfig(config_json));
  if (!config.has_classifier()) {
    return FailedPrecondition(config_json +
                              ": the model is an encoder without a token-classification head "
                              "(no id2label); fine-tune it first (bioner-trainer train)");
  }
  if (!label_map.empty()) RETURN_IF_ERROR(ApplyLabelMapFile(label_map, &config));
  auto labels = LabelSet::Create(config.labels);
  if (!labels.ok()) {
    return InvalidArgument(config_json + ": labels " + Join(config.labels) +
                           " are not bioner's (O, B-<Type>, " +
                           "I-<Type>): " + labels.status().message() +
                           "; give --label-map FILE (docs/FORMATS.md, \"Label maps\")");
  }
  if (labels->types() != std::vector<std::string>{o.type}) {
    return InvalidArgument((label_map.empty() ? config_json : label_map) +
                           ": the model's labels name type(s) " + Join(labels->types()) +
                           ", but it is imported as '" + o.type +
                           "' and a model folder of the repository serves exactly its one type");
  }
  return config;
}

// The files of the version folder: name there -> source path. Only what the loaders read;
// everything else of a download (README.md, tf_model.h5, training_args.bin, ...) stays behind.
StatusOr<std::map<std::string, std::string>> FilesToCopy(const ImportOptions& o,
                                                         const std::string& label_map,
                                                         const ModelWeights& weights) {
  std::map<std::string, std::string> files;
  for (const char* name : {kConfigFile, kVocabFile, kTokenizerConfigFile}) {
    const std::string path = (fs::path(o.from) / name).string();
    std::error_code ec;
    if (fs::exists(path, ec)) {
      files[name] = path;
    } else if (name != std::string(kTokenizerConfigFile)) {
      return NotFound(o.from + ": no " + name +
                      " (a model folder needs config.json, vocab.txt and weights)");
    }
  }
  for (const std::string& path : weights.files()) files[fs::path(path).filename().string()] = path;
  if (!label_map.empty()) files[kLabelMapFile] = label_map;
  return files;
}

std::string MetricsJson(const ImportOptions& o, int64_t version, const std::string& label_map,
                        const BertConfig& config, const nlohmann::ordered_json& files) {
  nlohmann::ordered_json j;
  j["imported"] = true;
  j["entity_type"] = o.type;
  j["version"] = version;
  j["source"] = fs::absolute(o.from).lexically_normal().string();
  j["date"] = UtcNow();
  if (!label_map.empty()) j["label_map"] = fs::absolute(label_map).lexically_normal().string();
  j["labels"] = config.labels;
  j["files"] = files;
  // Says why the quality gate cannot compare this version (repository.h Promote).
  j["note"] =
      "imported as published: no dev or test metrics (evaluate it with bioner-trainer eval)";
  return j.dump(2) + "\n";
}

StatusOr<Imported> Import(const ImportOptions& o) {
  std::error_code ec;
  if (!fs::is_directory(o.from, ec)) return NotFound(o.from + ": no such folder");
  if (!repository::IsVersionName(o.type))
    return InvalidArgument("--type '" + o.type + "' is not a folder name");
  std::string label_map = o.label_map;
  const std::string own_map = (fs::path(o.from) / kLabelMapFile).string();
  if (fs::exists(own_map, ec)) {
    if (!label_map.empty()) {
      return InvalidArgument(o.from + " has its own " + kLabelMapFile + " and --label-map " +
                             label_map + " was given too; remove one");
    }
    label_map = own_map;
  }
  ASSIGN_OR_RETURN(const BertConfig config, CheckConfig(o, label_map));
  // The weights are read here, from the source, so that a hostile or corrupt file is refused
  // naming the user's file before anything is written.
  ASSIGN_OR_RETURN(const ModelWeights weights, ModelWeights::Open(o.from));
  ASSIGN_OR_RETURN(const auto files, FilesToCopy(o, label_map, weights));

  const std::string type_dir = (fs::path(o.repository) / o.type).string();
  fs::create_directories(type_dir, ec);
  if (ec) return Unavailable(type_dir + ": cannot create: " + ec.message());
  ASSIGN_OR_RETURN(const std::vector<int64_t> versions, repository::ListVersions(type_dir));
  Imported out;
  out.version = versions.empty() ? 1 : versions.back() + 1;
  const std::string staging = repository::StagingFolder(type_dir, out.version);
  fs::remove_all(staging, ec);  // left by a killed import that had our pid
  StagingGuard guard(staging);
  if (!fs::create_directory(staging, ec))
    return Unavailable(staging + ": cannot create: " + ec.message());

  nlohmann::ordered_json hashes = nlohmann::ordered_json::object();
  for (const auto& [name, source] : files) {
    const std::string copy = (fs::path(staging) / name).string();
    if (!fs::copy_file(source, copy, ec))
      return Unavailable(source + ": cannot copy to " + copy + ": " + ec.message());
    ASSIGN_OR_RETURN(std::string sha256, Sha256File(copy));
    hashes[name] = {{"sha256", sha256},
                    {"bytes", fs::file_size(copy, ec)},
                    {"from", fs::absolute(source).lexically_normal().string()}};
  }
  RETURN_IF_ERROR(WriteFileAtomic((fs::path(staging) / "metrics.json").string(),
                                  MetricsJson(o, out.version, label_map, config, hashes)));

  // Loaded as the server loads a version (the label map from the folder), and smoke-tested
  // as the server does before it serves one.
  const std::string name = o.type + "/" + std::to_string(out.version);
  auto model = LoadTaggingModel(staging, name);
  if (!model.ok())
    return model.status().WithContext("the imported copy of " + o.from + " does not load");
  auto smoke = SmokeTest(*model, WindowOptionsFor(*model->model));
  if (!smoke.ok())
    return smoke.status().WithContext("the imported copy of " + o.from + " failed the smoke test");
  out.smoke_entities = smoke->entities().size();

  RETURN_IF_ERROR(repository::PublishVersion(staging, type_dir, out.version));
  guard.Release();
  out.dir = (fs::path(type_dir) / std::to_string(out.version)).string();
  return out;
}

// After publication: --promote forces, since an imported checkpoint has no dev F1 for the
// quality gate to compare; then what the server will serve.
Status PromoteAndReport(const ImportOptions& o, const Imported& r) {
  const std::string type_dir = (fs::path(o.repository) / o.type).string();
  if (o.promote) {
    ASSIGN_OR_RETURN(repository::Promotion p,
                     repository::Promote(type_dir, r.version, /*force=*/true));
    std::cerr << "bioner-tool import: promoted: " << p.reason << "\n";
  }
  ASSIGN_OR_RETURN(std::optional<std::string> served, repository::ServedVersion(type_dir));
  if (served != std::to_string(r.version)) {
    std::cerr << "bioner-tool import: the server keeps serving version "
              << served.value_or("(none)") << " of " << o.type
              << "; serve this one with --promote, or bioner-trainer promote --force\n";
  }
  nlohmann::ordered_json summary = {{"entity_type", o.type},
                                    {"version", r.version},
                                    {"path", r.dir},
                                    {"served", served.value_or("")},
                                    {"smoke_entities", r.smoke_entities}};
  std::cout << summary.dump() << "\n";
  return Status::Ok();
}

}  // namespace

int RunImport(int argc, char** argv) {
  ArgParser args(
      "bioner-tool import",
      "Imports a downloaded Hugging Face checkpoint folder, unchanged, as the next version of\n"
      "an entity type in a model repository: validates it, copies its files with a\n"
      "metrics.json saying where they came from, smoke-tests the copy as the server loads it,\n"
      "publishes it, and with --promote makes it the served version.");
  args.AddValue("from", "DIR",
                "the downloaded folder: config.json, vocab.txt, and model.safetensors or "
                "pytorch_model.bin (or a sharded index)",
                true);
  args.AddValue("repository", "REPO", "the model repository (the server's models.repository)",
                true);
  args.AddValue("type", "T", "the entity type it tags (REPO/T/<version>)", true);
  args.AddValue("label-map", "FILE",
                "maps the checkpoint's labels onto ours (docs/FORMATS.md, \"Label maps\")");
  args.AddBool("promote",
               "make the new version current; forced, since an imported model has no dev F1 for "
               "the quality gate");
  if (auto exit_code = args.ParseCommandLine(argc, argv)) return *exit_code;
  ImportOptions o{args.Get("from"), args.Get("repository"), args.Get("type"), args.Get("label-map"),
                  args.GetBool("promote")};
  auto r = Import(o);
  if (!r.ok()) {
    std::cerr << "bioner-tool import: " << r.status().message() << " (nothing was published)\n";
    return 1;
  }
  std::cerr << "bioner-tool import: published " << r->dir << " (smoke test: " << r->smoke_entities
            << " entities)\n";
  if (Status s = PromoteAndReport(o, *r); !s.ok()) {
    std::cerr << "bioner-tool import: " << r->dir << " is published, but: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace bioner::tool
