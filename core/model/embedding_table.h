// A word-embedding table: the vocabulary and vectors that `bioner-trainer embed` writes
// (docs/FORMATS.md, "Word embeddings") and that every model using word vectors shares.
//
//   DIR/vectors.safetensors   one tensor "vectors", F32 or F16, shape [n_words, dim], row-major
//   DIR/words.txt             UTF-8, one word per line ('\n'), line i (from 0) = row i
//   DIR/embedding.json        format, dim, words, lowercase, the content hash, provenance
//
// Row 0 is the unknown word "<unk>" with an all-zero vector; Lookup returns it for any word
// the table lacks. "<unk>" can never be a real word: words are the output of the project's
// pre-tokenizer (core/text/pretokenize.h), which splits '<' and '>' off as words of their
// own and never yields a word holding whitespace, so words.txt needs no escaping.
//
// The content hash is the SHA-256 of words.txt followed by vectors.safetensors, as the files
// lie on disk (`cat words.txt vectors.safetensors | sha256sum`); a model names the table it
// was trained with by this hash. Load recomputes it and refuses a table that does not match.
//
// Torch-free. Thread safety: an EmbeddingTable is immutable after Load; const methods may be
// called concurrently. It is movable, not copyable (the index points into the word list).
#ifndef BIONER_CORE_MODEL_EMBEDDING_TABLE_H_
#define BIONER_CORE_MODEL_EMBEDDING_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model/safetensors.h"
#include "core/util/status.h"

namespace bioner {

inline constexpr char kEmbeddingUnknownWord[] = "<unk>";
inline constexpr char kEmbeddingFormat[] = "bioner-embedding";
inline constexpr int kEmbeddingFormatVersion = 1;

class EmbeddingTable {
 public:
  // Reads and validates DIR (see the file comment). Errors name the file: NOT_FOUND for a
  // missing file, DATA_LOSS for a table whose parts disagree or whose hash does not match,
  // INVALID_ARGUMENT for another format or version.
  static StatusOr<EmbeddingTable> Load(const std::string& dir);

  EmbeddingTable(EmbeddingTable&&) = default;
  EmbeddingTable& operator=(EmbeddingTable&&) = default;
  EmbeddingTable(const EmbeddingTable&) = delete;
  EmbeddingTable& operator=(const EmbeddingTable&) = delete;

  int dim() const { return dim_; }
  // How the vectors are stored: kF32 or kF16 (CopyRow and Vector return floats either way).
  DType dtype() const { return matrix_->dtype; }
  int64_t size() const { return static_cast<int64_t>(words_.size()); }  // rows, <unk> included
  const std::vector<std::string>& words() const { return words_; }
  // Whether the words were lowercased (pre-tokenize lookups with the same setting).
  bool lowercase() const { return lowercase_; }
  const std::string& sha256() const { return sha256_; }
  // embedding.json as written (provenance: inputs, documents removed, training flags).
  const std::string& info_json() const { return info_json_; }

  // The row of `word` (a pre-tokenized word), or 0 (<unk>) if the table lacks it.
  int64_t Lookup(std::string_view word) const;
  // Copies row `row` (0 <= row < size()) into out[0, dim).
  void CopyRow(int64_t row, float* out) const;
  // The vector of `word`: its row, or the <unk> row (zeros).
  std::vector<float> Vector(std::string_view word) const;
  // The whole matrix, size() * dim() little-endian values of dtype(), row-major (may be
  // unaligned).
  std::string_view matrix_bytes() const { return {matrix_->data, matrix_->nbytes}; }

 private:
  EmbeddingTable() = default;

  SafetensorsFile file_;
  const TensorView* matrix_ = nullptr;  // into file_
  int dim_ = 0;
  bool lowercase_ = false;
  std::vector<std::string> words_;
  std::unordered_map<std::string_view, int64_t> index_;  // views into words_
  std::string sha256_, info_json_;
};

// What WriteEmbeddingTable writes: rows[0] must be kEmbeddingUnknownWord with a zero vector.
struct EmbeddingTableData {
  std::vector<std::string> words;
  std::vector<float> vectors;  // words.size() * dim, row-major
  int dim = 0;
  bool lowercase = false;
  // How vectors.safetensors stores them: kF32, or kF16 (half the bytes; each value rounded to
  // the nearest half, which is what a model trained on the table then sees).
  DType dtype = DType::kF32;
  // A JSON object written into embedding.json as "training" (flags, inputs, documents).
  std::string training_json = "{}";
};

// Writes the three files into the existing folder `dir` (each atomically; publishing the
// folder as a whole is the caller's: write into a temporary folder, then rename it) and
// returns the content hash. INVALID_ARGUMENT for data that breaks the format: row 0, empty,
// duplicate or whitespace-holding words, a size mismatch, a non-finite value.
StatusOr<std::string> WriteEmbeddingTable(const std::string& dir, const EmbeddingTableData& data);

// The data of a loaded table, to write it again in another dtype: its words, its vectors as
// floats, and its "training" provenance with "converted_from" (the source's hash) added.
EmbeddingTableData ToEmbeddingTableData(const EmbeddingTable& table);

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_EMBEDDING_TABLE_H_
