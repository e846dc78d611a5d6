// The one conversion between the wire documents (bioner.v1.Document, proto/bioner/v1/
// tagger.proto) and the document model (core/doc/document.h), for the server and every C++
// client. Both speak Unicode code points, so offsets pass through unchanged; Document::Create
// and AddEntities check them against the text (a document whose offsets do not fit its text
// is an error naming it, never repaired). Size limits are the caller's (the server checks
// its own before converting). Stateless; thread-safe.
#ifndef BIONER_PROTO_CONVERT_H_
#define BIONER_PROTO_CONVERT_H_

#include <cstdint>
#include <vector>

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
//
// With `sent_offsets`, gaps cost no memory: the document model fills the gap before a
// passage with spaces, so a 20-byte passage at offset 10^6 would hold a megabyte of spaces
// (issue #14, docs/RELIABILITY.md "Memory amplification"). A reader that handles every
// passage on its own (the server tokenizes, windows and decodes passage by passage, and an
// entity never leaves its passage) asks for the passages placed with every gap shrunk to at
// most one space; the offsets the client sent are returned in `sent_offsets`, for ToWire to
// put back. Allocates O(bytes as sent) then, whatever the offsets.
StatusOr<Document> FromWire(const v1::Document& in, Entities entities,
                            std::vector<uint64_t>* sent_offsets = nullptr);

// Replaces `out` with the document: id, corpus, passages and, with kRead, its entities. With
// `sent_offsets` (from FromWire), the passages get the offsets sent back and each entity
// moves with the passage it starts in.
void ToWire(const Document& doc, Entities entities, v1::Document* out,
            const std::vector<uint64_t>* sent_offsets = nullptr);

}  // namespace bioner::wire

#endif  // BIONER_PROTO_CONVERT_H_
