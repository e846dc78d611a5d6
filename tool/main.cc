// bioner-tool: developer commands over the core layers. The flags and JSONL formats of tokenize,
// logits and tag are a stable contract: reviewers use them to check parity on other inputs.
#include "core/util/args.h"
#include "core/util/main_guard.h"
#include "tool/commands.h"

int main(int argc, char** argv) {
  // An exception reaching here is a bug: one line and the error exit code, never an abort.
  return bioner::RunMain("bioner-tool", 1, [&]() -> int {
    using namespace bioner::tool;
    return bioner::RunSubcommand(
        "bioner-tool",
        {
            {"tokenize", "--vocab FILE|--model DIR [--lowercase|--cased]   JSONL {\"text\"} on stdin -> {\"tokens\",\"ids\",\"offsets\"}", RunTokenize},
            {"logits", "--model DIR --cases FILE   the cases file with the model's logits", RunLogits},
            {"tag", "--model DIR [--model DIR ...]   JSONL documents on stdin -> with entities", RunTag},
            {"show", "   JSONL documents on stdin, printed for reading", RunShow},
            {"init-model", "--config FILE --out DIR [--vocab FILE]   a model folder with random weights", RunInitModel},
            {"import", "--from DIR --repository REPO --type T [--label-map FILE] [--promote]   a downloaded checkpoint as the next version", RunImport},
        },
        argc, argv);
  });
}
