#include "core/train/examples.h"

#include <algorithm>

#include "core/decode/tagger.h"
#include "core/util/utf8.h"

namespace bioner::train {

ExampleStats& ExampleStats::operator+=(const ExampleStats& o) {
  documents += o.documents;
  windows += o.windows;
  tokens += o.tokens;
  labelled_tokens += o.labelled_tokens;
  entities += o.entities;
  dropped_crossing += o.dropped_crossing;
  dropped_overlapping += o.dropped_overlapping;
  widened += o.widened;
  return *this;
}

namespace {

// Word label ids of one passage.
std::vector<int32_t> WordLabels(const std::vector<Entity>& entities, const PreparedPassage& p,
                                size_t passage_len, const LabelSet& labels, const std::string& type,
                                ExampleStats* stats) {
  const auto& words = p.encoding.words;
  std::vector<LabelSpan> spans;
  int last_end = 0;  // first word not yet covered by a span
  for (const Entity& e : entities) {
    if (e.end <= p.offset || e.start >= p.offset + passage_len) continue;  // another passage
    if (e.start < p.offset || e.end > p.offset + passage_len) {
      ++stats->dropped_crossing;
      continue;
    }
    const int32_t s = static_cast<int32_t>(e.start - p.offset), t = static_cast<int32_t>(e.end - p.offset);
    // Words are sorted and disjoint: the first whose end is past s, then all that begin before t.
    auto first = std::partition_point(words.begin(), words.end(), [&](const text::Span& w) { return w.second <= s; });
    auto last = first;
    while (last != words.end() && last->first < t) ++last;
    if (first == last) {
      ++stats->dropped_crossing;  // only whitespace or removed characters
      continue;
    }
    const int a = static_cast<int>(first - words.begin()), b = static_cast<int>(last - words.begin());
    if (a < last_end) {
      ++stats->dropped_overlapping;
      continue;
    }
    if (first->first != s || (last - 1)->second != t) ++stats->widened;
    spans.push_back({a, b, type});
    last_end = b;
  }
  const auto names = EncodeSpans(spans, static_cast<int>(words.size()), labels.scheme());
  std::vector<int32_t> ids(names.size(), labels.outside_id());
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != "O") ids[i] = labels.Find(names[i][0], type);
  }
  return ids;
}

}  // namespace

StatusOr<std::vector<Example>> BuildExamples(const std::vector<Document>& docs,
                                             const text::TextEncoder& tokenizer,
                                             const LabelSet& labels, const std::string& type,
                                             int max_seq_len, ExampleStats* stats) {
  ExampleStats local;
  if (!stats) stats = &local;
  std::vector<char> prefixes = {'B', 'I'};
  if (labels.scheme() == LabelScheme::kBIOES) prefixes = {'B', 'I', 'E', 'S'};
  for (char prefix : prefixes) {
    if (labels.Find(prefix, type) < 0) {
      return InvalidArgument(std::string("the label set has no ") + prefix + "-" + type + " label");
    }
  }
  if (labels.outside_id() < 0) return InvalidArgument("the label set has no O label");
  std::vector<Example> out;
  for (const Document& doc : docs) {
    ++stats->documents;
    std::vector<Entity> entities;
    for (const Entity& e : doc.entities()) {
      if (e.type == type) entities.push_back(e);
    }
    stats->entities += static_cast<long>(entities.size());
    // Sorted by start, longer first, so that an overlap keeps the outermost entity.
    std::sort(entities.begin(), entities.end(), [](const Entity& a, const Entity& b) {
      return a.start != b.start ? a.start < b.start : a.end > b.end;
    });
    ASSIGN_OR_RETURN(PreparedDocument prepared, PrepareDocument(doc, tokenizer, WindowOptions{max_seq_len, -1}));
    size_t input = 0;
    for (const PreparedPassage& p : prepared.passages) {
      const size_t len = utf8::Length(doc.passages()[p.passage].text);
      const std::vector<int32_t> word_labels = WordLabels(entities, p, len, labels, type, stats);
      const auto& word_ids = p.encoding.word_ids;
      for (const Window& w : p.windows) {
        Example ex;
        ex.input_ids = prepared.inputs.at(input++);
        ex.labels.assign(ex.input_ids.size(), kIgnoreLabel);
        for (int t = w.begin; t < w.end; ++t) {
          const bool first_piece = t == 0 || word_ids[t - 1] != word_ids[t];
          if (!first_piece) continue;
          ex.labels[t - w.begin + 1] = word_labels[word_ids[t]];
          ++stats->labelled_tokens;
        }
        ++stats->windows;
        stats->tokens += static_cast<long>(ex.input_ids.size());
        out.push_back(std::move(ex));
      }
    }
  }
  return out;
}

}  // namespace bioner::train
