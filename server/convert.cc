#include "server/convert.h"

namespace bioner::server {

StatusOr<Document> FromProto(const v1::Document& in, int64_t max_document_bytes) {
  const std::string who = "document '" + in.id() + "'";
  uint64_t bytes = 0;
  for (int i = 0; i < in.passages_size(); ++i) {
    const v1::Passage& p = in.passages(i);
    bytes += p.text().size();
    if (p.offset() > static_cast<uint64_t>(max_document_bytes)) {
      return InvalidArgument(who + " passage " + std::to_string(i) + ": offset " +
                             std::to_string(p.offset()) + " is past limits.max_document_bytes (" +
                             std::to_string(max_document_bytes) + ")");
    }
  }
  if (bytes > static_cast<uint64_t>(max_document_bytes)) {
    return InvalidArgument(who + " is too large: " + std::to_string(bytes) +
                           " bytes of text, the server's limit (limits.max_document_bytes) is " +
                           std::to_string(max_document_bytes));
  }
  std::vector<Passage> passages;
  passages.reserve(in.passages_size());
  for (const v1::Passage& p : in.passages()) {
    passages.push_back(Passage{p.type(), static_cast<size_t>(p.offset()), p.text()});
  }
  ASSIGN_OR_RETURN(Document doc, Document::Create(in.id(), std::move(passages)));
  doc.set_corpus(in.corpus());
  return doc;
}

void ToProto(const Document& doc, v1::Document* out) {
  out->Clear();
  out->set_id(doc.id());
  out->set_corpus(doc.corpus());
  for (const Passage& p : doc.passages()) {
    v1::Passage* q = out->add_passages();
    q->set_type(p.type);
    q->set_offset(p.offset);
    q->set_text(p.text);
  }
  for (const Entity& e : doc.entities()) {
    v1::Entity* f = out->add_entities();
    f->set_start(e.start);
    f->set_end(e.end);
    f->set_type(e.type);
    f->set_text(e.text);
    f->set_score(e.score);
    f->set_model(e.model_version);
  }
}

}  // namespace bioner::server
