#include "core/model/word_tagger.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/model/embedding_table.h"
#include "core/model/torch_runtime.h"
#include "core/model/word_tagger_model.h"
#include "core/util/file.h"

namespace bioner::model_internal {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr char kWordWeights[] = "word_embeddings.weight";

Json OptionsJson(const BiLstmCrfOptions& o) {
  return {{"train_word_embeddings", o.train_word_embeddings}, {"num_chars", o.num_chars},
          {"char_dim", o.char_dim}, {"char_encoder", o.char_encoder == CharEncoder::kLstm ? "lstm" : "cnn"},
          {"char_filters", o.char_filters}, {"char_kernel", o.char_kernel},
          {"casing_dim", o.casing_dim}, {"hidden_size", o.hidden_size}, {"num_layers", o.num_layers},
          {"dropout", o.dropout}};
}

StatusOr<WordTaggerConfig> ParseConfig(const std::string& dir) {
  const std::string path = (fs::path(dir) / "config.json").string();
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  WordTaggerConfig c;
  try {
    const Json j = Json::parse(text);
    const Json& archs = j.at("architectures");
    if (!archs.is_array() || archs.empty() || archs[0] != kBiLstmCrfArchitecture) {
      return InvalidArgument(path + ": architectures is not [\"" + std::string(kBiLstmCrfArchitecture) + "\"]");
    }
    std::map<int, std::string> by_id;
    for (auto it = j.at("id2label").begin(); it != j.at("id2label").end(); ++it) {
      by_id[std::stoi(it.key())] = it.value().get<std::string>();
    }
    for (const auto& [id, name] : by_id) {
      if (id != static_cast<int>(c.labels.size())) return InvalidArgument(path + ": id2label ids are not 0..L-1");
      c.labels.push_back(name);
    }
    const Json& e = j.at("embedding");
    c.embedding_sha256 = e.at("sha256").get<std::string>();
    c.embedding_rows = e.at("rows").get<int64_t>();
    c.embedding_dim = e.at("dim").get<int64_t>();
    const Json& o = j.at("bilstm_crf");
    c.options.train_word_embeddings = o.at("train_word_embeddings").get<bool>();
    c.options.num_chars = o.at("num_chars").get<int64_t>();
    c.options.char_dim = o.at("char_dim").get<int64_t>();
    c.options.char_filters = o.at("char_filters").get<int64_t>();
    c.options.char_kernel = o.at("char_kernel").get<int64_t>();
    // Absent in the first models, which all used the CNN.
    const std::string encoder = o.value("char_encoder", "cnn");
    if (encoder != "cnn" && encoder != "lstm") {
      return InvalidArgument(path + ": bilstm_crf.char_encoder is '" + encoder + "', not cnn or lstm");
    }
    c.options.char_encoder = encoder == "lstm" ? CharEncoder::kLstm : CharEncoder::kCnn;
    c.options.casing_dim = o.at("casing_dim").get<int64_t>();
    c.options.hidden_size = o.at("hidden_size").get<int64_t>();
    c.options.num_layers = o.at("num_layers").get<int64_t>();
    c.options.dropout = o.at("dropout").get<double>();
    c.max_chars_per_word = j.at("max_chars_per_word").get<int>();
    c.max_seq_len = j.at("max_seq_len").get<int>();
  } catch (const std::exception& ex) {
    return InvalidArgument(path + ": not a BiLSTM-CRF config: " + ex.what());
  }
  ASSIGN_OR_RETURN(std::string chars, ReadFile((fs::path(dir) / "chars.txt").string()));
  std::istringstream lines(chars);
  for (std::string line; std::getline(lines, line);) c.chars.push_back(line);
  if (c.options.char_dim > 0 && c.options.num_chars != static_cast<int64_t>(c.chars.size()) + 2) {
    return DataLoss(dir + ": chars.txt has " + std::to_string(c.chars.size()) + " characters, config.json expects " +
                    std::to_string(c.options.num_chars - 2));
  }
  return c;
}

// The table named by `sha256`: a search folder that is itself a table with that hash, or a
// store holding it as <folder>/<sha256>.
StatusOr<EmbeddingTable> FindTable(const std::string& sha256, const std::vector<std::string>& search) {
  std::string looked;
  for (const std::string& root : search) {
    std::error_code ec;
    if (fs::is_regular_file(fs::path(root) / "embedding.json", ec)) {
      ASSIGN_OR_RETURN(EmbeddingTable table, EmbeddingTable::Load(root));
      if (table.sha256() == sha256) return table;
      looked += (looked.empty() ? "" : ", ") + root;
      continue;
    }
    const std::string dir = (fs::path(root) / sha256).string();
    if (!fs::is_directory(dir, ec)) {
      looked += (looked.empty() ? "" : ", ") + dir;
      continue;
    }
    ASSIGN_OR_RETURN(EmbeddingTable table, EmbeddingTable::Load(dir));
    if (table.sha256() != sha256) {
      return DataLoss(dir + ": the embedding table's content hash is " + table.sha256() + ", not " + sha256);
    }
    return table;
  }
  return NotFound("the embedding table " + sha256 + " the model was trained with is not in " + looked +
                  " (copy the table folder `bioner-trainer embed` wrote there, named by its hash)");
}

// The table as an F32 tensor (the network computes in F32 whatever the table stores).
torch::Tensor TableTensor(const EmbeddingTable& table) {
  const bool half = table.dtype() == DType::kF16;
  torch::Tensor t = torch::empty({table.size(), table.dim()}, half ? torch::kHalf : torch::kFloat);
  std::memcpy(t.data_ptr(), table.matrix_bytes().data(), table.matrix_bytes().size());
  return half ? t.to(torch::kFloat) : t;
}

}  // namespace

