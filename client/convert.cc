#include "client/convert.h"

namespace bioner::client {

void ToProtoRequest(const Document& doc, v1::Document* out) {
  out->set_id(doc.id());
  out->set_corpus(doc.corpus());
  for (const Passage& p : doc.passages()) {
    v1::Passage* wp = out->add_passages();
    wp->set_type(p.type);
    wp->set_offset(p.offset);
    wp->set_text(p.text);
  }
}

StatusOr<Document> FromProtoResponse(const v1::Document& in) {
  std::vector<Passage> passages;
  for (const v1::Passage& p : in.passages()) {
    passages.push_back({p.type(), static_cast<size_t>(p.offset()), p.text()});
  }
  StatusOr<Document> doc = Document::Create(in.id(), std::move(passages));
  if (!doc.ok()) return doc.status().WithContext("server response");
  doc->set_corpus(in.corpus());
  std::vector<Entity> entities;
  for (const v1::Entity& e : in.entities()) {
    entities.push_back({static_cast<size_t>(e.start()), static_cast<size_t>(e.end()), e.type(),
                        e.text(), e.score(), e.model()});
  }
  Status s = doc->AddEntities(std::move(entities));
  if (!s.ok()) return s.WithContext("server response for document '" + in.id() + "'");
  return doc;
}

}  // namespace bioner::client
