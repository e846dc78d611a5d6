#include "core/train/text_corpus.h"

#include <zlib.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/doc/jsonl.h"
#include "core/formats/inputs.h"
#include "core/util/file.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;

bool AllDigits(const std::string& s, size_t from, size_t to) {
  if (from >= to) return false;
  for (size_t i = from; i < to; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string Key(const char* kind, const std::string& digits) {
  size_t z = 0;
  while (z + 1 < digits.size() && digits[z] == '0') ++z;
  return std::string(kind) + ":" + digits.substr(z);
}

bool StartsWithNoCase(const std::string& s, const std::string& p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(p[i]))) return false;
  }
  return true;
}

// Streams the lines of a file, gunzipping it when it is gzip-compressed (by content).
Status ForEachLine(const std::string& path, const std::function<Status(const std::string&, size_t)>& f) {
  gzFile in = gzopen(path.c_str(), "rb");
  if (in == nullptr) return NotFound(path + ": cannot open");
  gzbuffer(in, 1 << 17);
  std::string pending;
  char buf[1 << 16];
  size_t line_no = 0;
  int n;
  Status status;
  while (status.ok() && (n = gzread(in, buf, sizeof buf)) > 0) {
    size_t start = 0;
    for (int i = 0; i < n && status.ok(); ++i) {
      if (buf[i] != '\n') continue;
      pending.append(buf + start, static_cast<size_t>(i) - start);
      status = f(pending, ++line_no);
      pending.clear();
      start = static_cast<size_t>(i) + 1;
    }
    if (status.ok()) pending.append(buf + start, static_cast<size_t>(n) - start);
  }
  int errnum = 0;
  const char* msg = gzerror(in, &errnum);
  const std::string error = errnum < 0 ? std::string(msg) : "";
  gzclose(in);
  if (!status.ok()) return status;
  if (!error.empty()) return DataLoss(path + ": gzip: " + error);
  if (!pending.empty()) return f(pending, ++line_no);
  return Status::Ok();
}

bool Excluded(const ExcludedIds& ex, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    for (const std::string& k : IdKeys(id)) {
      if (ex.keys.count(k)) return true;
    }
  }
  return false;
}

// One JSONL line: a pretraining record or a project document.
StatusOr<std::pair<TextRecord, std::vector<std::string>>> ParseJsonLine(const std::string& line,
                                                                         const std::string& path, size_t line_no) {
  TextRecord rec;
  std::vector<std::string> ids;
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  const std::string where = path + ":" + std::to_string(line_no);
  if (!j.is_object()) return InvalidArgument(where + ": not a JSON object");
  if (j.contains("passages") || j.contains("id")) {
    auto doc = ParseDocumentJson(line, line_no);
    if (!doc.ok()) return InvalidArgument(path + ": " + doc.status().message());
    rec.id = doc->id();
    rec.text = doc->text();
    ids.push_back(rec.id);
    return std::make_pair(rec, ids);
  }
  for (const char* key : {"pmid", "pmcid"}) {
    if (!j.contains(key) || j[key].is_null()) continue;
    if (j[key].is_string()) {
      ids.push_back(j[key].get<std::string>());
    } else if (j[key].is_number_integer()) {
      ids.push_back(std::to_string(j[key].get<long long>()));
    } else {
      return InvalidArgument(where + ": \"" + key + "\" must be a string or an integer");
    }
    if (rec.id.empty()) rec.id = ids.back();
  }
  for (const char* key : {"title", "text"}) {
    if (!j.contains(key) || j[key].is_null()) continue;
    if (!j[key].is_string()) return InvalidArgument(where + ": \"" + key + "\" must be a string");
    if (!rec.text.empty()) rec.text += "\n\n";
    rec.text += j[key].get<std::string>();
  }
  if (!j.contains("text")) return InvalidArgument(where + ": no \"text\" (nor \"passages\"/\"id\" of a document)");
  return std::make_pair(rec, ids);
}

}  // namespace

