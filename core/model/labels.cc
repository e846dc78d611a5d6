#include "core/model/labels.h"

#include <algorithm>

namespace bioner {

bool ParseLabel(const std::string& name, Label* out) {
  if (name == "O") {
    *out = Label{'O', ""};
    return true;
  }
  if (name.size() < 3 || name[1] != '-') return false;
  const char p = name[0];
  if (p != 'B' && p != 'I' && p != 'E' && p != 'S') return false;
  *out = Label{p, name.substr(2)};
  return true;
}

StatusOr<LabelSet> LabelSet::Create(const std::vector<std::string>& id2label) {
  LabelSet set;
  bool bioes = false;
  for (size_t i = 0; i < id2label.size(); ++i) {
    Label l;
    if (!ParseLabel(id2label[i], &l)) {
      return InvalidArgument("label " + std::to_string(i) + " '" + id2label[i] +
                             "' is neither O nor B-/I-/E-/S-<type>");
    }
    if (l.prefix == 'O') {
      if (set.outside_id_ >= 0) return InvalidArgument("label 'O' appears twice");
      set.outside_id_ = static_cast<int>(i);
    } else if (std::find(set.types_.begin(), set.types_.end(), l.type) == set.types_.end()) {
      set.types_.push_back(l.type);
    }
    bioes |= l.prefix == 'E' || l.prefix == 'S';
    set.labels_.push_back(l);
    set.names_.push_back(id2label[i]);
  }
  if (set.outside_id_ < 0) return InvalidArgument("label set has no 'O' label");
  for (size_t i = 0; i < set.names_.size(); ++i) {
    for (size_t j = i + 1; j < set.names_.size(); ++j) {
      if (set.names_[i] == set.names_[j]) {
        return InvalidArgument("label '" + set.names_[i] + "' appears twice");
      }
    }
  }
  for (const std::string& t : set.types_) {
    if (set.Find('B', t) < 0) return InvalidArgument("type '" + t + "' has no B- label");
    if (bioes && (set.Find('S', t) < 0 || set.Find('E', t) < 0)) {
      return InvalidArgument("BIOES label set lacks S-" + t + " or E-" + t);
    }
  }
  set.scheme_ = bioes ? LabelScheme::kBIOES : LabelScheme::kBIO;
  return set;
}

LabelSet LabelSet::ForTypes(const std::vector<std::string>& types, LabelScheme scheme) {
  std::vector<std::string> names = {"O"};
  for (const std::string& t : types) {
    names.push_back("B-" + t);
    names.push_back("I-" + t);
    if (scheme == LabelScheme::kBIOES) {
      names.push_back("E-" + t);
      names.push_back("S-" + t);
    }
  }
  return std::move(Create(names)).value();
}

int LabelSet::Find(char prefix, const std::string& type) const {
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (labels_[i].prefix == prefix && labels_[i].type == type) return static_cast<int>(i);
  }
  return -1;
}

namespace {

std::vector<LabelSpan> Decode(const std::vector<Label>& seq) {
  std::vector<LabelSpan> spans;
  int open = -1;  // index into spans of the span still open, or -1
  auto close = [&] { open = -1; };
  for (int i = 0; i < static_cast<int>(seq.size()); ++i) {
    const Label& l = seq[i];
    const bool continues = open >= 0 && spans[open].type == l.type;
    switch (l.prefix) {
      case 'O':
        close();
        break;
      case 'B':
        spans.push_back({i, i + 1, l.type});
        open = static_cast<int>(spans.size()) - 1;
        break;
      case 'S':
        spans.push_back({i, i + 1, l.type});
        close();
        break;
      case 'I':
      case 'E':
        if (continues) {
          spans[open].end = i + 1;
        } else {
          spans.push_back({i, i + 1, l.type});
          open = static_cast<int>(spans.size()) - 1;
        }
        if (l.prefix == 'E') close();
        break;
    }
  }
  return spans;
}

}  // namespace

std::vector<LabelSpan> DecodeSpans(const LabelSet& labels, const std::vector<int>& ids) {
  std::vector<Label> seq;
  seq.reserve(ids.size());
  for (int id : ids) seq.push_back(labels.at(id));
  return Decode(seq);
}

std::vector<LabelSpan> DecodeSpans(const std::vector<std::string>& label_names) {
  std::vector<Label> seq;
  seq.reserve(label_names.size());
  for (const std::string& n : label_names) {
    Label l;
    if (!ParseLabel(n, &l)) l = Label{'O', ""};
    seq.push_back(l);
  }
  return Decode(seq);
}

std::vector<std::string> EncodeSpans(const std::vector<LabelSpan>& spans, int n,
                                     LabelScheme scheme) {
  std::vector<std::string> out(n, "O");
  for (const LabelSpan& s : spans) {
    for (int i = s.start; i < s.end && i < n; ++i) {
      char p = i == s.start ? 'B' : 'I';
      if (scheme == LabelScheme::kBIOES) {
        if (s.end - s.start == 1) p = 'S';
        else if (i == s.end - 1) p = 'E';
      }
      out[i] = std::string(1, p) + "-" + s.type;
    }
  }
  return out;
}

}  // namespace bioner
