#include "core/corpus/diff_patch.h"

#include <cstdlib>
#include <vector>

namespace bioner {
namespace {

constexpr long kMaxDrift = 200;

std::vector<std::string_view> Lines(std::string_view text, bool* final_newline) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  *final_newline = !text.empty() && text.back() == '\n';
  return out;
}

struct Hunk {
  long old_start = 0;  // 1-based, as in "@@ -old_start,..."
  std::vector<std::string_view> old_lines, new_lines;
};

StatusOr<std::vector<Hunk>> ParseHunks(std::string_view diff, const std::string& what) {
  bool unused;
  std::vector<Hunk> hunks;
  for (std::string_view line : Lines(diff, &unused)) {
    if (line.substr(0, 3) == "@@ ") {
      if (line.size() < 5 || line[3] != '-') return InvalidArgument(what + ": bad hunk header '" + std::string(line) + "'");
      Hunk h;
      h.old_start = std::strtol(std::string(line.substr(4)).c_str(), nullptr, 10);
      hunks.push_back(std::move(h));
      continue;
    }
    if (hunks.empty()) continue;  // "---"/"+++" file headers before the first hunk
    if (line.empty()) {
      return InvalidArgument(what + ": empty line in hunk " + std::to_string(hunks.size()) +
                             " (a context line needs its leading space)");
    }
    const std::string_view body = line.substr(1);
    switch (line[0]) {
      case ' ':
        hunks.back().old_lines.push_back(body);
        hunks.back().new_lines.push_back(body);
        break;
      case '-':
        hunks.back().old_lines.push_back(body);
        break;
      case '+':
        hunks.back().new_lines.push_back(body);
        break;
      case '\\':  // "\ No newline at end of file"
        break;
      default:
        return InvalidArgument(what + ": unexpected line in hunk " + std::to_string(hunks.size()) +
                               ": '" + std::string(line.substr(0, 40)) + "'");
    }
  }
  if (hunks.empty()) return InvalidArgument(what + ": no hunks (not a unified diff?)");
  return hunks;
}

bool MatchesAt(const std::vector<std::string_view>& lines, long at, const Hunk& h) {
  if (at < 0 || at + static_cast<long>(h.old_lines.size()) > static_cast<long>(lines.size())) {
    return false;
  }
  for (size_t i = 0; i < h.old_lines.size(); ++i) {
    if (lines[at + i] != h.old_lines[i]) return false;
  }
  return true;
}

}  // namespace

StatusOr<PatchResult> ApplyUnifiedDiff(std::string_view text, std::string_view diff,
                                       const std::string& what) {
  ASSIGN_OR_RETURN(std::vector<Hunk> hunks, ParseHunks(diff, what));
  bool final_newline = false;
  const std::vector<std::string_view> lines = Lines(text, &final_newline);
  std::vector<std::string_view> out;
  long cursor = 0;  // first line of `lines` not yet copied
  for (size_t k = 0; k < hunks.size(); ++k) {
    const Hunk& h = hunks[k];
    const long stated = h.old_start - 1 + (h.old_lines.empty() ? 1 : 0);
    long at = -1;
    for (long d = 0; d <= kMaxDrift && at < 0; ++d) {
      for (long cand : {stated - d, stated + d}) {
        if (cand >= cursor && MatchesAt(lines, cand, h)) {
          at = cand;
          break;
        }
      }
    }
    if (at < 0) {
      return DataLoss(what + ": hunk " + std::to_string(k + 1) + " (line " +
                      std::to_string(h.old_start) + ") does not match the file");
    }
    out.insert(out.end(), lines.begin() + cursor, lines.begin() + at);
    out.insert(out.end(), h.new_lines.begin(), h.new_lines.end());
    cursor = at + static_cast<long>(h.old_lines.size());
  }
  out.insert(out.end(), lines.begin() + cursor, lines.end());
  PatchResult r;
  r.hunks = static_cast<int>(hunks.size());
  for (size_t i = 0; i < out.size(); ++i) {
    r.text += out[i];
    if (i + 1 < out.size() || final_newline) r.text += '\n';
  }
  return r;
}

}  // namespace bioner
