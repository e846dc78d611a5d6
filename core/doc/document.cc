#include "core/doc/document.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "core/util/utf8.h"

namespace bioner {

bool IsCanonicalEntityType(std::string_view type) {
  for (const char* t : kEntityTypes) {
    if (type == t) return true;
  }
  return false;
}

StatusOr<Document> Document::Create(std::string id, std::vector<Passage> passages,
                                    std::vector<Entity> entities) {
  Document doc;
  doc.id_ = std::move(id);
  const std::string where = "document '" + doc.id_ + "'";
  RETURN_IF_ERROR(utf8::Validate(doc.id_, where + ": id"));
  size_t cursor = 0;  // code points of text_ so far
  const std::string limit = "the longest document bioner reads (" +
                            std::to_string(kMaxDocumentLength) + " code points; docs/FORMATS.md)";
  for (size_t i = 0; i < passages.size(); ++i) {
    const Passage& p = passages[i];
    const std::string passage = where + ": passage " + std::to_string(i);
    RETURN_IF_ERROR(utf8::Validate(p.text, passage));
    // Both bounds before anything is appended: the gap is materialised as spaces below.
    if (p.offset > kMaxDocumentLength) {
      return InvalidArgument(passage + ": offset " + std::to_string(p.offset) + " is past " +
                             limit);
    }
    if (p.offset < cursor) {
      return InvalidArgument(passage + " at offset " + std::to_string(p.offset) +
                             " overlaps the previous passage, which ends at " +
                             std::to_string(cursor));
    }
    const size_t end = p.offset + utf8::Length(p.text);  // no overflow: both are bounded
    if (end > kMaxDocumentLength) {
      return InvalidArgument(passage + " ends at code point " + std::to_string(end) + ", past " +
                             limit + "; split the document");
    }
    doc.text_.append(p.offset - cursor, ' ');
    doc.text_ += p.text;
    cursor = end;
  }
  doc.length_ = cursor;
  doc.passages_ = std::move(passages);
  RETURN_IF_ERROR(doc.AddEntities(std::move(entities)));
  return doc;
}

Status Document::AddEntities(std::vector<Entity> entities) {
  if (entities.empty()) return Status::Ok();
  const std::vector<size_t> at = utf8::CodePointByteOffsets(text_);
  for (Entity& e : entities) {
    const std::string where = "document '" + id_ + "': entity [" + std::to_string(e.start) +
                              ", " + std::to_string(e.end) + ") " + e.type;
    if (e.type.empty()) return InvalidArgument(where + ": empty type");
    if (e.start >= e.end) return InvalidArgument(where + ": empty or reversed span");
    if (e.end > length_) {
      return OutOfRange(where + ": ends past the text, which has " + std::to_string(length_) +
                        " code points");
    }
    std::string_view actual(text_.data() + at[e.start], at[e.end] - at[e.start]);
    if (e.text.empty()) {
      e.text = std::string(actual);
    } else if (e.text != actual) {
      return InvalidArgument(where + ": text '" + e.text + "' does not match the document "
                             "text '" + std::string(actual) + "' at that span");
    }
  }
  for (Entity& e : entities) entities_.push_back(std::move(e));
  std::stable_sort(entities_.begin(), entities_.end(), [](const Entity& a, const Entity& b) {
    return std::tie(a.start, a.end, a.type) < std::tie(b.start, b.end, b.type);
  });
  return Status::Ok();
}

}  // namespace bioner
