// bioner-tool: developer commands over bioner_core (tokenize, logits, tag). The flags and
// JSONL formats are a stable contract: reviewers use them to check parity on other inputs.
#include <cstring>
#include <iostream>

#include "tool/commands.h"

namespace {

constexpr const char kUsage[] =
    "usage: bioner-tool COMMAND [flags]\n"
    "\n"
    "commands:\n"
    "  tokenize --vocab FILE|--model DIR [--lowercase|--cased]  JSONL {\"text\"} on stdin -> {\"tokens\",\"ids\",\"offsets\"}\n"
    "  logits --model DIR --cases FILE               the cases file with the model's outputs\n"
    "  tag --model DIR [--model DIR ...]             JSONL documents on stdin -> with entities\n"
    "  show                                          JSONL documents on stdin, printed for reading\n"
    "  init-model --config FILE --out DIR [--vocab FILE]  a model folder with random weights\n"
    "\n"
    "Run 'bioner-tool COMMAND --help' for a command's flags.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const char* cmd = argv[1];
  if (!std::strcmp(cmd, "tokenize")) return bioner::tool::RunTokenize(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "logits")) return bioner::tool::RunLogits(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "tag")) return bioner::tool::RunTag(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "show")) return bioner::tool::RunShow(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "init-model")) return bioner::tool::RunInitModel(argc - 1, argv + 1);
  std::cerr << "bioner-tool: unknown command '" << cmd << "'\n" << kUsage;
  return 2;
}
