// Loading a BiLSTM-CRF model folder (word_tagger.h, docs/FORMATS.md) for tagging, behind
// torch-free types: its tokenization and its network behind the WindowModel seam. The tagging
// loader (core/decode/classifier_model.h LoadTaggingModel) calls this when config.json names
// the architecture, so that the tool, the trainer's evaluation and the server need not know.
#ifndef BIONER_CORE_MODEL_WORD_TAGGER_MODEL_H_
#define BIONER_CORE_MODEL_WORD_TAGGER_MODEL_H_

#include <memory>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/window_model.h"
#include "core/model/token_classifier.h"
#include "core/text/text_encoder.h"

namespace bioner {

// True if `dir`/config.json names the BiLSTM-CRF architecture.
bool IsWordTaggerModelDir(const std::string& dir);

struct LoadedWordTagger {
  std::shared_ptr<const text::TextEncoder> encoder;
  std::shared_ptr<WindowModel> model;
};

// options.device and options.num_threads as for TokenClassifier::Load. The embedding table is
// looked up by hash in MODEL_REPO/.embeddings (see word_tagger.h).
StatusOr<LoadedWordTagger> LoadWordTaggerModel(const std::string& dir, const LoadOptions& options);

// Writes a BiLSTM-CRF folder with random weights (deterministic in `seed`) for entity type
// `type` (labels O, B-type, I-type) over the embedding table in `table_dir`, with the
// characters `chars` and small default sizes, for tests and benchmarks. The table itself is
// not copied: put it where the loader looks (MODEL_REPO/.embeddings/<sha256>).
Status CreateRandomWordTagger(const std::string& table_dir, const std::string& type,
                              const std::vector<std::string>& chars, const std::string& dir,
                              uint64_t seed = 0);

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_WORD_TAGGER_MODEL_H_
