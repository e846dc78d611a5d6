#include "core/formats/common.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "core/util/file.h"
#include "core/util/utf8.h"

namespace bioner::formats {
namespace fs = std::filesystem;

namespace {

bool KnownName(std::string_view path, const std::vector<std::string>& suffixes) {
  for (const std::string& s : suffixes) {
    if (HasExtension(path, s)) return true;
  }
  return false;
}

std::string JoinSuffixes(const std::vector<std::string>& suffixes) {
  std::string out;
  for (const std::string& s : suffixes) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

StatusOr<std::vector<std::string>> ListFiles(const FormatInput& input, std::string_view format,
                                             const std::vector<std::string>& suffixes) {
  std::vector<std::string> out;
  for (const std::string& entry : input.files) {
    std::error_code ec;
    const fs::file_status st = fs::status(entry, ec);
    if (ec || !fs::exists(st)) {
      return NotFound(std::string(format) + ": " + entry + ": no such file or directory");
    }
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(entry, ec), end; !ec && it != end;
           it.increment(ec)) {
        const std::string name = it->path().filename().string();
        // Hidden files ("._x.txt" from macOS archives, ".DS_Store") are never corpus data.
        if (it->is_regular_file(ec) && name[0] != '.' && KnownName(name, suffixes)) {
          found.push_back(it->path().string());
        }
      }
      if (ec) return Unavailable(std::string(format) + ": " + entry + ": " + ec.message());
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (KnownName(Basename(entry), suffixes)) {
      out.push_back(entry);
    } else {
      return InvalidArgument(std::string(format) + ": " + entry + ": unknown file for this " +
                             "format (expected names ending in " + JoinSuffixes(suffixes) + ")");
    }
  }
  if (out.empty()) {
    return InvalidArgument(std::string(format) + ": corpus '" + input.corpus +
                           "': no input files (expected names ending in " + JoinSuffixes(suffixes) +
                           ")");
  }
  return out;
}

Status CheckOptions(const FormatInput& input, std::string_view format,
                    const std::vector<std::string>& known) {
  for (const auto& [key, value] : input.options) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return InvalidArgument(std::string(format) + ": corpus '" + input.corpus +
                             "': unknown option '" + key + "'");
    }
  }
  return Status::Ok();
}

std::string Option(const FormatInput& input, const std::string& key, const std::string& fallback) {
  auto it = input.options.find(key);
  return it == input.options.end() ? fallback : it->second;
}

StatusOr<std::string> ReadUtf8File(const std::string& path) {
  ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  RETURN_IF_ERROR(utf8::Validate(data, path));
  return data;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = nl + 1;
  }
  return lines;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    const size_t at = text.find(sep, pos);
    if (at == std::string_view::npos) {
      parts.push_back(text.substr(pos));
      return parts;
    }
    parts.push_back(text.substr(pos, at - pos));
    pos = at + 1;
  }
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

StatusOr<size_t> ParseIndex(std::string_view s, const std::string& where, std::string_view what) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgument(where + ": " + std::string(what) + " '" + std::string(s) +
                           "' is not a non-negative integer");
  }
  // Every index is a position or length in a document, so none may pass the longest one;
  // checked digit by digit, before the value could overflow.
  size_t v = 0;
  for (char c : s) {
    v = v * 10 + static_cast<size_t>(c - '0');
    if (v > kMaxDocumentLength) {
      return InvalidArgument(where + ": " + std::string(what) + " " + std::string(s) +
                             " is past the longest document bioner reads (" +
                             std::to_string(kMaxDocumentLength) + " code points; docs/FORMATS.md)");
    }
  }
  return v;
}

