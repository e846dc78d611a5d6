// Word embeddings with fastText: `bioner-trainer embed` (docs/TRAINING.md, "Word embeddings";
// the output format is core/model/embedding_table.h, docs/FORMATS.md).
//
// 1. Texts are read with core/train/text_corpus.h (the documents of evaluation data removed by
//    PMID/PMCID, as for `vocab` and `pretrain`) and split into words by the project's
//    pre-tokenizer (core/text/pretokenize.h): the words a tagger will look up.
// 2. The words go to a temporary file, one document per line, separated by spaces; fastText
//    (Debian's libfasttext 0.9.2, linked as a library) trains a skip-gram model with character
//    n-grams on it.
// 3. The table holds every word fastText kept (count >= min_count) and every word of the
//    train-split inputs whatever its count, each with fastText's own word vector
//    (FastText::getWordVector: the mean of the word's vector and its n-gram vectors; a word
//    below min_count gets the mean of its n-gram vectors), in decreasing count, ties in byte
//    order, after the <unk> row. The n-gram (bucket) matrix itself is not kept.
// 4. The folder is written under a temporary name beside `out` and renamed into place.
//
// With threads == 1 a run is reproducible (fastText's Hogwild updates are not, with more).
// This file and embed.cc are the only code that includes fastText; they form the library
// bioner::embed, which only bioner-trainer and its tests link.
//
// Thread safety: TrainEmbeddings may run concurrently for different `out` folders.
#ifndef BIONER_CORE_TRAIN_EMBED_H_
#define BIONER_CORE_TRAIN_EMBED_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/model/safetensors.h"
#include "core/train/text_corpus.h"
#include "core/util/status.h"

namespace bioner::train {

struct EmbedConfig {
  std::vector<std::string> inputs;        // --in: text files (text_corpus.h)
  std::vector<std::string> train_splits;  // --train-split: also trained on; all their words kept
  std::string out;                        // the output folder (must not exist)
  bool lowercase = false;                 // pre-tokenize as uncased BERT (lowercase, strip accents)
  // fastText's training arguments (its defaults, except threads).
  int dim = 100;
  int epochs = 5;
  int minn = 3, maxn = 6;  // character n-gram lengths, in code points, '<' '>' word bounds included
  int min_count = 5;
  int window = 5;
  int neg = 5;
  double lr = 0.05;
  int bucket = 2000000;  // n-gram hash buckets
  int threads = 1;
  int seed = 0;
  DType dtype = DType::kF32;        // how the table stores the vectors: kF32 or kF16
  bool keep_fasttext_bin = false;  // also write fastText's model as OUT/fasttext.bin
  bool fasttext_progress = false;  // fastText's own progress line (for a terminal)
};

// Checks values and files; errors name the flag.
Status CheckEmbedConfig(const EmbedConfig& config);

struct EmbedOutcome {
  TextStats text_stats;           // all inputs
  TextStats train_split_stats;    // the --train-split inputs alone
  int64_t tokens = 0;             // words written for fastText
  int64_t distinct_words = 0;
  int64_t dictionary_words = 0;   // words fastText kept (count >= min_count)
  int64_t train_words_added = 0;  // train-split words below min_count, added to the table
  int64_t table_words = 0;        // rows, <unk> included
  std::string sha256;             // the table's content hash
  double seconds = 0, train_seconds = 0;
};

// Runs steps 1-4; progress lines go to `log` (may be null).
StatusOr<EmbedOutcome> TrainEmbeddings(const EmbedConfig& config, const ExcludedIds& excluded, std::ostream* log);

// Writes the table in folder `from` again as `out` (which must not exist) with its vectors
// stored as `dtype` (kF32 or kF16), and returns the new content hash: a model trained on one
// table does not load with the other. The provenance names the source table.
StatusOr<std::string> ConvertEmbeddings(const std::string& from, const std::string& out, DType dtype);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_EMBED_H_
