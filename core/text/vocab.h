// A WordPiece vocabulary read from a Hugging Face / Google BERT `vocab.txt`: one token per
// line, token id = line number - 1. LF or CRLF line endings; a final newline is optional.
//
// Loading refuses, with the file and line named: an empty file, a line that is not UTF-8, a
// token that appears twice (both lines named; Hugging Face would silently keep the later id,
// leaving a hole in the id space), and a vocabulary without `[UNK]`.
//
// Immutable after loading; all const methods are safe to call from many threads.
#ifndef BIONER_CORE_TEXT_VOCAB_H_
#define BIONER_CORE_TEXT_VOCAB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/util/status.h"

namespace bioner::text {

class Vocab {
 public:
  static constexpr int32_t kAbsent = -1;

  // Reads `path`; errors are prefixed with the path.
  static StatusOr<Vocab> Load(const std::string& path);
  // Parses the contents of a vocab file; `name` prefixes errors (usually the path).
  static StatusOr<Vocab> Parse(std::string_view contents, const std::string& name);

  // The id of `token`, or kAbsent.
  int32_t Find(std::string_view token) const;

  // The token of `id`; `id` must be in [0, size()). The view lives as long as any copy of
  // this Vocab.
  std::string_view token(int32_t id) const { return tokens_[static_cast<size_t>(id)]; }
  int32_t size() const { return static_cast<int32_t>(tokens_.size()); }

  // Ids of the special tokens. [UNK] is always present; the others are kAbsent if missing.
  int32_t unk_id() const { return unk_id_; }
  int32_t cls_id() const { return cls_id_; }
  int32_t sep_id() const { return sep_id_; }
  int32_t pad_id() const { return pad_id_; }
  int32_t mask_id() const { return mask_id_; }

 private:
  Vocab() = default;

  // The file's bytes; tokens_ and the keys of ids_ view into it. Shared, so that copies and
  // moves of a Vocab keep the views valid.
  std::shared_ptr<const std::string> contents_;
  std::vector<std::string_view> tokens_;
  std::unordered_map<std::string_view, int32_t> ids_;
  int32_t unk_id_ = kAbsent;
  int32_t cls_id_ = kAbsent;
  int32_t sep_id_ = kAbsent;
  int32_t pad_id_ = kAbsent;
  int32_t mask_id_ = kAbsent;
};

}  // namespace bioner::text

#endif  // BIONER_CORE_TEXT_VOCAB_H_