struct SharedWordVectors {
  torch::Tensor matrix;  // [rows, dim] F32, never written (frozen)
};

namespace {

// The process's one tensor of `table`, made on first use and freed with the last model that
// holds it (the registry keeps only weak references, so hot reloads to a new table let the
// old one go).
std::shared_ptr<const SharedWordVectors> SharedVectorsOf(const EmbeddingTable& table) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<const SharedWordVectors>>* registry =
      new std::map<std::string, std::weak_ptr<const SharedWordVectors>>();  // never destroyed: used at exit
  std::lock_guard<std::mutex> lock(mu);
  std::weak_ptr<const SharedWordVectors>& slot = (*registry)[table.sha256()];
  if (auto alive = slot.lock()) return alive;
  auto made = std::make_shared<const SharedWordVectors>(SharedWordVectors{TableTensor(table)});
  slot = made;
  return made;
}

StatusOr<WordTagger> Assemble(WordTaggerConfig config, const EmbeddingTable& table, const c10::Device& device) {
  WordTagger t;
  ASSIGN_OR_RETURN(t.labels, LabelSet::Create(config.labels));
  text::WordCharEncoder::Options eo;
  eo.max_chars_per_word = config.max_chars_per_word;
  ASSIGN_OR_RETURN(text::WordCharEncoder enc, text::WordCharEncoder::Create(table.words(), config.chars, eo));
  t.encoder = std::make_shared<const text::WordCharEncoder>(std::move(enc));
  config.embedding_sha256 = table.sha256();
  config.embedding_rows = table.size();
  config.embedding_dim = table.dim();
  // Character ids: 0 padding, 1 the unknown character, 2.. the vocabulary (Unpack).
  if (config.options.char_dim == 0) config.chars.clear();
  config.options.num_chars = config.options.char_dim > 0 ? static_cast<int64_t>(config.chars.size()) + 2 : 0;
  try {
    torch::Tensor vectors;
    if (!config.options.train_word_embeddings && device.is_cpu()) {
      t.shared_vectors = SharedVectorsOf(table);
      vectors = t.shared_vectors->matrix;
    } else {
      vectors = TableTensor(table);
    }
    t.model = BiLstmCrf(vectors, t.labels, config.options);
    t.model->to(device);
  } catch (const std::exception& e) {
    return Internal("building the BiLSTM-CRF: " + std::string(e.what()));
  }
  t.config = std::move(config);
  return t;
}

}  // namespace

