// Annotating one document with several serving models: the document is tokenized once per
// distinct (tokenizer, window length), its windows are submitted to each model's Batcher,
// and the entities are assembled when every window of every model is back
// (core/decode/tagger.h: PrepareDocument -> batching -> AssembleEntities).
//
// Stateless function; thread-safe.
#ifndef BIONER_SERVER_ANNOTATOR_H_
#define BIONER_SERVER_ANNOTATOR_H_

#include <functional>
#include <memory>
#include <vector>

#include "core/doc/document.h"
#include "server/batcher.h"
#include "server/model_registry.h"

namespace bioner::server {

using DocumentDone = std::function<void(StatusOr<Document>)>;

// Returns an error (tokenization failure, RESOURCE_EXHAUSTED from a full queue) without
// ever calling `done`; nothing of the document stays queued then. Returns OK when the work
// is accepted: `done` is then called exactly once, with the annotated document or an error
// (CANCELLED, DEADLINE_EXCEEDED, a model failure), on a model worker thread, on a thread
// calling Batcher::Purge(), or before this function returns (a document without tokens).
// The models are held until `done` has been called.
Status AnnotateDocument(Document doc, const std::vector<std::shared_ptr<const ServingModel>>& models,
                        std::shared_ptr<const WorkTicket> ticket, DocumentDone done);

}  // namespace bioner::server

#endif  // BIONER_SERVER_ANNOTATOR_H_
