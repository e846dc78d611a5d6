// Conversions between the wire documents (bioner.v1.Document) and the document model
// (core/doc/document.h). Both speak code points, so offsets pass through unchanged.
// Stateless; thread-safe.
#ifndef BIONER_SERVER_CONVERT_H_
#define BIONER_SERVER_CONVERT_H_

#include <cstdint>

#include "bioner/v1/tagger.pb.h"
#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner::server {

// Checks the size limit first (the UTF-8 bytes of the passages and their offsets must stay
// within `max_document_bytes`, so that gaps cannot blow the document up), then builds the
// Document (UTF-8, passage order). Input entities are ignored. INVALID_ARGUMENT naming the
// document id otherwise.
StatusOr<Document> FromProto(const v1::Document& in, int64_t max_document_bytes);

void ToProto(const Document& doc, v1::Document* out);

}  // namespace bioner::server

#endif  // BIONER_SERVER_CONVERT_H_
