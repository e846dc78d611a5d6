#include "core/text/vocab.h"

#include "core/util/file.h"
#include "core/util/utf8.h"

namespace bioner::text {

StatusOr<Vocab> Vocab::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  return Parse(contents, path);
}

StatusOr<Vocab> Vocab::Parse(std::string_view contents, const std::string& name) {
  if (contents.empty()) return InvalidArgument(name + ": empty file, expected one token per line");
  Vocab vocab;
  auto owned = std::make_shared<const std::string>(contents);
  vocab.contents_ = owned;
  contents = *owned;
  size_t pos = 0;
  while (pos < contents.size()) {
    size_t end = contents.find('\n', pos);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view line = contents.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto id = static_cast<int32_t>(vocab.tokens_.size());
    auto where = [&] { return name + " line " + std::to_string(id + 1); };
    if (Status s = utf8::Validate(line); !s.ok()) return s.WithContext(where());
    auto [it, inserted] = vocab.ids_.emplace(line, id);
    if (!inserted) {
      return InvalidArgument(where() + ": duplicate token '" + std::string(line) +
                             "', first on line " + std::to_string(it->second + 1));
    }
    vocab.tokens_.push_back(line);
  }
  vocab.unk_id_ = vocab.Find("[UNK]");
  if (vocab.unk_id_ == kAbsent) {
    return InvalidArgument(name + ": no [UNK] token in " + std::to_string(vocab.size()) +
                           " lines; WordPiece needs it for words it cannot cover");
  }
  vocab.cls_id_ = vocab.Find("[CLS]");
  vocab.sep_id_ = vocab.Find("[SEP]");
  vocab.pad_id_ = vocab.Find("[PAD]");
  vocab.mask_id_ = vocab.Find("[MASK]");
  return vocab;
}

int32_t Vocab::Find(std::string_view token) const {
  auto it = ids_.find(token);
  return it == ids_.end() ? kAbsent : it->second;
}

}  // namespace bioner::text
