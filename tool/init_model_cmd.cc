// bioner-tool init-model: writes a Hugging Face model folder with random weights for a
// config.json — for benchmarks, demos and tests that need a model of a given shape.
#include <iostream>

#include "core/model/bert_config.h"
#include "core/model/token_classifier.h"
#include "core/util/args.h"
#include "core/util/file.h"
#include "tool/commands.h"

namespace bioner::tool {

int RunInitModel(int argc, char** argv) {
  ArgParser args("bioner-tool init-model",
                 "Writes a model folder with random weights (Hugging Face initialisation).");
  args.AddValue("config", "FILE", "config.json with the shapes (and id2label)", true);
  args.AddValue("vocab", "FILE", "vocab.txt to copy into the folder (default: placeholder)");
  args.AddValue("out", "DIR", "folder to create", true);
  args.AddValue("seed", "N", "random seed", false, "0");
  if (auto exit_code = args.ParseCommandLine(argc, argv)) return *exit_code;
  auto seed = args.GetInt("seed");
  auto config = ReadBertConfig(args.Get("config"));
  StatusOr<std::string> vocab = std::string();
  if (args.Has("vocab")) vocab = ReadFile(args.Get("vocab"));
  Status s = !seed.ok() ? seed.status() : !config.ok() ? config.status() : vocab.status();
  if (s.ok()) s = CreateRandomModel(*config, args.Get("out"), static_cast<uint64_t>(*seed), *vocab);
  if (!s.ok()) {
    std::cerr << "bioner-tool init-model: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace bioner::tool
