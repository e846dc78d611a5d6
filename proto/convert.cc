#include "proto/convert.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/util/utf8.h"

namespace bioner::wire {

StatusOr<Document> FromWire(const v1::Document& in, Entities entities,
                            std::vector<uint64_t>* sent_offsets) {
  std::vector<Passage> passages;
  passages.reserve(static_cast<size_t>(in.passages_size()));
  if (sent_offsets) sent_offsets->clear();
  // Compact placement: each passage starts at most one space after the previous one ends.
  uint64_t sent_end = 0, compact_end = 0;
  for (int i = 0; i < in.passages_size(); ++i) {
    const v1::Passage& p = in.passages(i);
    uint64_t offset = p.offset();
    if (sent_offsets) {
      const uint64_t length = utf8::Length(p.text());  // invalid UTF-8: refused by Create below
      if (i > 0 && p.offset() < sent_end) {
        return InvalidArgument("document '" + in.id() + "': passage " + std::to_string(i) +
                               " at offset " + std::to_string(p.offset()) +
                               " overlaps the previous passage, which ends at " + std::to_string(sent_end));
      }
      offset = i == 0 ? std::min<uint64_t>(p.offset(), 1)
                      : compact_end + std::min<uint64_t>(p.offset() - sent_end, 1);
      sent_end = p.offset() + length;
      compact_end = offset + length;
      sent_offsets->push_back(p.offset());
    }
    passages.push_back(Passage{p.type(), static_cast<size_t>(offset), p.text()});
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

void ToWire(const Document& doc, Entities entities, v1::Document* out,
            const std::vector<uint64_t>* sent_offsets) {
  out->Clear();
  out->set_id(doc.id());
  out->set_corpus(doc.corpus());
  const std::vector<Passage>& passages = doc.passages();
  for (size_t i = 0; i < passages.size(); ++i) {
    v1::Passage* q = out->add_passages();
    q->set_type(passages[i].type);
    q->set_offset(sent_offsets ? (*sent_offsets)[i] : passages[i].offset);
    q->set_text(passages[i].text);
  }
  if (entities == Entities::kIgnore) return;
  for (const Entity& e : doc.entities()) {
    uint64_t shift = 0;
    if (sent_offsets && !passages.empty()) {
      // The passage the entity starts in: the last one starting at or before it.
      const auto after = std::upper_bound(passages.begin(), passages.end(), e.start,
                                          [](size_t start, const Passage& p) { return start < p.offset; });
      const size_t k = after == passages.begin() ? 0 : static_cast<size_t>(after - passages.begin()) - 1;
      shift = (*sent_offsets)[k] - passages[k].offset;
    }
    v1::Entity* f = out->add_entities();
    f->set_start(e.start + shift);
    f->set_end(e.end + shift);
    f->set_type(e.type);
    f->set_text(e.text);
    f->set_score(e.score);
    f->set_model(e.model_version);
  }
}

}  // namespace bioner::wire
