// bioner-trainer embed: word embeddings with fastText (docs/TRAINING.md, "Word embeddings";
// the driver is core/train/embed.h, the output format core/model/embedding_table.h).
#include <unistd.h>

#include <iostream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/train/embed.h"
#include "trainer/commands.h"
#include "trainer/exit_code.h"
#include "trainer/text_flags.h"

namespace bioner::trainer {
namespace {

int Fail(const Status& s) { return FailCommand("embed", s); }

// Reads the numeric flags into `c`; the first bad one is the error.
Status ReadNumbers(const ArgParser& a, train::EmbedConfig* c) {
  struct IntFlag {
    const char* name;
    int* out;
  };
  for (IntFlag f : {IntFlag{"dim", &c->dim}, IntFlag{"epochs", &c->epochs}, IntFlag{"minn", &c->minn},
                    IntFlag{"maxn", &c->maxn}, IntFlag{"min-count", &c->min_count}, IntFlag{"window", &c->window},
                    IntFlag{"neg", &c->neg}, IntFlag{"bucket", &c->bucket}, IntFlag{"threads", &c->threads},
                    IntFlag{"seed", &c->seed}}) {
    ASSIGN_OR_RETURN(long long v, a.GetInt(f.name));
    if (v < -2147483647LL || v > 2147483647LL) return InvalidArgument(std::string("--") + f.name + " is out of range");
    *f.out = static_cast<int>(v);
  }
  ASSIGN_OR_RETURN(c->lr, a.GetDouble("lr"));
  return Status::Ok();
}

// --dtype: how a table stores its vectors (the only two the format allows).
StatusOr<DType> TableDType(const ArgParser& a) {
  auto dtype = ParseDType(a.Get("dtype"));
  if (!dtype.ok() || (*dtype != DType::kF32 && *dtype != DType::kF16)) {
    return InvalidArgument("--dtype must be F32 or F16, got '" + a.Get("dtype") + "'");
  }
  return *dtype;
}

// `embed convert`: the same table with its vectors stored in another dtype (F16 halves it).
int RunConvert(int argc, char** argv) {
  ArgParser a("bioner-trainer embed convert",
              "Writes an embedding table again with its vectors stored as F32 or F16 (half the bytes). The copy has "
              "its own content hash: train models on the table they will ship with.");
  a.AddValue("from", "DIR", "the table to convert (a folder `bioner-trainer embed` wrote)", /*required=*/true);
  a.AddValue("out", "DIR", "output folder (must not exist)", /*required=*/true);
  a.AddValue("dtype", "F32|F16", "how the copy stores the vectors", /*required=*/true);
  if (Status s = a.Parse(argc, argv); !s.ok()) return Fail(s);
  auto dtype = TableDType(a);
  if (!dtype.ok()) return Fail(dtype.status());
  auto sha = train::ConvertEmbeddings(a.Get("from"), a.Get("out"), *dtype);
  if (!sha.ok()) return Fail(sha.status());
  std::cout << nlohmann::json({{"out", a.Get("out")}, {"dtype", a.Get("dtype")}, {"sha256", *sha}}).dump() << "\n";
  return 0;
}

}  // namespace

int RunEmbed(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "convert") return RunConvert(argc - 1, argv + 1);
  ArgParser a("bioner-trainer embed",
              "Trains word embeddings (fastText skip-gram with character n-grams) on raw text split into words by "
              "the project's pre-tokenizer, without the documents of evaluation splits, and writes a table of "
              "words and vectors (docs/FORMATS.md, \"Word embeddings\").");
  AddTextFlags(&a);
  a.AddList("train-split", "FILE",
            "train-split text (e.g. from `corpus export --split train`), trained on like --in; every word in it "
            "gets a vector whatever its count");
  a.AddValue("out", "DIR", "output folder (must not exist)", /*required=*/true);
  a.AddBool("lowercase", "lowercase and strip accents before training (as uncased BERT); default: cased");
  const train::EmbedConfig d;
  const auto def = [](auto v) { return std::to_string(v); };
  a.AddValue("dim", "N", "vector dimension", false, def(d.dim));
  a.AddValue("epochs", "N", "passes over the text", false, def(d.epochs));
  a.AddValue("minn", "N", "shortest character n-gram (code points, with the word bounds < >)", false, def(d.minn));
  a.AddValue("maxn", "N", "longest character n-gram", false, def(d.maxn));
  a.AddValue("min-count", "N", "words seen fewer times get no vector of their own (train-split words are kept)",
             false, def(d.min_count));
  a.AddValue("window", "N", "context window on each side", false, def(d.window));
  a.AddValue("neg", "N", "negatives sampled per word", false, def(d.neg));
  a.AddValue("lr", "LR", "learning rate (decays linearly to 0)", false, "0.05");
  a.AddValue("bucket", "N", "hash buckets of the character n-grams", false, def(d.bucket));
  a.AddValue("threads", "N", "training threads (1 is reproducible, more are faster)", false, def(d.threads));
  a.AddValue("seed", "N", "fastText's seed", false, def(d.seed));
  a.AddValue("dtype", "F32|F16", "how the table stores the vectors (F16: half the bytes)", false, "F32");
  a.AddBool("keep-fasttext-bin", "also keep fastText's model as OUT/fasttext.bin (large: the n-gram buckets)");
  if (Status s = a.Parse(argc, argv); !s.ok()) return Fail(s);
  train::EmbedConfig c;
  c.inputs = a.GetList("in");
  c.train_splits = a.GetList("train-split");
  c.out = a.Get("out");
  c.lowercase = a.GetBool("lowercase");
  c.keep_fasttext_bin = a.GetBool("keep-fasttext-bin");
  c.fasttext_progress = ::isatty(STDERR_FILENO) != 0;
  if (Status s = ReadNumbers(a, &c); !s.ok()) return Fail(s);
  auto dtype = TableDType(a);
  if (!dtype.ok()) return Fail(dtype.status());
  c.dtype = *dtype;
  if (Status s = train::CheckEmbedConfig(c); !s.ok()) return Fail(s);
  auto excluded = ExclusionFromFlags(a);
  if (!excluded.ok()) return Fail(excluded.status());
  if (!a.Has("exclude-splits")) {
    std::cerr << "bioner-trainer embed: WARNING: no --exclude-splits: dev/test documents are not filtered out\n";
  }
  auto out = train::TrainEmbeddings(c, *excluded, &std::cerr);
  if (!out.ok()) return Fail(out.status());
  std::cout << nlohmann::json({{"out", c.out},
                               {"words", out->table_words},
                               {"dictionary_words", out->dictionary_words},
                               {"train_split_words_below_min_count", out->train_words_added},
                               {"tokens", out->tokens},
                               {"documents", out->text_stats.documents_kept},
                               {"documents_removed", out->text_stats.documents_excluded},
                               {"sha256", out->sha256},
                               {"train_seconds", out->train_seconds},
                               {"seconds", out->seconds}})
                   .dump()
            << "\n";
  return 0;
}

}  // namespace bioner::trainer