bool IsWordTaggerFolder(const std::string& dir) {
  auto text = ReadFile((fs::path(dir) / "config.json").string());
  if (!text.ok()) return false;
  const Json j = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.contains("architectures") && j["architectures"].is_array() &&
         !j["architectures"].empty() && j["architectures"][0] == kBiLstmCrfArchitecture;
}

StatusOr<WordTagger> CreateWordTagger(const std::string& table_dir, WordTaggerConfig config,
                                      const c10::Device& device) {
  ASSIGN_OR_RETURN(EmbeddingTable table, EmbeddingTable::Load(table_dir));
  return Assemble(std::move(config), table, device);
}

StatusOr<WordTagger> LoadWordTagger(const std::string& dir, const std::vector<std::string>& embedding_dirs,
                                    const c10::Device& device) {
  ASSIGN_OR_RETURN(WordTaggerConfig config, ParseConfig(dir));
  std::vector<std::string> search = embedding_dirs;
  search.push_back((fs::path(dir).parent_path().parent_path() / ".embeddings").string());
  ASSIGN_OR_RETURN(EmbeddingTable table, FindTable(config.embedding_sha256, search));
  ASSIGN_OR_RETURN(WordTagger t, Assemble(config, table, c10::Device(c10::kCPU)));
  const std::string weights = (fs::path(dir) / "model.safetensors").string();
  ASSIGN_OR_RETURN(SafetensorsFile file, SafetensorsFile::Open(weights));
  try {
    torch::NoGradGuard no_grad;
    size_t used = 0;
    for (auto& p : t.model->named_parameters()) {
      const TensorView* v = file.Find(p.key());
      if (v == nullptr) {
        if (p.key() == kWordWeights && !config.options.train_word_embeddings) continue;  // the table's
        return DataLoss(weights + ": tensor '" + p.key() + "' is missing");
      }
      ++used;
      if (v->shape != p.value().sizes().vec()) {
        return DataLoss(weights + ": tensor '" + p.key() + "' has shape " + ShapeToString(v->shape) + ", expected " +
                        ShapeToString(p.value().sizes().vec()));
      }
      torch::Tensor src;
      if (v->dtype == DType::kF32) {
        src = torch::empty(p.value().sizes(), torch::kFloat);
      } else if (v->dtype == DType::kF16) {
        src = torch::empty(p.value().sizes(), torch::kHalf);
      } else {
        return InvalidArgument(weights + ": tensor '" + p.key() + "' is " + DTypeName(v->dtype) + ", not F32 or F16");
      }
      std::memcpy(src.data_ptr(), v->data, v->nbytes);
      p.value().copy_(src.to(torch::kFloat));
    }
    if (used != file.tensors().size()) return DataLoss(weights + ": holds tensors the BiLSTM-CRF does not have");
    t.model->to(device);
    t.model->eval();
  } catch (const std::exception& e) {
    return Internal(weights + ": LibTorch failed while loading: " + e.what());
  }
  return t;
}

Status SaveWordTagger(const WordTagger& t, const std::string& dir, DType dtype) {
  if (dtype != DType::kF32 && dtype != DType::kF16) {
    return InvalidArgument(dir + ": weights can be saved as F32 or F16, not " + DTypeName(dtype));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Unavailable(dir + ": cannot create folder: " + ec.message());
  std::vector<torch::Tensor> keep;
  std::vector<TensorToWrite> tensors;
  try {
    torch::NoGradGuard no_grad;
    for (const auto& p : t.model->named_parameters()) {
      if (p.key() == kWordWeights && !t.config.options.train_word_embeddings) continue;
      keep.push_back(p.value().detach().to(torch::kCPU, dtype == DType::kF16 ? torch::kHalf : torch::kFloat).contiguous());
      tensors.push_back({p.key(), dtype, keep.back().sizes().vec(),
                         std::string_view(static_cast<const char*>(keep.back().data_ptr()), keep.back().nbytes())});
    }
  } catch (const std::exception& e) {
    return Internal(dir + ": LibTorch failed while saving: " + e.what());
  }
  std::sort(tensors.begin(), tensors.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  RETURN_IF_ERROR(WriteSafetensors((fs::path(dir) / "model.safetensors").string(), tensors, {{"format", "pt"}}));
  Json id2label = Json::object(), label2id = Json::object();
  for (size_t i = 0; i < t.config.labels.size(); ++i) {
    id2label[std::to_string(i)] = t.config.labels[i];
    label2id[t.config.labels[i]] = i;
  }
  const Json config = {
      {"architectures", {kBiLstmCrfArchitecture}}, {"model_type", "bilstm_crf"},
      {"id2label", id2label}, {"label2id", label2id},
      {"embedding", {{"sha256", t.config.embedding_sha256}, {"rows", t.config.embedding_rows},
                     {"dim", t.config.embedding_dim}}},
      {"bilstm_crf", OptionsJson(t.config.options)},
      {"max_chars_per_word", t.config.max_chars_per_word}, {"max_seq_len", t.config.max_seq_len}};
  std::string chars;
  for (const std::string& c : t.config.chars) chars += c + "\n";
  RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "chars.txt").string(), chars));
  return WriteFileAtomic((fs::path(dir) / "config.json").string(), config.dump(2) + "\n");
}

