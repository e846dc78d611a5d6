// The smoke check a freshly loaded model must pass before it is served: tag one short real
// sentence end to end (tokenize, run, decode, place entities) and require finite logits and
// entities that fit the text. One check for every program that puts a model into service:
// the server's registry (before it swaps a version in) and `bioner-tool import` (before it
// publishes one).
//
// Runs on the calling thread; call it before the model has a worker of its own.
#ifndef BIONER_CORE_DECODE_SMOKE_H_
#define BIONER_CORE_DECODE_SMOKE_H_

#include "core/decode/tagger.h"
#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner {

// The smoke document (one sentence with a mention of every entity type) with the entities `m` found
// in it. INTERNAL if the text gave no model input, DATA_LOSS for a non-finite logit; any error of
// the tagging path as is.
StatusOr<Document> SmokeTest(const TaggingModel& m, const WindowOptions& window);

}  // namespace bioner

#endif  // BIONER_CORE_DECODE_SMOKE_H_
