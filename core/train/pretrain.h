// Masked-language-model pretraining of a BERT encoder on raw text (BioBERT's recipe at small
// scale): `bioner-trainer pretrain` (docs/TRAINING.md, "Pretraining").
//
// A fresh model is built from a vocabulary and the architecture in PretrainConfig, or an
// existing Hugging Face folder is trained further (its MLM head "cls.predictions.*" is used
// when present, else a fresh one). Texts are tokenized once, cut into windows of
// max_seq_len - 2 tokens ([CLS] ... [SEP]; a document's windows are consecutive pieces of
// its text), and shuffled. Each step masks mask_probability of the tokens (80% [MASK],
// 10% a random token, 10% unchanged, as BERT) and minimises the cross-entropy of the
// original token at the masked positions, with the decoder tied to the word embeddings.
// AdamW, linear warm-up and decay, gradient clipping. A fixed slice of the documents
// (every eval_every_nth_document-th) is held out for the MLM loss and accuracy logged every
// eval_interval steps.
//
// The output folder is an encoder-only Hugging Face checkpoint (config.json without
// id2label, vocab.txt, tokenizer_config.json, model.safetensors with bert.* and
// cls.predictions.* tensors: transformers' BertForMaskedLM layout) that `bioner-trainer
// train` fine-tunes, plus pretrain_log.jsonl and pretrain_report.json. It is written to a
// temporary folder and renamed into place. Not resumable: a killed run starts over.
//
// Thread safety: one Pretrain() per process at a time (it sets torch's seed and threads).
#ifndef BIONER_CORE_TRAIN_PRETRAIN_H_
#define BIONER_CORE_TRAIN_PRETRAIN_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/train/text_corpus.h"
#include "core/util/status.h"

namespace bioner::train {

struct PretrainConfig {
  std::vector<std::string> inputs;  // text files (text_corpus.h)
  std::string vocab;                // vocab.txt of a fresh model; or:
  std::string model;                // a Hugging Face folder to train further
  std::string out;                  // the output folder (must not exist)
  bool lowercase = false;           // fresh model only (a folder keeps its casing)
  // Architecture of a fresh model.
  int hidden_size = 256, num_layers = 4, num_heads = 4, intermediate_size = 1024;
  int max_position_embeddings = 512;
  // Optimisation.
  int max_seq_len = 128;     // tokens per window incl. [CLS]/[SEP]
  int batch_size = 32;       // windows per step
  int64_t steps = 10000;     // optimizer steps (the schedule's length)
  double max_minutes = 0;    // > 0: stop early after this much training time (schedule unchanged)
  double learning_rate = 5e-4, warmup_ratio = 0.06, weight_decay = 0.01, max_grad_norm = 1.0;
  double mask_probability = 0.15;
  double dropout = 0.1;
  uint64_t seed = 42;
  int num_threads = 0;       // torch intra-op threads; 0: torch's default
  int log_interval = 50;     // steps between progress lines
  int eval_interval = 500;   // steps between held-out evaluations
  int eval_every_nth_document = 200;  // documents held out for evaluation
  int eval_windows = 256;
};

// Checks values and files; errors name the flag.
Status CheckPretrainConfig(const PretrainConfig& config);

struct PretrainOutcome {
  int64_t steps_done = 0;
  long windows = 0, tokens = 0, eval_windows = 0;
  double final_train_loss = 0, eval_loss = 0, eval_accuracy = 0, seconds = 0, tokens_per_second = 0;
  int64_t parameters = 0;
  TextStats text_stats;
};

StatusOr<PretrainOutcome> Pretrain(const PretrainConfig& config, const ExcludedIds& excluded, std::ostream* log);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_PRETRAIN_H_
