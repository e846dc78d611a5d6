// Wire documents (bioner.v1.Document) <-> the document model, for the client: requests carry
// passages only; responses carry entities, which are checked against the text (a response
// whose entities do not match its text is an error naming the document, never repaired).
// Internal to bioner_client. Stateless; thread-safe.
#ifndef BIONER_CLIENT_CONVERT_H_
#define BIONER_CLIENT_CONVERT_H_

#include "bioner/v1/tagger.pb.h"
#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner::client {

void ToProtoRequest(const Document& doc, v1::Document* out);
StatusOr<Document> FromProtoResponse(const v1::Document& in);

}  // namespace bioner::client

#endif  // BIONER_CLIENT_CONVERT_H_
