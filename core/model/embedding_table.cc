#include "core/model/embedding_table.h"

#include <openssl/evp.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/model/half.h"
#include "core/util/file.h"
#include "core/util/utf8.h"

namespace bioner {
namespace {

namespace fs = std::filesystem;

constexpr char kVectorsFile[] = "vectors.safetensors";
constexpr char kWordsFile[] = "words.txt";
constexpr char kInfoFile[] = "embedding.json";
constexpr char kTensorName[] = "vectors";

static_assert(sizeof(float) == 4, "F32 rows are copied as float");

// SHA-256 (lower-case hex) of the concatenation of `parts`.
StatusOr<std::string> Sha256Of(std::initializer_list<std::string_view> parts) {
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return Internal("sha256: OpenSSL digest init failed");
  }
  for (std::string_view p : parts) EVP_DigestUpdate(ctx.get(), p.data(), p.size());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) return Internal("sha256: OpenSSL digest failed");
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 15];
  }
  return hex;
}

// The bytes fastText and words.txt treat as separators; a word never holds one.
bool HoldsSeparator(std::string_view w) {
  for (char c : w) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0') return true;
  }
  return false;
}

std::string WordsTxt(const std::vector<std::string>& words) {
  size_t n = 0;
  for (const auto& w : words) n += w.size() + 1;
  std::string out;
  out.reserve(n);
  for (const auto& w : words) {
    out += w;
    out += '\n';
  }
  return out;
}

}  // namespace

StatusOr<std::string> WriteEmbeddingTable(const std::string& dir, const EmbeddingTableData& d) {
  if (d.dim <= 0) return InvalidArgument("embedding table: dim must be > 0, got " + std::to_string(d.dim));
  if (d.words.empty() || d.words[0] != kEmbeddingUnknownWord) {
    return InvalidArgument(std::string("embedding table: row 0 must be ") + kEmbeddingUnknownWord);
  }
  if (d.vectors.size() != d.words.size() * static_cast<size_t>(d.dim)) {
    return InvalidArgument("embedding table: " + std::to_string(d.vectors.size()) + " values for " +
                           std::to_string(d.words.size()) + " words of dim " + std::to_string(d.dim));
  }
  for (int k = 0; k < d.dim; ++k) {
    if (d.vectors[k] != 0.0f) return InvalidArgument("embedding table: the <unk> row must be zeros");
  }
  std::unordered_map<std::string_view, int64_t> seen;
  for (size_t i = 0; i < d.words.size(); ++i) {
    const std::string& w = d.words[i];
    if (w.empty() || HoldsSeparator(w)) {
      return InvalidArgument("embedding table: word " + std::to_string(i) + " is empty or holds whitespace");
    }
    RETURN_IF_ERROR(utf8::Validate(w, "embedding table word " + std::to_string(i)));
    if (!seen.emplace(w, static_cast<int64_t>(i)).second) {
      return InvalidArgument("embedding table: duplicate word '" + w + "' (rows " + std::to_string(seen[w]) +
                             " and " + std::to_string(i) + ")");
    }
  }
  for (size_t i = 0; i < d.vectors.size(); ++i) {
    if (!std::isfinite(d.vectors[i])) {
      return InvalidArgument("embedding table: non-finite value in the row of '" + d.words[i / d.dim] + "'");
    }
  }
  if (d.dtype != DType::kF32 && d.dtype != DType::kF16) {
    return InvalidArgument(std::string("embedding table: vectors are stored as F32 or F16, not ") + DTypeName(d.dtype));
  }
  nlohmann::json training = nlohmann::json::parse(d.training_json, nullptr, /*allow_exceptions=*/false);
  if (!training.is_object()) return InvalidArgument("embedding table: training_json is not a JSON object");

  const std::string words_txt = WordsTxt(d.words);
  std::vector<uint16_t> halves;
  std::string_view bytes(reinterpret_cast<const char*>(d.vectors.data()), d.vectors.size() * sizeof(float));
  if (d.dtype == DType::kF16) {
    halves.reserve(d.vectors.size());
    for (float v : d.vectors) halves.push_back(FloatToHalf(v));
    for (size_t i = 0; i < halves.size(); ++i) {
      if ((halves[i] & 0x7c00u) == 0x7c00u) {
        return InvalidArgument("embedding table: a value in the row of '" + d.words[i / d.dim] +
                               "' is beyond F16's range (|x| > 65504); store the table as F32");
      }
    }
    bytes = std::string_view(reinterpret_cast<const char*>(halves.data()), halves.size() * sizeof(uint16_t));
  }
  ASSIGN_OR_RETURN(std::string vectors_file,
                   SerializeSafetensors({{kTensorName, d.dtype,
                                          {static_cast<int64_t>(d.words.size()), static_cast<int64_t>(d.dim)},
                                          bytes}},
                                        {{"format", kEmbeddingFormat}}));
  ASSIGN_OR_RETURN(std::string sha256, Sha256Of({words_txt, vectors_file}));
  const nlohmann::json info = {
      {"format", kEmbeddingFormat},
      {"version", kEmbeddingFormatVersion},
      {"dim", d.dim},
      {"dtype", DTypeName(d.dtype)},
      {"words", d.words.size()},
      {"lowercase", d.lowercase},
      {"unknown_word", kEmbeddingUnknownWord},
      {"unknown_row", 0},
      {"sha256", sha256},
      {"training", training},
  };
  const fs::path out(dir);
  RETURN_IF_ERROR(WriteFileAtomic((out / kWordsFile).string(), words_txt));
  RETURN_IF_ERROR(WriteFileAtomic((out / kVectorsFile).string(), vectors_file));
  RETURN_IF_ERROR(WriteFileAtomic((out / kInfoFile).string(), info.dump(2) + "\n"));
  return sha256;
}