UnpackedBatch Unpack(const WordTagger& t, const torch::Tensor& ids_in, const torch::Tensor& mask_in,
                     const c10::Device& device) {
  const text::WordCharEncoder& enc = *t.encoder;
  const torch::Tensor ids = ids_in.to(torch::kCPU, torch::kLong).contiguous();
  const torch::Tensor mask = mask_in.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t b = ids.size(0), n = ids.size(1);
  auto id = ids.accessor<int64_t, 2>();
  auto m = mask.accessor<int64_t, 2>();
  struct Word {
    int64_t position, row;
    std::vector<int64_t> chars;  // BiLSTM char ids (index + 1; 1 = unknown character)
    std::string spelling;        // for the casing class
  };
  std::vector<std::vector<Word>> rows(static_cast<size_t>(b));
  int64_t max_words = 0, max_chars = 0;
  for (int64_t i = 0; i < b; ++i) {
    auto& words = rows[static_cast<size_t>(i)];
    for (int64_t p = 0; p < n && m[i][p]; ++p) {
      const auto k = static_cast<int32_t>(id[i][p]);
      if (enc.IsWordId(k)) {
        if (k == text::WordCharEncoder::kCls || k == text::WordCharEncoder::kSep || k == text::WordCharEncoder::kPad) {
          continue;
        }
        words.push_back({p, k >= text::WordCharEncoder::kNumSpecial ? k - text::WordCharEncoder::kNumSpecial : 0, {}, {}});
      } else if (!words.empty()) {  // characters before the first word belong to a word cut by the window
        const int32_t c = enc.CharIndex(k);
        words.back().chars.push_back(c + 1);
        words.back().spelling += c > 0 ? enc.chars()[static_cast<size_t>(c - 1)] : "?";
        max_chars = std::max<int64_t>(max_chars, static_cast<int64_t>(words.back().chars.size()));
      }
    }
    max_words = std::max<int64_t>(max_words, static_cast<int64_t>(words.size()));
  }
  torch::Tensor word_ids = torch::zeros({b, max_words}, torch::kLong);
  torch::Tensor char_ids = torch::zeros({b, max_words, std::max<int64_t>(max_chars, 1)}, torch::kLong);
  torch::Tensor casing = torch::zeros({b, max_words}, torch::kLong);
  torch::Tensor word_mask = torch::zeros({b, max_words}, torch::kBool);
  torch::Tensor positions = torch::full({b, max_words}, -1, torch::kLong);
  auto w_a = word_ids.accessor<int64_t, 2>();
  auto c_a = char_ids.accessor<int64_t, 3>();
  auto k_a = casing.accessor<int64_t, 2>();
  auto m_a = word_mask.accessor<bool, 2>();
  auto p_a = positions.accessor<int64_t, 2>();
  for (int64_t i = 0; i < b; ++i) {
    const auto& words = rows[static_cast<size_t>(i)];
    for (size_t w = 0; w < words.size(); ++w) {
      const auto wi = static_cast<int64_t>(w);
      w_a[i][wi] = words[w].row;
      for (size_t c = 0; c < words[w].chars.size(); ++c) c_a[i][wi][static_cast<int64_t>(c)] = words[w].chars[c];
      k_a[i][wi] = CasingOf(words[w].spelling);
      m_a[i][wi] = true;
      p_a[i][wi] = words[w].position;
    }
  }
  UnpackedBatch out;
  out.input.word_ids = word_ids.to(device);
  out.input.char_ids = char_ids.to(device);
  out.input.casing_ids = casing.to(device);
  out.input.mask = word_mask.to(device);
  out.word_positions = positions;
  return out;
}

