// Fuzz target: a Hugging Face model folder as bioner reads it (core/model/model_folder.h)
// before LibTorch sees anything: config.json with label_map.json applied, the weight index of
// a sharded checkpoint, and the tokenizer's tokenizer_config.json. The input, cut at NUL bytes
// (fuzz/scratch_dir.h, SplitParts), is the five files of kFiles in that order; an empty part
// leaves its file out (config.json is always written). vocab.txt and one shard of each weight
// format, the tiny test model's, are in the folder for the index and the tokenizer to find.
//
// Not covered: building the LibTorch model from the folder (model_io.h LoadModelFolder). It
// allocates the tensors a config.json asks for (vocab_size x hidden_size ...) before the
// weights are matched against them, which a fuzzer would report as out-of-memory by design,
// and LibTorch itself is not instrumented.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/model_folder.h"
#include "core/text/tokenizer.h"
#include "core/util/file.h"
#include "fuzz/checks.h"
#include "fuzz/scratch_dir.h"

namespace {

constexpr const char* kFiles[] = {"config.json", "label_map.json", "model.safetensors.index.json",
                                  "pytorch_model.bin.index.json", "tokenizer_config.json"};

std::string TestFile(const std::string& relative) {
  bioner::StatusOr<std::string> bytes = bioner::ReadFile(std::string(BIONER_SOURCE_DIR) + "/" + relative);
  bioner::fuzz::ExpectOk(bytes.status(), "test model file");
  return *bytes;
}

// The fixed files, written once.
void WriteFixedFiles(bioner::fuzz::ScratchDir& dir) {
  static bool written = false;
  if (written) return;
  written = true;
  const std::string model = "tests/data/testvectors/model/tiny-f32/";
  dir.Write("model/vocab.txt", TestFile(model + "vocab.txt"));
  dir.Write("model/model-00001-of-00001.safetensors", TestFile(model + "model.safetensors"));
  dir.Write("model/pytorch_model-00001-of-00001.bin",
            TestFile("tests/data/testvectors/model-bin/tiny-f32-zip/pytorch_model.bin"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bioner::fuzz::ScratchDir& dir = bioner::fuzz::ScratchDir::Get();
  WriteFixedFiles(dir);
  const std::string folder = dir.path() + "/model";
  const std::vector<std::string_view> parts =
      bioner::fuzz::SplitParts(data, size, std::size(kFiles));
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string name = std::string("model/") + kFiles[i];
    if (i == 0 || !parts[i].empty()) {
      dir.Write(name, parts[i]);
    } else {
      std::error_code ec;
      std::filesystem::remove(dir.path() + "/" + name, ec);
    }
  }

  bioner::fuzz::ExpectMessage(bioner::ReadModelFolderConfig(folder));
  const bioner::StatusOr<bioner::ModelWeights> weights = bioner::ModelWeights::Open(folder);
  bioner::fuzz::ExpectMessage(weights);
  if (weights.ok() && weights->tensors().empty()) bioner::fuzz::Die("weights without tensors");
  bioner::fuzz::ExpectMessage(bioner::text::BertTokenizer::FromModelDir(folder));
  return 0;
}
