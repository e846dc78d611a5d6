// The one conversion between the wire documents (bioner.v1.Document, proto/bioner/v1/
// tagger.proto) and the document model (core/doc/document.h), for the server and every C++
// client. Both speak Unicode code points, so offsets pass through unchanged; Document::Create
// and AddEntities check them against the text (a document whose offsets do not fit its text
// is an error naming it, never repaired). Size limits are the caller's (the server checks
// its own before converting). Stateless; thread-safe.
#ifndef BIONER_PROTO_CONVERT_H_
#define BIONER_PROTO_CONVERT_H_

#include "bioner/v1/tagger.pb.h"
#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner::wire {

enum class Entities {
  kIgnore,  // a request: the entities a client sends are not read
  kRead,    // a response: the entities are read and checked against the text
};

// Id, corpus, passages (in order) and, with kRead, entities. INVALID_ARGUMENT naming the
// document for offsets or entities that do not fit the text.
StatusOr<Document> FromWire(const v1::Document& in, Entities entities);

// Replaces `out` with the document: id, corpus, passages and, with kRead, its entities.
void ToWire(const Document& doc, Entities entities, v1::Document* out);

}  // namespace bioner::wire

#endif  // BIONER_PROTO_CONVERT_H_
