#include "server/convert.h"

#include "proto/convert.h"

namespace bioner::server {

StatusOr<ServerDocument> FromProto(const v1::Document& in, int64_t max_document_bytes) {
  const std::string who = "document '" + in.id() + "'";
  // The document as sent: text, id, offsets and framing. Each passage costs the server a
  // few hundred bytes whatever its text, so passages are counted by their wire bytes too.
  const uint64_t bytes = in.ByteSizeLong();
  for (int i = 0; i < in.passages_size(); ++i) {
    const v1::Passage& p = in.passages(i);
    if (p.offset() > static_cast<uint64_t>(max_document_bytes)) {
      return InvalidArgument(who + " passage " + std::to_string(i) + ": offset " +
                             std::to_string(p.offset()) + " is past limits.max_document_bytes (" +
                             std::to_string(max_document_bytes) + ")");
    }
  }
  if (bytes > static_cast<uint64_t>(max_document_bytes)) {
    return InvalidArgument(who + " is too large: " + std::to_string(bytes) +
                           " bytes as sent (text, id, passages), the server's limit "
                           "(limits.max_document_bytes) is " + std::to_string(max_document_bytes));
  }
  ServerDocument out;
  ASSIGN_OR_RETURN(out.doc, wire::FromWire(in, wire::Entities::kIgnore, &out.wire_offsets));
  return out;
}

Status CheckRequestSize(const v1::AnnotateRequest& request, int64_t max_request_bytes) {
  const uint64_t bytes = request.ByteSizeLong();  // O(documents + passages), no copy
  if (bytes > static_cast<uint64_t>(max_request_bytes)) {
    return InvalidArgument("the request is too large: " + std::to_string(bytes) +
                           " bytes as sent, " + std::to_string(request.documents_size()) +
                           " documents, the server's limit per call (limits.max_request_bytes) is " +
                           std::to_string(max_request_bytes) +
                           "; send them in several calls, or use AnnotateStream");
  }
  return Status::Ok();
}

}  // namespace bioner::server