torch::Tensor ViterbiScores(WordTagger& t, const torch::Tensor& ids, const torch::Tensor& mask) {
  torch::NoGradGuard no_grad;
  t.model->eval();
  const c10::Device device = t.model->word_embeddings.device();
  UnpackedBatch u = Unpack(t, ids, mask, device);
  const int64_t labels = t.model->crf->num_labels();
  torch::Tensor out = torch::zeros({ids.size(0), ids.size(1), labels}, torch::kFloat);
  if (u.input.mask.size(1) == 0) return out;
  const torch::Tensor emissions = t.model->forward(u.input).detach();
  const std::vector<std::vector<int64_t>> paths = t.model->crf->Viterbi(emissions, u.input.mask);
  // Marginals p(y_w = k | x) are the gradient of log Z with respect to the emissions.
  torch::Tensor marginals;
  {
    torch::AutoGradMode grad(true);
    torch::Tensor e = emissions.clone().requires_grad_(true);
    torch::Tensor z = t.model->crf->LogPartition(e, u.input.mask).sum();
    marginals = torch::autograd::grad({z}, {e})[0].to(torch::kCPU, torch::kFloat).contiguous();
  }
  auto marg = marginals.accessor<float, 3>();
  auto pos = u.word_positions.accessor<int64_t, 2>();
  auto o = out.accessor<float, 3>();
  const auto id = ids.to(torch::kCPU, torch::kLong).contiguous();
  auto id_a = id.accessor<int64_t, 2>();
  const auto m = mask.to(torch::kCPU, torch::kLong).contiguous();
  auto m_a = m.accessor<int64_t, 2>();
  for (size_t i = 0; i < paths.size(); ++i) {
    const auto bi = static_cast<int64_t>(i);
    for (size_t w = 0; w < paths[i].size(); ++w) {
      const auto wi = static_cast<int64_t>(w);
      const int64_t best = paths[i][w];
      // The Viterbi label must stay the arg-max: its probability is at least 1/L (plus a margin).
      const double floor = 1.0 / static_cast<double>(labels) + 1e-3;
      const double p = std::clamp(static_cast<double>(marg[bi][wi][best]), std::min(floor, 1.0 - 1e-6), 1.0 - 1e-6);
      const double rest = labels > 1 ? (1.0 - p) / static_cast<double>(labels - 1) : 0.0;
      const int64_t first = pos[bi][wi];
      const int64_t last = w + 1 < paths[i].size() ? pos[bi][wi + 1] : ids.size(1);
      for (int64_t q = first; q < last && m_a[bi][q]; ++q) {
        if (q > first && t.encoder->IsWordId(static_cast<int32_t>(id_a[bi][q]))) break;  // [SEP]
        for (int64_t k = 0; k < labels; ++k) o[bi][q][k] = static_cast<float>(std::log(k == best ? p : rest));
      }
    }
  }
  return out;
}

