// From gold documents to training windows: the inverse of the decoding in docs/FORMATS.md.
//
// Each passage is tokenized and cut into windows exactly as the tagger cuts it
// (core/decode/tagger.h PrepareDocument, max_seq_len with [CLS]/[SEP], a quarter overlap), so
// training sees what inference sees. Entities become word labels (a word takes part in an
// entity when its code points overlap the entity's), encoded with EncodeSpans in the label
// set's scheme; within a window the FIRST subword token of each word carries the word's label
// and every other position (continuation pieces, [CLS], [SEP]) carries kIgnoreLabel, which
// the loss skips (Hugging Face's -100).
//
// Entities that cannot be represented are counted, never silently repaired:
//  - an entity crossing a passage boundary or covering no word is dropped;
//  - an entity overlapping an earlier one (after sorting) is dropped;
//  - an entity whose boundaries fall inside a word is kept, widened to whole words, and counted.
//
// Stateless functions; thread-safe.
#ifndef BIONER_CORE_TRAIN_EXAMPLES_H_
#define BIONER_CORE_TRAIN_EXAMPLES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/labels.h"
#include "core/doc/document.h"
#include "core/text/text_encoder.h"
#include "core/util/status.h"

namespace bioner::train {

inline constexpr int32_t kIgnoreLabel = -100;

// One model input: [CLS] ids [SEP], with a label id or kIgnoreLabel per position.
struct Example {
  std::vector<int32_t> input_ids;
  std::vector<int32_t> labels;
};

struct ExampleStats {
  long documents = 0;
  long windows = 0;
  long tokens = 0;             // input positions, special tokens included
  long labelled_tokens = 0;    // positions whose label is not kIgnoreLabel (counted per window)
  long entities = 0;           // entities of the type in the documents
  long dropped_crossing = 0;   // crossing a passage boundary or covering no word
  long dropped_overlapping = 0;
  long widened = 0;            // boundary inside a word

  ExampleStats& operator+=(const ExampleStats& o);
};

// Windows of every passage of every document, in document order. Only entities of `type`
// are labelled (others are ignored). INVALID_ARGUMENT if `labels` lacks B-/I- (or E-/S-) of
// `type`, or max_seq_len < 3.
StatusOr<std::vector<Example>> BuildExamples(const std::vector<Document>& docs,
                                             const text::TextEncoder& tokenizer,
                                             const LabelSet& labels, const std::string& type,
                                             int max_seq_len, ExampleStats* stats);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_EXAMPLES_H_
