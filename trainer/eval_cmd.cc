// bioner-trainer eval: entity-level scores of predicted documents against gold documents.
#include <iostream>

#include "core/eval/evaluate.h"
#include "core/eval/format.h"
#include "core/util/args.h"
#include "trainer/commands.h"

namespace bioner::trainer {

int RunEval(int argc, char** argv) {
  ArgParser args("bioner-trainer eval",
                 "Entity-level precision, recall and F1 of predicted JSONL documents against "
                 "gold JSONL documents (offsets in code points), with strict and HunFlair's "
                 "lenient matching; see docs/EVALUATION.md.");
  args.AddValue("gold", "G.jsonl", "gold documents", /*required=*/true);
  args.AddValue("pred", "P.jsonl", "predicted documents (same ids and texts)", true);
  args.AddBool("json", "print one JSON object (the stable contract for scripts)");
  if (auto exit_code = args.ParseCommandLine(argc, argv)) return *exit_code;
  if (!args.positional().empty()) {
    std::cerr << "bioner-trainer eval: unexpected argument '" << args.positional().front()
              << "'\n";
    return 2;
  }
  auto gold = ReadDocumentSet(args.Get("gold"));
  if (!gold.ok()) {
    std::cerr << "bioner-trainer eval: " << gold.status().message() << "\n";
    return 1;
  }
  auto pred = ReadDocumentSet(args.Get("pred"));
  if (!pred.ok()) {
    std::cerr << "bioner-trainer eval: " << pred.status().message() << "\n";
    return 1;
  }
  auto result = Evaluate(*gold, *pred);
  if (!result.ok()) {
    std::cerr << "bioner-trainer eval: " << result.status().message() << "\n";
    return 1;
  }
  if (args.GetBool("json")) {
    std::cout << EvalResultToJson(*result) << "\n";
  } else {
    std::cout << EvalResultToText(*result);
  }
  return 0;
}

}  // namespace bioner::trainer