namespace {

class WordTaggerWindowModel final : public WindowModel {
 public:
  explicit WordTaggerWindowModel(std::shared_ptr<WordTagger> t) : t_(std::move(t)) {}
  const LabelSet& labels() const override { return t_->labels; }
  int max_seq_len() const override { return t_->config.max_seq_len; }
  StatusOr<std::vector<std::vector<float>>> Run(const std::vector<std::vector<int32_t>>& inputs) override {
    std::vector<std::vector<float>> out(inputs.size());
    if (inputs.empty()) return out;
    size_t longest = 0;
    for (const auto& in : inputs) longest = std::max(longest, in.size());
    const int32_t vocab = t_->encoder->num_ids();
    torch::Tensor ids = torch::zeros({static_cast<int64_t>(inputs.size()), static_cast<int64_t>(longest)}, torch::kLong);
    torch::Tensor mask = torch::zeros_like(ids);
    auto id = ids.accessor<int64_t, 2>();
    auto m = mask.accessor<int64_t, 2>();
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].size() > static_cast<size_t>(max_seq_len())) {
        return InvalidArgument("input " + std::to_string(i) + " has " + std::to_string(inputs[i].size()) +
                               " tokens, more than max_seq_len " + std::to_string(max_seq_len()));
      }
      for (size_t p = 0; p < inputs[i].size(); ++p) {
        if (inputs[i][p] < 0 || inputs[i][p] >= vocab) {
          return InvalidArgument("input " + std::to_string(i) + " position " + std::to_string(p) + ": token id " +
                                 std::to_string(inputs[i][p]) + " outside [0, " + std::to_string(vocab) + ")");
        }
        id[static_cast<int64_t>(i)][static_cast<int64_t>(p)] = inputs[i][p];
        m[static_cast<int64_t>(i)][static_cast<int64_t>(p)] = 1;
      }
    }
    try {
      const torch::Tensor scores = ViterbiScores(*t_, ids, mask);
      const int64_t l = scores.size(1), k = scores.size(2);
      const float* base = scores.data_ptr<float>();
      for (size_t i = 0; i < inputs.size(); ++i) {
        const float* row = base + static_cast<int64_t>(i) * l * k;
        out[i].assign(row, row + static_cast<int64_t>(inputs[i].size()) * k);
      }
    } catch (const std::exception& e) {
      return Internal(std::string("BiLSTM-CRF forward: ") + e.what());
    }
    return out;
  }

 private:
  std::shared_ptr<WordTagger> t_;
};

}  // namespace

std::unique_ptr<WindowModel> MakeWordTaggerWindowModel(std::shared_ptr<WordTagger> tagger) {
  return std::make_unique<WordTaggerWindowModel>(std::move(tagger));
}

}  // namespace bioner::model_internal

namespace bioner {

bool IsWordTaggerModelDir(const std::string& dir) { return model_internal::IsWordTaggerFolder(dir); }

StatusOr<LoadedWordTagger> LoadWordTaggerModel(const std::string& dir, const LoadOptions& options) {
  ASSIGN_OR_RETURN(c10::Device device, model_internal::ParseDevice(options.device));
  RETURN_IF_ERROR(model_internal::ConfigureThreads(options.num_threads));
  ASSIGN_OR_RETURN(model_internal::WordTagger t, model_internal::LoadWordTagger(dir, {}, device));
  auto tagger = std::make_shared<model_internal::WordTagger>(std::move(t));
  LoadedWordTagger out;
  out.encoder = tagger->encoder;
  out.model = model_internal::MakeWordTaggerWindowModel(tagger);
  return out;
}

Status CreateRandomWordTagger(const std::string& table_dir, const std::string& type,
                              const std::vector<std::string>& chars, const std::string& dir, uint64_t seed) {
  model_internal::WordTaggerConfig config;
  config.labels = LabelSet::ForTypes({type}, LabelScheme::kBIO).names();
  config.chars = chars;
  config.options.char_dim = 8;
  config.options.char_filters = 8;
  config.options.casing_dim = 4;
  config.options.hidden_size = 16;
  config.options.dropout = 0.1;
  try {
    torch::manual_seed(seed);
  } catch (const std::exception& e) {
    return Internal(std::string("seeding LibTorch: ") + e.what());
  }
  ASSIGN_OR_RETURN(model_internal::WordTagger t,
                   model_internal::CreateWordTagger(table_dir, std::move(config), c10::Device(c10::kCPU)));
  {
    // The CRF starts at zero transitions; give it random ones so that tests see real paths.
    torch::NoGradGuard no_grad;
    t.model->crf->transitions.normal_(0, 1);
  }
  return model_internal::SaveWordTagger(t, dir, DType::kF32);
}

}  // namespace bioner
