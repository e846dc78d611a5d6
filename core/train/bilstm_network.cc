// The BiLSTM-CRF tagger as a TaggerNetwork (network.h): word vectors from a `bioner-trainer
// embed` table, character and casing features, trained with the CRF's negative
// log-likelihood over the words of each window.
#include <algorithm>
#include <filesystem>
#include <map>

#include <torch/torch.h>

#include "core/model/word_tagger.h"
#include "core/train/network.h"
#include "core/train/torch_guard.h"
#include "core/train/work_state.h"
#include "core/util/file.h"
#include "core/util/utf8.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;
using model_internal::WordTagger;

// The characters of the training texts, most frequent first (ties by code point): the
// character vocabulary. Whitespace never reaches a word, so it is left out.
std::vector<std::string> CharVocabulary(const std::vector<Document>& docs) {
  std::map<char32_t, long> counts;
  for (const Document& d : docs) {
    for (const Passage& p : d.passages()) {
      for (char32_t c : utf8::Decode(p.text)) {
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r') ++counts[c];
      }
    }
  }
  std::vector<std::pair<char32_t, long>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<std::string> out;
  for (const auto& [c, n] : sorted) out.push_back(utf8::Encode(std::u32string(1, c)));
  return out;
}

class BiLstmNetwork final : public TaggerNetwork {
 public:
  BiLstmNetwork(WordTagger tagger, std::string table_dir, c10::Device device)
      : t_(std::move(tagger)), table_dir_(std::move(table_dir)), device_(device) {}

  torch::nn::Module& module() override { return *t_.model; }
  std::shared_ptr<const text::TextEncoder> encoder() const override { return t_.encoder; }
  const LabelSet& labels() const override { return t_.labels; }
  int max_seq_len() const override { return t_.config.max_seq_len; }

  torch::Tensor SummedLoss(const TensorBatch& batch, bool /*autocast*/) override {
    return SequenceLosses(batch).sum();
  }
  torch::Tensor RowLosses(const TensorBatch& batch) override {
    return SequenceLosses(batch).detach().to(torch::kCPU).to(torch::kDouble);
  }
  torch::Tensor Scores(const TensorBatch& batch) override {
    return model_internal::ViterbiScores(t_, batch.ids, batch.mask);
  }

  Status SaveFolder(const std::string& dir, DType dtype) override {
    return model_internal::SaveWordTagger(t_, dir, dtype);
  }

  StatusOr<std::unique_ptr<TaggerNetwork>> LoadFolder(const std::string& dir,
                                                      const c10::Device& device) const override {
    ASSIGN_OR_RETURN(WordTagger t, model_internal::LoadWordTagger(dir, {table_dir_}, device));
    return std::unique_ptr<TaggerNetwork>(new BiLstmNetwork(std::move(t), table_dir_, device));
  }

  // A published version finds its table in MODEL_REPO/.embeddings/<sha256> (word_tagger.h).
  Status InstallShared(const std::string& model_repository) override {
    const fs::path store = fs::path(model_repository) / ".embeddings";
    const fs::path final_dir = store / t_.config.embedding_sha256;
    std::error_code ec;
    if (fs::is_directory(final_dir, ec)) return Status::Ok();
    fs::create_directories(store, ec);
    if (ec) return Unavailable(store.string() + ": cannot create: " + ec.message());
    const std::string tmp = TempDir(store.string(), "table");
    fs::remove_all(tmp, ec);
    fs::copy(table_dir_, tmp, fs::copy_options::recursive, ec);
    if (ec) return Unavailable("copying the embedding table " + table_dir_ + " to " + tmp + ": " + ec.message());
    return Publish(tmp, final_dir.string(), PublishMode::kReplace);
  }

