// bioner-trainer: corpora, evaluation, fine-tuning and promotion of models.
#include "core/util/args.h"
#include "core/util/main_guard.h"
#include "trainer/commands.h"

int main(int argc, char** argv) {
  // An exception reaching here is a bug: one line and the error exit code, never an abort.
  return bioner::RunMain("bioner-trainer", 1, [&]() -> int {
    using namespace bioner::trainer;
    return bioner::RunSubcommand(
        "bioner-trainer",
        {
            {"corpus", "list|fetch|stats|export   the HUNER corpora: download, check, convert, split", RunCorpus},
            {"eval", "--gold G.jsonl --pred P.jsonl [--json]   entity-level precision, recall, F1", RunEval},
            {"report", "--metrics FILE.json ...   Markdown table next to the published anchors", RunReport},
            {"train", "--config FILE.yaml [--force]   fine-tune a model, publish it, quality-gated promotion", RunTrain},
            {"tune", "--config BASE.yaml --space SPACE.yaml --out DIR [--trials N] [--strategy grid|random]   hyperparameter search ranked by dev F1", RunTune},
            {"vocab", "--in FILE... --out vocab.txt --size N   a WordPiece vocabulary from raw text", RunVocab},
            {"pretrain", "--in FILE... --vocab V | --model DIR --out DIR   masked-language-model pretraining", RunPretrain},
            {"embed", "--in FILE... [--train-split FILE...] --out DIR   word embeddings (fastText skip-gram); `embed convert` re-stores a table as F16", RunEmbed},
            {"promote", "--repo R --type T --version N [--force]   make a version current (quality gate)", RunPromote},
            {"serve", "--config trainer.yaml [--jobs DIR] [--metrics ADDR]   the daemon: train the jobs of a folder", RunServe},
        },
        argc, argv);
  });
}
