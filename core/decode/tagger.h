// From documents to entities: tokenize passages, cut windows, run models, merge windows,
// decode labels, map spans back to code points of the document (docs/FORMATS.md, "From
// subword predictions to entities").
//
// The steps are separate so that the server can batch windows of many documents across
// requests: PrepareDocument() -> the model inputs -> (any batching) -> AssembleEntities().
// TagDocuments() chains them synchronously for the tool and the trainer's evaluation.
//
// Stateless functions; thread-safe given thread-safe arguments.
#ifndef BIONER_CORE_DECODE_TAGGER_H_
#define BIONER_CORE_DECODE_TAGGER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/model/labels.h"
#include "core/model/window_model.h"
#include "core/decode/windows.h"
#include "core/doc/document.h"
#include "core/text/text_encoder.h"
#include "core/util/status.h"

namespace bioner {

struct WindowOptions {
  int max_seq_len = 512;  // special tokens included; at most the model's max
  int overlap = -1;       // content tokens shared by consecutive windows; -1: a quarter
};

struct PreparedPassage {
  size_t passage = 0;       // index into Document::passages()
  size_t offset = 0;        // code points of the passage in the document
  text::Encoding encoding;  // offsets relative to the passage text
  std::vector<Window> windows;
};

// A tokenized document: its passages and the model inputs, one per window, in order.
struct PreparedDocument {
  std::vector<PreparedPassage> passages;
  std::vector<std::vector<int32_t>> inputs;  // [CLS] window ids [SEP]
  size_t num_tokens() const;                 // sum of input lengths
};

StatusOr<PreparedDocument> PrepareDocument(const Document& doc, const text::TextEncoder& tokenizer,
                                           const WindowOptions& options);

// Entities from the logits of every input of `prepared` (same order), for one model.
// `logits[i]` is row-major [inputs[i].size()][labels.size()].
StatusOr<std::vector<Entity>> AssembleEntities(const Document& doc,
                                               const PreparedDocument& prepared,
                                               const LabelSet& labels,
                                               const std::vector<std::vector<float>>& logits,
                                               const std::string& model_version);

// A model ready for tagging: its tokenizer, its network and its version ("Disease/3").
struct TaggingModel {
  std::shared_ptr<const text::TextEncoder> tokenizer;
  std::shared_ptr<WindowModel> model;
  std::string version;
};

// The windows a model is run on: as long as the model takes, but at most 512 tokens (BERT's
// position limit, kept for every architecture). The one window clamp, used by TagDocuments
// and by the server.
WindowOptions WindowOptionsFor(const WindowModel& model, int overlap = -1);

struct TagOptions {
  int max_batch_tokens = 8192;  // padded tokens (windows x longest) per batch
  int overlap = -1;
  // As the server's batching.max_padding_percent; 100: no cap. With every window known in
  // advance, nearest-length batches pad little without one.
  int max_padding_percent = 100;
};

// Tags every document with every model (entities are added to the documents). Windows of
// all documents are batched together by the server's planner (core/decode/batch_plan.h),
// each batch planned from the longest window left.
Status TagDocuments(const std::vector<TaggingModel>& models, const TagOptions& options,
                    std::vector<Document>* docs);

}  // namespace bioner

#endif  // BIONER_CORE_DECODE_TAGGER_H_
