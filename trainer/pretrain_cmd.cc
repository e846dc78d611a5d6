// bioner-trainer pretrain: masked-language-model pretraining of a BERT encoder on raw text
// (docs/TRAINING.md, "Pretraining"; the loop is core/train/pretrain.h).
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/train/pretrain.h"
#include "trainer/commands.h"
#include "trainer/exit_code.h"
#include "trainer/text_flags.h"

namespace bioner::trainer {
namespace {

int Fail(const Status& s) { return FailCommand("pretrain", s); }

// Reads the numeric flags into `c`; the first bad one is the error.
Status ReadNumbers(const ArgParser& a, train::PretrainConfig* c) {
  struct IntFlag {
    const char* name;
    int* out;
  };
  for (IntFlag f : {IntFlag{"hidden-size", &c->hidden_size}, IntFlag{"layers", &c->num_layers},
                    IntFlag{"heads", &c->num_heads}, IntFlag{"intermediate-size", &c->intermediate_size},
                    IntFlag{"max-position-embeddings", &c->max_position_embeddings},
                    IntFlag{"max-seq-len", &c->max_seq_len}, IntFlag{"batch-size", &c->batch_size},
                    IntFlag{"threads", &c->num_threads}, IntFlag{"log-interval", &c->log_interval},
                    IntFlag{"eval-interval", &c->eval_interval},
                    IntFlag{"eval-every-nth-document", &c->eval_every_nth_document},
                    IntFlag{"eval-windows", &c->eval_windows}}) {
    ASSIGN_OR_RETURN(long long v, a.GetInt(f.name));
    if (v < -2147483647LL || v > 2147483647LL) return InvalidArgument(std::string("--") + f.name + " is out of range");
    *f.out = static_cast<int>(v);
  }
  ASSIGN_OR_RETURN(long long steps, a.GetInt("steps"));
  c->steps = steps;
  ASSIGN_OR_RETURN(long long seed, a.GetInt("seed"));
  if (seed < 0) return InvalidArgument("--seed must be >= 0");
  c->seed = static_cast<uint64_t>(seed);
  struct RealFlag {
    const char* name;
    double* out;
  };
  for (RealFlag f : {RealFlag{"learning-rate", &c->learning_rate}, RealFlag{"warmup-ratio", &c->warmup_ratio},
                     RealFlag{"weight-decay", &c->weight_decay}, RealFlag{"max-grad-norm", &c->max_grad_norm},
                     RealFlag{"mask-probability", &c->mask_probability}, RealFlag{"dropout", &c->dropout},
                     RealFlag{"max-minutes", &c->max_minutes}}) {
    ASSIGN_OR_RETURN(*f.out, a.GetDouble(f.name));
  }
  return Status::Ok();
}

}  // namespace

int RunPretrain(int argc, char** argv) {
  ArgParser a("bioner-trainer pretrain",
              "Masked-language-model pretraining of a BERT encoder from scratch (--vocab) or of an existing "
              "checkpoint (--model) on raw text, without the documents of evaluation splits.");
  AddTextFlags(&a);
  a.AddValue("vocab", "FILE", "vocab.txt of a fresh model (bioner-trainer vocab)");
  a.AddValue("model", "DIR", "Hugging Face folder to continue pretraining");
  a.AddValue("out", "DIR", "output model folder (must not exist)", /*required=*/true);
  a.AddBool("lowercase", "fresh model: an uncased tokenizer");
  const train::PretrainConfig d;
  const auto def = [](auto v) { return std::to_string(v); };
  a.AddValue("hidden-size", "N", "fresh model", false, def(d.hidden_size));
  a.AddValue("layers", "N", "fresh model", false, def(d.num_layers));
  a.AddValue("heads", "N", "fresh model", false, def(d.num_heads));
  a.AddValue("intermediate-size", "N", "fresh model", false, def(d.intermediate_size));
  a.AddValue("max-position-embeddings", "N", "fresh model", false, def(d.max_position_embeddings));
  a.AddValue("max-seq-len", "N", "tokens per window incl. [CLS]/[SEP]", false, def(d.max_seq_len));
  a.AddValue("batch-size", "N", "windows per step", false, def(d.batch_size));
  a.AddValue("steps", "N", "optimizer steps (length of the schedule)", false, def(d.steps));
  a.AddValue("max-minutes", "M", "stop after M minutes of training (0: no limit)", false, "0");
  a.AddValue("learning-rate", "LR", "peak learning rate", false, "5e-4");
  a.AddValue("warmup-ratio", "R", "fraction of steps with linear warm-up", false, "0.06");
  a.AddValue("weight-decay", "W", "AdamW decay (not on biases and LayerNorm)", false, "0.01");
  a.AddValue("max-grad-norm", "G", "gradient clipping; 0 disables", false, "1.0");
  a.AddValue("mask-probability", "P", "fraction of tokens predicted", false, "0.15");
  a.AddValue("dropout", "P", "hidden and attention dropout", false, "0.1");
  a.AddValue("seed", "N", "masking, data order, initialisation", false, "42");
  a.AddValue("threads", "N", "torch intra-op threads (0: default)", false, "0");
  a.AddValue("log-interval", "N", "steps between progress lines", false, def(d.log_interval));
  a.AddValue("eval-interval", "N", "steps between held-out evaluations", false, def(d.eval_interval));
  a.AddValue("eval-every-nth-document", "N", "every N-th document is held out", false,
             def(d.eval_every_nth_document));
  a.AddValue("eval-windows", "N", "held-out windows per evaluation", false, def(d.eval_windows));
  if (Status s = a.Parse(argc, argv); !s.ok()) return Fail(s);
  train::PretrainConfig c;
  c.inputs = a.GetList("in");
  c.vocab = a.Get("vocab");
  c.model = a.Get("model");
  c.out = a.Get("out");
  c.lowercase = a.GetBool("lowercase");
  if (Status s = ReadNumbers(a, &c); !s.ok()) return Fail(s);
  if (Status s = train::CheckPretrainConfig(c); !s.ok()) return Fail(s);
  auto excluded = ExclusionFromFlags(a);
  if (!excluded.ok()) return Fail(excluded.status());
  if (!a.Has("exclude-splits")) {
    std::cerr << "bioner-trainer pretrain: WARNING: no --exclude-splits: dev/test documents are not filtered out\n";
  }
  auto out = train::Pretrain(c, *excluded, &std::cerr);
  if (!out.ok()) return Fail(out.status());
  std::cout << nlohmann::json({{"out", c.out},
                               {"steps", out->steps_done},
                               {"tokens_seen", out->tokens},
                               {"tokens_per_second", out->tokens_per_second},
                               {"eval_loss", out->eval_loss},
                               {"eval_accuracy", out->eval_accuracy},
                               {"documents", out->text_stats.documents_kept},
                               {"documents_removed", out->text_stats.documents_excluded}})
                   .dump()
            << "\n";
  return 0;
}

}  // namespace bioner::trainer
