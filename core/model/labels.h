// Label schemes (BIO, BIOES) read from a model's id2label, and decoding of a label sequence
// into spans.
//
// Decoding rules (also in docs/FORMATS.md):
//  - BIO: B-X starts a span; I-X continues a span of type X; an I-X that does not continue a
//    span of type X (after O, or after a span of another type) starts a new span (the
//    conlleval convention).
//  - BIOES: S-X is a one-token span; B-X starts, I-X/E-X continue, E-X ends a span. An I-X or
//    E-X that does not continue a span of type X starts one (as in BIO); a span left open at a
//    B-X/S-X/O or at the end of the sequence is closed there.
// Stateless; thread-safe.
#ifndef BIONER_CORE_MODEL_LABELS_H_
#define BIONER_CORE_MODEL_LABELS_H_

#include <string>
#include <vector>

#include "core/util/status.h"

namespace bioner {

enum class LabelScheme { kBIO, kBIOES };

// One label of a model, parsed: prefix 'O', 'B', 'I', 'E' or 'S', and the entity type.
struct Label {
  char prefix = 'O';
  std::string type;  // empty for O
};

// Parses "O" or "<P>-<type>" with P in {B, I, E, S} and a non-empty type; false if `name` is
// neither. The one spelling of our labels (LabelSet::Create, label maps).
bool ParseLabel(const std::string& name, Label* out);

class LabelSet {
 public:
  // Parses id2label (index = id). Refuses labels that are neither "O" nor "<P>-<type>" with
  // P in {B, I, E, S}; the scheme is BIOES if any E- or S- label is present.
  static StatusOr<LabelSet> Create(const std::vector<std::string>& id2label);
  // "O", "B-T", "I-T" for each type (BIO) or with "E-T", "S-T" too (BIOES).
  static LabelSet ForTypes(const std::vector<std::string>& types, LabelScheme scheme);

  LabelScheme scheme() const { return scheme_; }
  const std::vector<std::string>& names() const { return names_; }
  const Label& at(int id) const { return labels_.at(id); }
  int size() const { return static_cast<int>(labels_.size()); }
  int outside_id() const { return outside_id_; }
  // Entity types in order of first appearance.
  const std::vector<std::string>& types() const { return types_; }
  // Id of "<prefix>-<type>" (or "O"), -1 if absent.
  int Find(char prefix, const std::string& type) const;

 private:
  LabelScheme scheme_ = LabelScheme::kBIO;
  std::vector<std::string> names_;
  std::vector<Label> labels_;
  std::vector<std::string> types_;
  int outside_id_ = -1;
};

// A decoded span over positions [start, end) of the label sequence.
struct LabelSpan {
  int start = 0;
  int end = 0;
  std::string type;
  friend bool operator==(const LabelSpan& a, const LabelSpan& b) {
    return a.start == b.start && a.end == b.end && a.type == b.type;
  }
};

// Decodes label ids (by the rules above) into spans.
std::vector<LabelSpan> DecodeSpans(const LabelSet& labels, const std::vector<int>& ids);
// The same for label strings ("B-Gene", "I-Gene", "O"); unknown strings are treated as O.
std::vector<LabelSpan> DecodeSpans(const std::vector<std::string>& label_names);

// Encodes spans (non-overlapping) as label names of the given scheme over n positions.
std::vector<std::string> EncodeSpans(const std::vector<LabelSpan>& spans, int n,
                                     LabelScheme scheme);

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_LABELS_H_
