// bioner-tool logits: runs the model on a test-vector cases file and prints the file back
// with the model's outputs, so that any implementation's numbers can be diffed against
// bioner's. Input format: shared/testvectors/README.md ("model/").
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/model/token_classifier.h"
#include "core/util/args.h"
#include "core/util/file.h"
#include "tool/commands.h"

namespace bioner::tool {
namespace {

using Json = nlohmann::ordered_json;

// The unpadded rows of one case: length = sum of attention_mask (padding is on the right).
StatusOr<Batch> CaseToBatch(const Json& c, size_t index) {
  const std::string where = "case " + std::to_string(index);
  if (!c.contains("input_ids") || !c["input_ids"].is_array()) return InvalidArgument(where + ": missing 'input_ids'");
  Batch batch;
  const Json& ids = c["input_ids"];
  const bool has_mask = c.contains("attention_mask"), has_types = c.contains("token_type_ids");
  try {
    for (size_t b = 0; b < ids.size(); ++b) {
      size_t len = ids[b].size();
      if (has_mask) {
        len = 0;
        for (const auto& m : c["attention_mask"].at(b)) len += m.get<int>() != 0;
      }
      std::vector<int32_t> row, types;
      for (size_t t = 0; t < len; ++t) {
        row.push_back(ids[b].at(t).get<int32_t>());
        if (has_types) types.push_back(c["token_type_ids"].at(b).at(t).get<int32_t>());
      }
      batch.input_ids.push_back(std::move(row));
      if (has_types) batch.token_type_ids.push_back(std::move(types));
    }
  } catch (const Json::exception& e) {
    return InvalidArgument(where + ": " + e.what());
  }
  return batch;
}

Status Run(const std::string& model_dir, const std::string& cases_path, const LoadOptions& options) {
  ASSIGN_OR_RETURN(auto model, TokenClassifier::Load(model_dir, options));
  ASSIGN_OR_RETURN(std::string text, ReadFile(cases_path));
  Json cases;
  try {
    cases = Json::parse(text);
  } catch (const Json::exception& e) {
    return InvalidArgument(cases_path + ": not valid JSON: " + e.what());
  }
  if (!cases.contains("cases") || !cases["cases"].is_array()) return InvalidArgument(cases_path + ": missing 'cases'");
  const char* key = model->encoder_only() ? "last_hidden_state" : "logits";
  size_t index = 0;
  for (Json& c : cases["cases"]) {
    auto batch = CaseToBatch(c, index);
    if (!batch.ok()) return batch.status().WithContext(cases_path);
    auto out = model->Forward(*batch);
    if (!out.ok()) return out.status().WithContext(cases_path + ": case " + std::to_string(index));
    Json values = Json::array();
    for (size_t b = 0; b < out->size(); ++b) {
      Json seq = Json::array();
      for (int64_t t = 0; t < out->length(b); ++t) {
        Json row = Json::array();
        for (int64_t k = 0; k < out->width; ++k) row.push_back(out->at(b, t, k));
        seq.push_back(std::move(row));
      }
      values.push_back(std::move(seq));
    }
    c.erase("logits");
    c.erase("last_hidden_state");
    c[key] = std::move(values);
    ++index;
  }
  std::cout << cases.dump() << "\n";
  return Status::Ok();
}

}  // namespace

int RunLogits(int argc, char** argv) {
  ArgParser p("bioner-tool logits",
              "Prints a test-vector cases file (JSON) with \"logits\" (or \"last_hidden_state\" for an\n"
              "encoder-only model) replaced by this model's outputs for the unpadded positions.");
  p.AddValue("model", "DIR", "Hugging Face model folder (config.json, model.safetensors)", /*required=*/true);
  p.AddValue("cases", "FILE", "cases.json: {\"cases\": [{\"input_ids\", \"attention_mask\", ...}]}", true);
  p.AddValue("device", "DEV", "cpu, cuda or cuda:N", false, "cpu");
  p.AddValue("threads", "N", "torch intra-op threads (0 = hardware)", false, "0");
  if (auto exit_code = p.ParseCommandLine(argc, argv)) return *exit_code;
  auto threads = p.GetInt("threads");
  if (!threads.ok()) {
    std::cerr << "bioner-tool logits: " << threads.status().message() << "\n";
    return 2;
  }
  LoadOptions options;
  options.device = p.Get("device");
  options.num_threads = static_cast<int>(*threads);
  Status s = Run(p.Get("model"), p.Get("cases"), options);
  if (!s.ok()) {
    std::cerr << "bioner-tool logits: " << s << "\n";
    return 1;
  }
  return 0;
}

}  // namespace bioner::tool
