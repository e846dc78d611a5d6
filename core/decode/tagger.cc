#include "core/decode/tagger.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <numeric>
#include <tuple>

#include "core/decode/batch_plan.h"
#include "core/text/vocab.h"
#include "core/util/utf8.h"

namespace bioner {

size_t PreparedDocument::num_tokens() const {
  size_t n = 0;
  for (const auto& in : inputs) n += in.size();
  return n;
}

StatusOr<PreparedDocument> PrepareDocument(const Document& doc, const text::TextEncoder& tokenizer,
                                           const WindowOptions& options) {
  const int content = options.max_seq_len - 2;  // room for [CLS] and [SEP]
  if (content < 1) {
    return InvalidArgument("max_seq_len " + std::to_string(options.max_seq_len) +
                           " leaves no room for tokens besides [CLS] and [SEP]");
  }
  const int overlap = options.overlap < 0 ? content / 4 : options.overlap;
  const int32_t cls = tokenizer.cls_id(), sep = tokenizer.sep_id();
  if (cls == text::Vocab::kAbsent || sep == text::Vocab::kAbsent) {
    return FailedPrecondition("the vocabulary has no [CLS] or [SEP] token, needed for model inputs");
  }
  PreparedDocument prepared;
  for (size_t i = 0; i < doc.passages().size(); ++i) {
    const Passage& p = doc.passages()[i];
    if (p.text.empty()) continue;
    auto enc = tokenizer.Encode(p.text);
    if (!enc.ok()) {
      return enc.status().WithContext("document '" + doc.id() + "' passage " + std::to_string(i));
    }
    if (enc->ids.empty()) continue;
    ASSIGN_OR_RETURN(std::vector<Window> windows,
                     MakeWindows(static_cast<int>(enc->ids.size()), content, overlap));
    for (const Window& w : windows) {
      std::vector<int32_t> input;
      input.reserve(w.end - w.begin + 2);
      input.push_back(cls);
      input.insert(input.end(), enc->ids.begin() + w.begin, enc->ids.begin() + w.end);
      input.push_back(sep);
      prepared.inputs.push_back(std::move(input));
    }
    prepared.passages.push_back({i, p.offset, std::move(enc).value(), std::move(windows)});
  }
  return prepared;
}

namespace {

// Index and softmax probability of the largest of `n` logits.
std::pair<int, float> ArgmaxProb(const float* row, int n) {
  const int best = static_cast<int>(std::max_element(row, row + n) - row);
  double sum = 0;
  for (int k = 0; k < n; ++k) sum += std::exp(static_cast<double>(row[k] - row[best]));
  return {best, static_cast<float>(1.0 / sum)};
}

}  // namespace

StatusOr<std::vector<Entity>> AssembleEntities(const Document& doc,
                                               const PreparedDocument& prepared,
                                               const LabelSet& labels,
                                               const std::vector<std::vector<float>>& logits,
                                               const std::string& model_version) {
  const int num_labels = labels.size();
  if (logits.size() != prepared.inputs.size()) {
    return Internal("document '" + doc.id() + "': " + std::to_string(logits.size()) +
                    " logit blocks for " + std::to_string(prepared.inputs.size()) + " windows");
  }
  for (size_t i = 0; i < logits.size(); ++i) {
    if (logits[i].size() != prepared.inputs[i].size() * num_labels) {
      return Internal("document '" + doc.id() + "': window " + std::to_string(i) + " has " +
                      std::to_string(logits[i].size()) + " logits, expected " +
                      std::to_string(prepared.inputs[i].size()) + " x " +
                      std::to_string(num_labels));
    }
  }
  std::vector<Entity> entities;
  size_t first_input = 0;
  for (const PreparedPassage& pp : prepared.passages) {
    const text::Encoding& enc = pp.encoding;
    const int n = static_cast<int>(enc.ids.size());
    const std::vector<int> owner = AssignTokensToWindows(pp.windows, n);

    // Each word's label and probability come from its first subword token.
    const auto& word_span = enc.words;
    std::vector<int> word_label(word_span.size(), labels.outside_id());
    std::vector<float> word_prob(word_span.size(), 0.0f);
    int last_word = -1;
    for (int t = 0; t < n; ++t) {
      if (enc.word_ids[t] == last_word) continue;
      last_word = enc.word_ids[t];
      const Window& w = pp.windows[owner[t]];
      const float* row = logits[first_input + owner[t]].data() +
                         static_cast<size_t>(t - w.begin + 1) * num_labels;  // +1: [CLS]
      std::tie(word_label[last_word], word_prob[last_word]) = ArgmaxProb(row, num_labels);
    }
    first_input += pp.windows.size();

    const std::string& text = doc.passages()[pp.passage].text;
    const std::vector<size_t> at = utf8::CodePointByteOffsets(text);
    for (const LabelSpan& s : DecodeSpans(labels, word_label)) {
      Entity e;
      const int begin_cp = word_span[s.start].first;
      const int end_cp = word_span[s.end - 1].second;
      e.start = pp.offset + begin_cp;
      e.end = pp.offset + end_cp;
      e.type = s.type;
      e.text = text.substr(at[begin_cp], at[end_cp] - at[begin_cp]);
      e.score = std::accumulate(word_prob.begin() + s.start, word_prob.begin() + s.end, 0.0f) /
                static_cast<float>(s.end - s.start);
      e.model_version = model_version;
      entities.push_back(std::move(e));
    }
  }
  return entities;
}

WindowOptions WindowOptionsFor(const WindowModel& model, int overlap) {
  return WindowOptions{std::min(model.max_seq_len(), 512), overlap};
}

Status TagDocuments(const std::vector<TaggingModel>& models, const TagOptions& options,
                    std::vector<Document>* docs) {
  // Documents are tokenized once per distinct tokenizer, not once per model.
  std::map<const text::TextEncoder*, std::vector<PreparedDocument>> prepared_by_tokenizer;
  for (const TaggingModel& m : models) {
    const WindowOptions wo = WindowOptionsFor(*m.model, options.overlap);
    auto& prepared = prepared_by_tokenizer[m.tokenizer.get()];
    if (prepared.empty() && !docs->empty()) {
      for (const Document& d : *docs) {
        ASSIGN_OR_RETURN(PreparedDocument p, PrepareDocument(d, *m.tokenizer, wo));
        prepared.push_back(std::move(p));
      }
    }
    // All windows of all documents in one length index (arrival number = position in
    // `refs`); each batch is planned from the longest window left, as the server plans from
    // its oldest.
    struct Ref { size_t doc, input; };
    std::vector<Ref> refs;
    LengthIndex index;
    for (size_t d = 0; d < prepared.size(); ++d) {
      for (size_t i = 0; i < prepared[d].inputs.size(); ++i) {
        const size_t len = prepared[d].inputs[i].size();
        if (static_cast<int>(len) > m.model->max_seq_len()) {
          return InvalidArgument("model " + m.version + " accepts " +
                                 std::to_string(m.model->max_seq_len()) +
                                 " tokens but the documents were windowed for a longer model");
        }
        index.emplace(len, refs.size());
        refs.push_back({d, i});
      }
    }
    std::vector<std::vector<std::vector<float>>> logits(prepared.size());
    for (size_t d = 0; d < prepared.size(); ++d) logits[d].resize(prepared[d].inputs.size());
    while (!index.empty()) {
      const BatchPlan plan = PlanBatch(index, std::prev(index.end()), options.max_batch_tokens,
                                       options.max_padding_percent);
      std::vector<Ref> picked;
      std::vector<std::vector<int32_t>> batch;
      for (const LengthIndex::const_iterator& w : plan.windows) {
        const Ref& r = refs[w->second];
        picked.push_back(r);
        batch.push_back(prepared[r.doc].inputs[r.input]);
      }
      for (const LengthIndex::const_iterator& w : plan.windows) index.erase(w);
      ASSIGN_OR_RETURN(auto out, m.model->Run(batch));
      if (out.size() != batch.size()) return Internal("model " + m.version + " returned a wrong batch size");
      for (size_t k = 0; k < picked.size(); ++k) {
        logits[picked[k].doc][picked[k].input] = std::move(out[k]);
      }
    }
    for (size_t d = 0; d < docs->size(); ++d) {
      ASSIGN_OR_RETURN(std::vector<Entity> entities,
                       AssembleEntities((*docs)[d], prepared[d], m.model->labels(), logits[d], m.version));
      RETURN_IF_ERROR((*docs)[d].AddEntities(std::move(entities)));
    }
  }
  return Status::Ok();
}

}  // namespace bioner
