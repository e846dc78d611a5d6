// bioner-trainer: corpora, evaluation and (issue #4) fine-tuning and the trainer daemon.
#include <cstring>
#include <iostream>

#include "trainer/commands.h"

namespace {

constexpr const char kUsage[] =
    "usage: bioner-trainer COMMAND [flags]\n"
    "\n"
    "commands:\n"
    "  corpus list|fetch|stats|export   the HUNER corpora: download, check, convert, split\n"
    "  eval --gold G.jsonl --pred P.jsonl [--json]   entity-level precision, recall, F1\n"
    "  report --metrics FILE.json ...   Markdown table next to the published anchors\n"
    "  train --config FILE.yaml [--force]   fine-tune a model, publish it, quality-gated promotion\n"
    "  promote --repo R --type T --version N [--force]   make a version current (quality gate)\n"
    "\n"
    "Run 'bioner-trainer COMMAND --help' for a command's flags.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const char* cmd = argv[1];
  if (!std::strcmp(cmd, "corpus")) return bioner::trainer::RunCorpus(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "eval")) return bioner::trainer::RunEval(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "report")) return bioner::trainer::RunReport(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "train")) return bioner::trainer::RunTrain(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "promote")) return bioner::trainer::RunPromote(argc - 1, argv + 1);
  std::cerr << "bioner-trainer: unknown command '" << cmd << "'\n" << kUsage;
  return 2;
}