StatusOr<EmbeddingTable> EmbeddingTable::Load(const std::string& dir) {
  const fs::path in(dir);
  const std::string info_path = (in / kInfoFile).string();
  const std::string words_path = (in / kWordsFile).string();
  const std::string vectors_path = (in / kVectorsFile).string();
  if (!fs::is_directory(in)) return NotFound(dir + ": not an embedding folder (no such directory)");

  EmbeddingTable t;
  ASSIGN_OR_RETURN(t.info_json_, ReadFile(info_path));
  const nlohmann::json info = nlohmann::json::parse(t.info_json_, nullptr, /*allow_exceptions=*/false);
  if (!info.is_object()) return DataLoss(info_path + ": not a JSON object");
  if (info.value("format", "") != kEmbeddingFormat) {
    return InvalidArgument(info_path + ": format is not '" + std::string(kEmbeddingFormat) + "'");
  }
  if (!info.contains("version") || !info["version"].is_number_integer() ||
      info["version"].get<int>() != kEmbeddingFormatVersion) {
    return InvalidArgument(info_path + ": unsupported version (this build reads " +
                           std::to_string(kEmbeddingFormatVersion) + ")");
  }
  for (const char* key : {"dim", "words"}) {
    if (!info.contains(key) || !info[key].is_number_unsigned()) {
      return DataLoss(info_path + ": '" + key + "' is not a non-negative integer");
    }
  }
  if (!info.contains("sha256") || !info["sha256"].is_string()) return DataLoss(info_path + ": no 'sha256'");
  if (info["dim"].get<uint64_t>() == 0 || info["dim"].get<uint64_t>() > 65536) {
    return DataLoss(info_path + ": 'dim' must be in [1, 65536]");
  }
  t.dim_ = info["dim"].get<int>();
  t.lowercase_ = info.value("lowercase", false);

  ASSIGN_OR_RETURN(MappedFile words_file, MappedFile::Open(words_path));
  ASSIGN_OR_RETURN(MappedFile vectors_bytes, MappedFile::Open(vectors_path));
  const std::string_view words_txt(words_file.data(), words_file.size());
  ASSIGN_OR_RETURN(t.sha256_, Sha256Of({words_txt, {vectors_bytes.data(), vectors_bytes.size()}}));
  if (t.sha256_ != info["sha256"].get<std::string>()) {
    return DataLoss(dir + ": content hash " + t.sha256_ + " of words.txt + vectors.safetensors does not match " +
                    info_path + " (" + info["sha256"].get<std::string>() + ")");
  }

  if (!words_txt.empty() && words_txt.back() != '\n') return DataLoss(words_path + ": last line has no '\\n'");
  for (size_t pos = 0; pos < words_txt.size();) {
    const size_t nl = words_txt.find('\n', pos);
    t.words_.emplace_back(words_txt.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (t.words_.size() != info["words"].get<size_t>()) {
    return DataLoss(words_path + ": " + std::to_string(t.words_.size()) + " lines, " + info_path + " says " +
                    std::to_string(info["words"].get<size_t>()));
  }
  if (t.words_.empty() || t.words_[0] != kEmbeddingUnknownWord) {
    return DataLoss(words_path + ": line 1 must be " + kEmbeddingUnknownWord);
  }
  t.index_.reserve(t.words_.size());
  for (size_t i = 0; i < t.words_.size(); ++i) {
    if (!t.index_.emplace(t.words_[i], static_cast<int64_t>(i)).second) {
      return DataLoss(words_path + ": duplicate word '" + t.words_[i] + "' on line " + std::to_string(i + 1));
    }
  }

  ASSIGN_OR_RETURN(t.file_, SafetensorsFile::Open(vectors_path));
  t.matrix_ = t.file_.Find(kTensorName);
  if (t.matrix_ == nullptr || (t.matrix_->dtype != DType::kF32 && t.matrix_->dtype != DType::kF16) ||
      t.matrix_->shape.size() != 2) {
    return DataLoss(vectors_path + ": no 2-D F32 or F16 tensor '" + kTensorName + "'");
  }
  const std::vector<int64_t> want = {t.size(), t.dim_};
  if (t.matrix_->shape != want) {
    return DataLoss(vectors_path + ": shape " + ShapeToString(t.matrix_->shape) + ", expected " +
                    ShapeToString(want) + " (words x dim of " + info_path + ")");
  }
  return StatusOr<EmbeddingTable>(std::move(t));
}

int64_t EmbeddingTable::Lookup(std::string_view word) const {
  auto it = index_.find(word);
  return it == index_.end() ? 0 : it->second;
}

void EmbeddingTable::CopyRow(int64_t row, float* out) const {
  if (matrix_->dtype == DType::kF32) {
    std::memcpy(out, matrix_->data + static_cast<size_t>(row) * dim_ * sizeof(float), dim_ * sizeof(float));
    return;
  }
  const char* src = matrix_->data + static_cast<size_t>(row) * dim_ * sizeof(uint16_t);
  for (int k = 0; k < dim_; ++k) {
    uint16_t h;
    std::memcpy(&h, src + k * sizeof h, sizeof h);  // the mapping may be unaligned
    out[k] = HalfToFloat(h);
  }
}

std::vector<float> EmbeddingTable::Vector(std::string_view word) const {
  std::vector<float> v(dim_);
  CopyRow(Lookup(word), v.data());
  return v;
}

EmbeddingTableData ToEmbeddingTableData(const EmbeddingTable& table) {
  EmbeddingTableData d;
  d.words = table.words();
  d.dim = table.dim();
  d.lowercase = table.lowercase();
  d.dtype = table.dtype();
  d.vectors.resize(d.words.size() * static_cast<size_t>(d.dim));
  for (int64_t r = 0; r < table.size(); ++r) table.CopyRow(r, d.vectors.data() + r * d.dim);
  nlohmann::json training = nlohmann::json::object();
  const nlohmann::json info = nlohmann::json::parse(table.info_json(), nullptr, /*allow_exceptions=*/false);
  if (info.is_object() && info.contains("training") && info["training"].is_object()) training = info["training"];
  training["converted_from"] = {{"sha256", table.sha256()}, {"dtype", DTypeName(table.dtype())}};
  d.training_json = training.dump();
  return d;
}

}  // namespace bioner
