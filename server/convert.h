// The server's side of the wire conversion: the size limits a request must meet before any
// document is converted, then proto/convert.h's FromWire with compact gaps (gaps cost no
// memory in the server: docs/RELIABILITY.md "Memory amplification"); answers go back through
// wire::ToWire with the offsets the client sent. Stateless; thread-safe.
#ifndef BIONER_SERVER_CONVERT_H_
#define BIONER_SERVER_CONVERT_H_

#include <cstdint>
#include <vector>

#include "bioner/v1/tagger.pb.h"
#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner::server {

// A wire document as the server holds it.
struct ServerDocument {
  Document doc;                       // passages at compact offsets (gaps of at most 1 space)
  std::vector<uint64_t> wire_offsets;  // the passage offsets the client sent, in order
};

// Sizes are counted as sent (serialized bytes: text, ids, offsets, framing), not as text
// alone: an empty passage is 2 bytes on the wire but a few hundred in the server, and 16 MiB
// of them once grew the server by 2.4 GB. Text is part of it, so the token bound of
// server/config.h (kMaxModelTokensPerByte) holds for these sizes too.
//
// Checks the size limit first (the document as sent must stay within `max_document_bytes`,
// and no passage offset may lie past it), then builds the Document (UTF-8, passage order).
// Input entities are ignored. INVALID_ARGUMENT naming the document id otherwise. Allocates
// O(bytes as sent), whatever the offsets.
StatusOr<ServerDocument> FromProto(const v1::Document& in, int64_t max_document_bytes);

// The size of a unary call as sent, checked against `max_request_bytes`
// (limits.max_request_bytes) before any document is converted: INVALID_ARGUMENT naming the
// size, the number of documents and the key.
Status CheckRequestSize(const v1::AnnotateRequest& request, int64_t max_request_bytes);

}  // namespace bioner::server

#endif  // BIONER_SERVER_CONVERT_H_