std::vector<std::string> IdKeys(const std::string& raw) {
  std::string id = raw;
  while (!id.empty() && std::isspace(static_cast<unsigned char>(id.back()))) id.pop_back();
  size_t b = 0;
  while (b < id.size() && std::isspace(static_cast<unsigned char>(id[b]))) ++b;
  id = id.substr(b);
  if (id.empty()) return {};
  // PMC ids: "PMC101395", "pmcA102792" (LINNAEUS), "PMC-..." not seen.
  if (StartsWithNoCase(id, "pmc")) {
    size_t p = 3;
    if (p < id.size() && (id[p] == 'A' || id[p] == 'a')) ++p;
    if (AllDigits(id, p, id.size())) return {Key("pmc", id.substr(p))};
    return {};
  }
  for (const char* prefix : {"PMID-", "PMID:", "PubMed-", "pmid:", "PMID"}) {
    if (StartsWithNoCase(id, prefix)) {
      const std::string rest = id.substr(std::string(prefix).size());
      if (AllDigits(rest, 0, rest.size())) return {Key("pmid", rest)};
    }
  }
  if (AllDigits(id, 0, id.size())) return {Key("pmid", id)};
  // BC2GM sentence ids: P + 8-digit PMID + A|T + offset.
  if (id.size() > 10 && id[0] == 'P' && AllDigits(id, 1, 9) && (id[9] == 'A' || id[9] == 'T') &&
      AllDigits(id, 10, id.size())) {
    return {Key("pmid", id.substr(1, 8))};
  }
  // "<digits>_A" (ChEBI abstracts), "<digits>-01-Abstract-p01" (Variome: PMC article paragraphs,
  // the leading number is the article's PMC id; also kept as a PMID, the safe side).
  size_t d = 0;
  while (d < id.size() && std::isdigit(static_cast<unsigned char>(id[d]))) ++d;
  if (d >= 4 && d < id.size() && (id[d] == '_' || id[d] == '-')) {
    return {Key("pmid", id.substr(0, d)), Key("pmc", id.substr(0, d))};
  }
  return {};
}

void ExcludedIds::Add(const std::string& id) {
  ++ids_read;
  std::vector<std::string> k = IdKeys(id);
  if (k.empty()) ++ids_unmatchable;
  keys.insert(k.begin(), k.end());
}

Status AddSplitIds(const std::string& splits_dir, const std::vector<std::string>& held_out_prefixes,
                   ExcludedIds* out) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(splits_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    bool held_out = false;
    for (const std::string& p : held_out_prefixes) held_out = held_out || name.rfind(p, 0) == 0;
    const std::string ext = it->path().extension().string();
    if (ext == ".dev" || ext == ".test" || (held_out && ext == ".train")) files.push_back(it->path());
  }
  if (ec) return NotFound(splits_dir + ": cannot list: " + ec.message());
  if (files.empty()) return NotFound(splits_dir + ": no HUNER split files (*.dev, *.test)");
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) RETURN_IF_ERROR(AddIdList(f.string(), out));
  return Status::Ok();
}

Status AddIdList(const std::string& path, ExcludedIds* out) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    out->Add(line);
  }
  out->sources.push_back(path);
  return Status::Ok();
}

Status ReadTexts(const std::vector<std::string>& paths, const ExcludedIds& excluded,
                 const std::function<Status(const TextRecord&)>& sink, TextStats* stats) {
  for (const std::string& path : paths) {
    ++stats->files;
    auto take = [&](TextRecord rec, const std::vector<std::string>& ids) -> Status {
      ++stats->documents_read;
      if (Excluded(excluded, ids)) {
        ++stats->documents_excluded;
        ++stats->excluded_by_file[path];
        return Status::Ok();
      }
      if (rec.text.find_first_not_of(" \t\r\n") == std::string::npos) {
        ++stats->documents_empty;
        return Status::Ok();
      }
      ++stats->documents_kept;
      stats->bytes_kept += static_cast<long>(rec.text.size());
      return sink(rec);
    };
    if (HasExtension(path, ".jsonl") || HasExtension(path, ".jsonl.gz")) {
      RETURN_IF_ERROR(ForEachLine(path, [&](const std::string& line, size_t line_no) -> Status {
        if (line.find_first_not_of(" \t\r") == std::string::npos) return Status::Ok();
        ASSIGN_OR_RETURN(auto rec, ParseJsonLine(line, path, line_no));
        return take(std::move(rec.first), rec.second);
      }));
      continue;
    }
    ASSIGN_OR_RETURN(std::string format, DetectInputFormat(path));
    CorpusReport report;
    ASSIGN_OR_RETURN(std::vector<Document> docs, ReadInput(path, format, &report));
    for (const Document& d : docs) RETURN_IF_ERROR(take(TextRecord{d.id(), d.text()}, {d.id()}));
  }
  return Status::Ok();
}

std::string DescribeTextStats(const TextStats& s, const ExcludedIds& ex) {
  std::ostringstream o;
  o << s.files << " files, " << s.documents_read << " documents read, " << s.documents_kept << " kept ("
    << s.bytes_kept / 1000000.0 << " MB), " << s.documents_excluded
    << " removed because their PMID/PMCID is in a dev/test or held-out split, " << s.documents_empty
    << " empty. Exclusion list: " << ex.ids_read << " ids from " << ex.sources.size() << " files, "
    << ex.keys.size() << " PubMed/PMC keys, " << ex.ids_unmatchable
    << " ids that name no PubMed/PMC record (patents, sentence indices) and cannot be matched.";
  for (const auto& [file, n] : s.excluded_by_file) o << "\n  removed from " << file << ": " << n;
  return o.str();
}

}  // namespace bioner::train