 private:
  // CRF negative log-likelihood of each window's word labels, [B].
  torch::Tensor SequenceLosses(const TensorBatch& batch) {
    model_internal::UnpackedBatch u = model_internal::Unpack(t_, batch.ids, batch.mask, device_);
    // The label of each word sits at its word token; a word cut off by the window start has
    // none and is not in the batch.
    torch::Tensor positions = u.word_positions.clamp_min(0).to(device_);
    torch::Tensor tags = batch.labels.gather(1, positions);
    tags = tags.masked_fill(tags == kIgnoreLabel, t_.labels.outside_id());
    return t_.model->Loss(u.input, WellFormed(tags, u.input.mask).to(device_));
  }

  // A window can cut an entity: its first word is then I-X (and under BIOES its last may be
  // B-X or I-X), a path the constrained CRF gives no probability, so the loss would be
  // infinite. Within the window such a word begins (or ends) the entity: decode each row's
  // labels into spans and encode them again in the scheme, as the window sees them.
  torch::Tensor WellFormed(const torch::Tensor& tags_in, const torch::Tensor& mask_in) const {
    const torch::Tensor tags = tags_in.to(torch::kCPU).contiguous();
    const torch::Tensor mask = mask_in.to(torch::kCPU).contiguous();
    torch::Tensor out = tags.clone();
    auto t = tags.accessor<int64_t, 2>();
    auto m = mask.accessor<bool, 2>();
    auto o = out.accessor<int64_t, 2>();
    for (int64_t b = 0; b < tags.size(0); ++b) {
      std::vector<int> ids;
      for (int64_t w = 0; w < tags.size(1) && m[b][w]; ++w) ids.push_back(static_cast<int>(t[b][w]));
      const std::vector<std::string> names =
          EncodeSpans(DecodeSpans(t_.labels, ids), static_cast<int>(ids.size()), t_.labels.scheme());
      for (size_t w = 0; w < names.size(); ++w) {
        const std::string& n = names[w];
        o[b][static_cast<int64_t>(w)] = n == "O" ? t_.labels.outside_id() : t_.labels.Find(n[0], n.substr(2));
      }
    }
    return out;
  }

  WordTagger t_;
  std::string table_dir_;
  c10::Device device_;
};

}  // namespace

StatusOr<std::unique_ptr<TaggerNetwork>> BuildBiLstmNetwork(const TrainConfig& c,
                                                            const std::vector<Document>& train_docs,
                                                            const c10::Device& device) {
  const LabelSet labels =
      LabelSet::ForTypes({c.entity_type}, c.scheme == "BIOES" ? LabelScheme::kBIOES : LabelScheme::kBIO);
  model_internal::WordTaggerConfig config;
  config.labels = labels.names();
  config.chars = CharVocabulary(train_docs);
  config.options.train_word_embeddings = c.train_embeddings;
  config.options.char_dim = c.char_dim;
  config.options.char_filters = c.char_filters;
  config.options.char_kernel = c.char_kernel;
  config.options.char_encoder =
      c.char_encoder == "lstm" ? model_internal::CharEncoder::kLstm : model_internal::CharEncoder::kCnn;
  config.options.casing_dim = c.casing_dim;
  config.options.hidden_size = c.lstm_hidden;
  config.options.num_layers = c.lstm_layers;
  config.options.dropout = c.dropout.value_or(0.5);
  config.max_chars_per_word = c.max_chars_per_word;
  config.max_seq_len = c.max_seq_len;
  StatusOr<WordTagger> tagger = Internal("the BiLSTM-CRF was not built");
  RETURN_IF_ERROR(GuardTorch(c.embeddings, [&] {
    torch::manual_seed(c.seed);  // the initial weights depend on the seed only
    tagger = model_internal::CreateWordTagger(c.embeddings, config, device);
    return Status::Ok();
  }));
  if (!tagger.ok()) return tagger.status().WithContext("key 'embeddings'");
  return std::unique_ptr<TaggerNetwork>(new BiLstmNetwork(std::move(tagger).value(), c.embeddings, device));
}

}  // namespace bioner::train
