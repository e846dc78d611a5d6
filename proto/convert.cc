#include "proto/convert.h"

#include <utility>
#include <vector>

namespace bioner::wire {

StatusOr<Document> FromWire(const v1::Document& in, Entities entities) {
  std::vector<Passage> passages;
  passages.reserve(static_cast<size_t>(in.passages_size()));
  for (const v1::Passage& p : in.passages()) {
    passages.push_back(Passage{p.type(), static_cast<size_t>(p.offset()), p.text()});
  }
  ASSIGN_OR_RETURN(Document doc, Document::Create(in.id(), std::move(passages)));
  doc.set_corpus(in.corpus());
  if (entities == Entities::kRead) {
    std::vector<Entity> list;
    list.reserve(static_cast<size_t>(in.entities_size()));
    for (const v1::Entity& e : in.entities()) {
      list.push_back({static_cast<size_t>(e.start()), static_cast<size_t>(e.end()), e.type(), e.text(),
                      e.score(), e.model()});
    }
    Status s = doc.AddEntities(std::move(list));
    if (!s.ok()) return s.WithContext("document '" + in.id() + "'");
  }
  return doc;
}

void ToWire(const Document& doc, Entities entities, v1::Document* out) {
  out->Clear();
  out->set_id(doc.id());
  out->set_corpus(doc.corpus());
  for (const Passage& p : doc.passages()) {
    v1::Passage* q = out->add_passages();
    q->set_type(p.type);
    q->set_offset(p.offset);
    q->set_text(p.text);
  }
  if (entities == Entities::kIgnore) return;
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

}  // namespace bioner::wire
