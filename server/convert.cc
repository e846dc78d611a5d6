#include "server/convert.h"

#include <algorithm>

#include "core/util/utf8.h"

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
  out.wire_offsets.reserve(in.passages_size());
  std::vector<Passage> passages;
  passages.reserve(in.passages_size());
  // Compact placement: each passage starts at most one space after the previous one ends.
  // An overlap is left as it is, for Document::Create to refuse with the offsets it names.
  uint64_t wire_end = 0, compact_end = 0;
  for (int i = 0; i < in.passages_size(); ++i) {
    const v1::Passage& p = in.passages(i);
    const uint64_t length = utf8::Length(p.text());  // invalid UTF-8: refused by Create below
    uint64_t offset = p.offset();
    if (i > 0 && p.offset() >= wire_end) {
      offset = compact_end + std::min<uint64_t>(p.offset() - wire_end, 1);
    } else if (i > 0) {
      return InvalidArgument(who + ": passage " + std::to_string(i) + " at offset " +
                             std::to_string(p.offset()) +
                             " overlaps the previous passage, which ends at " +
                             std::to_string(wire_end));
    } else {
      offset = std::min<uint64_t>(p.offset(), 1);
    }
    wire_end = p.offset() + length;
    compact_end = offset + length;
    out.wire_offsets.push_back(p.offset());
    passages.push_back(Passage{p.type(), static_cast<size_t>(offset), p.text()});
  }
  ASSIGN_OR_RETURN(out.doc, Document::Create(in.id(), std::move(passages)));
  out.doc.set_corpus(in.corpus());
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

void ToProto(const Document& doc, const std::vector<uint64_t>& wire_offsets, v1::Document* out) {
  out->Clear();
  out->set_id(doc.id());
  out->set_corpus(doc.corpus());
  const std::vector<Passage>& passages = doc.passages();
  for (size_t i = 0; i < passages.size(); ++i) {
    v1::Passage* q = out->add_passages();
    q->set_type(passages[i].type);
    q->set_offset(wire_offsets[i]);
    q->set_text(passages[i].text);
  }
  for (const Entity& e : doc.entities()) {
    // The passage the entity starts in: the last one starting at or before it.
    const auto after = std::upper_bound(
        passages.begin(), passages.end(), e.start,
        [](size_t start, const Passage& p) { return start < p.offset; });
    const size_t k = after == passages.begin() ? 0 : static_cast<size_t>(after - passages.begin()) - 1;
    const uint64_t shift = passages.empty() ? 0 : wire_offsets[k] - passages[k].offset;
    v1::Entity* f = out->add_entities();
    f->set_start(e.start + shift);
    f->set_end(e.end + shift);
    f->set_type(e.type);
    f->set_text(e.text);
    f->set_score(e.score);
    f->set_model(e.model_version);
  }
}

}  // namespace bioner::server
