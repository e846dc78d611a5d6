// bioner-tool tag: JSONL documents on stdin, the same documents with predicted entities on
// stdout (in input order). A line that cannot be read is reported on stderr with its line
// number and skipped; the exit code is then 1, so nothing is lost silently.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/decode/classifier_model.h"
#include "core/doc/jsonl.h"
#include "core/util/args.h"
#include "tool/commands.h"

namespace bioner::tool {
namespace {

// Model version shown on each entity: the folder's last two path components
// ("Disease/3" for MODEL_REPO/Disease/3), or its name alone.
std::string VersionOf(const std::string& dir) {
  std::filesystem::path p = std::filesystem::path(dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  const std::string name = p.filename().string();
  const std::string parent = p.parent_path().filename().string();
  return parent.empty() ? name : parent + "/" + name;
}

}  // namespace

int RunTag(int argc, char** argv) {
  ArgParser args("bioner-tool tag", "Tags JSONL documents from stdin with one or more models.");
  args.AddList("model", "DIR", "Hugging Face model folder", /*required=*/true);
  args.AddValue("device", "DEV", "cpu or cuda:N", false, "cpu");
  args.AddValue("threads", "N", "torch intra-op threads (0 = all cores)", false, "0");
  args.AddValue("batch-tokens", "N", "padded tokens per model batch", false, "8192");
  args.AddValue("chunk", "N", "documents tagged together", false, "64");
  args.AddBool("keep-entities", "keep the input's entities (default: replace them)");
  if (auto exit_code = args.ParseCommandLine(argc, argv)) return *exit_code;
  auto threads = args.GetInt("threads");
  auto batch_tokens = args.GetInt("batch-tokens");
  auto chunk = args.GetInt("chunk");
  for (const auto* v : {&threads, &batch_tokens, &chunk}) {
    if (!v->ok()) {
      std::cerr << v->status().message() << "\n";
      return 2;
    }
  }
  if (*batch_tokens < 512 || *chunk < 1) {
    std::cerr << "bioner-tool tag: --batch-tokens must be >= 512 and --chunk >= 1\n";
    return 2;
  }

  LoadOptions load;
  load.device = args.Get("device");
  load.num_threads = static_cast<int>(*threads);
  std::vector<TaggingModel> models;
  for (const std::string& dir : args.GetList("model")) {
    auto m = LoadTaggingModel(dir, VersionOf(dir), load);
    if (!m.ok()) {
      std::cerr << "bioner-tool tag: " << m.status().message() << "\n";
      return 1;
    }
    models.push_back(std::move(m).value());
  }

  TagOptions options;
  options.max_batch_tokens = static_cast<int>(*batch_tokens);
  const bool keep = args.GetBool("keep-entities");
  std::vector<Document> pending;
  bool had_errors = false;
  auto flush = [&]() -> bool {
    if (Status s = TagDocuments(models, options, &pending); !s.ok()) {
      std::cerr << "bioner-tool tag: " << s.message() << "\n";
      return false;
    }
    for (const Document& d : pending) std::cout << DocumentToJson(d) << "\n";
    std::cout.flush();
    pending.clear();
    return true;
  };

  std::ios::sync_with_stdio(false);
  std::string line;
  size_t line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto doc = ParseDocumentJson(line, line_no);
    if (!doc.ok()) {
      std::cerr << "bioner-tool tag: stdin: " << doc.status().message() << " (skipped)\n";
      had_errors = true;
      continue;
    }
    if (!keep) doc->ClearEntities();
    pending.push_back(std::move(doc).value());
    if (static_cast<long long>(pending.size()) >= *chunk && !flush()) return 1;
  }
  if (!flush()) return 1;
  return had_errors ? 1 : 0;
}

}  // namespace bioner::tool