std::string Basename(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string Stem(std::string_view path) {
  std::string base = Basename(path);
  const size_t dot = base.find_last_of('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base;
}

std::string FileLine(const std::string& file, size_t line) {
  return file + ":" + std::to_string(line);
}

LineIndex::LineIndex(std::string_view buffer) {
  for (size_t i = 0; i < buffer.size(); ++i) {
    if (buffer[i] == '\n') newlines_.push_back(i);
  }
}

size_t LineIndex::LineOf(size_t offset) const {
  return 1 + static_cast<size_t>(std::lower_bound(newlines_.begin(), newlines_.end(), offset) -
                                 newlines_.begin());
}

Status AddMentions(Document* doc, std::vector<RawMention> mentions, CorpusReport* report) {
  if (mentions.empty()) return Status::Ok();
  const std::string& text = doc->text();
  const std::vector<size_t> at = utf8::CodePointByteOffsets(text);
  const size_t length = at.size() - 1;
  auto slice = [&](size_t s, size_t e) {
    return std::string_view(text).substr(at[s], at[e] - at[s]);
  };
  std::vector<Entity> entities;
  for (RawMention& m : mentions) {
    const std::string where = m.where + ": document '" + doc->id() + "'";
    if (m.type.empty()) return InvalidArgument(where + ": mention with an empty type");
    if (m.fragments.empty()) return InvalidArgument(where + ": mention without offsets");
    for (const auto& [s, e] : m.fragments) {
      const std::string span = "[" + std::to_string(s) + ", " + std::to_string(e) + ")";
      if (e < s) return InvalidArgument(where + ": reversed offsets " + span);
      if (e > length) {
        return OutOfRange(where + ": offsets " + span + " past the end of the text (" +
                          std::to_string(length) + " code points)");
      }
    }
    std::sort(m.fragments.begin(), m.fragments.end());
    const std::string label = where + " " + m.type + " '" + m.text + "'";
    if (std::any_of(m.fragments.begin(), m.fragments.end(),
                    [](const auto& f) { return f.first == f.second; })) {
      report->Add(kZeroLength, label);
      continue;
    }
    size_t start = m.fragments.front().first;
    size_t end = m.fragments.front().second;
    std::string joined(slice(start, end));
    bool whitespace_gaps = true;
    for (size_t i = 1; i < m.fragments.size(); ++i) {
      const auto& [s, e] = m.fragments[i];
      if (s > end) {
        for (char c : slice(end, s)) whitespace_gaps = whitespace_gaps && IsAsciiSpace(c);
      }
      joined += " ";
      joined += slice(s, e);
      end = std::max(end, e);
    }
    if (m.fragments.size() > 1) {
      if (!whitespace_gaps) {
        report->Add(kDiscontinuousDropped, label);
        continue;
      }
      report->Add(kDiscontinuousJoined, label);
    }
    const std::string_view covered = slice(start, end);
    if (!m.text.empty() && m.text != covered && !(m.fragments.size() > 1 && m.text == joined)) {
      report->Add(kTextMismatch, where + " [" + std::to_string(start) + ", " + std::to_string(end) +
                                     ") " + m.type + ": stated '" + m.text + "', text '" +
                                     std::string(covered) + "'");
      continue;
    }
    Entity entity;
    entity.start = start;
    entity.end = end;
    entity.type = std::move(m.type);
    entity.text = std::string(covered);
    entities.push_back(std::move(entity));
  }
  return doc->AddEntities(std::move(entities));
}

Status LoadTextDocuments(const std::vector<std::string>& paths, std::vector<Document>* docs,
                         std::map<std::string, size_t>* index) {
  std::map<std::string, std::string> origin;
  for (const std::string& path : paths) {
    const std::string id = Stem(path);
    if (!origin.emplace(id, path).second) {
      return InvalidArgument(path + ": document id '" + id + "' also comes from " + origin[id]);
    }
    ASSIGN_OR_RETURN(std::string text, ReadUtf8File(path));
    StatusOr<Document> doc = Document::Create(id, {{"text", 0, std::move(text)}});
    if (!doc.ok()) return doc.status().WithContext(path);
    (*index)[id] = docs->size();
    docs->push_back(std::move(doc).value());
  }
  return Status::Ok();
}

void DropDuplicateIds(std::vector<Document>* docs, CorpusReport* report) {
  std::set<std::string> seen;
  std::vector<Document> kept;
  kept.reserve(docs->size());
  for (Document& d : *docs) {
    if (!seen.insert(d.id()).second) {
      report->Add(kDuplicateDocument, d.id());
      continue;
    }
    kept.push_back(std::move(d));
  }
  *docs = std::move(kept);
}

}  // namespace bioner::formats
