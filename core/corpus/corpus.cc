#include "core/corpus/corpus.h"

#include <fnmatch.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/corpus/diff_patch.h"
#include "core/corpus/fetch.h"
#include "core/text/pretokenize.h"
#include "core/util/utf8.h"
#include "core/util/file.h"

namespace bioner {
namespace fs = std::filesystem;
namespace {

bool HasWildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// Expands a relative path whose components may hold fnmatch wildcards; a matched folder is
// passed on as a folder (the readers take folders).
void Glob(const fs::path& base, const std::vector<std::string>& parts, size_t i,
          std::vector<std::string>* out) {
  std::error_code ec;
  if (i == parts.size()) {
    if (fs::exists(base, ec)) out->push_back(base.string());
    return;
  }
  if (!HasWildcard(parts[i])) return Glob(base / parts[i], parts, i + 1, out);
  std::vector<fs::path> matches;
  for (auto it = fs::directory_iterator(base, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (::fnmatch(parts[i].c_str(), name.c_str(), 0) == 0) matches.push_back(it->path());
  }
  std::sort(matches.begin(), matches.end());
  for (const fs::path& m : matches) Glob(m, parts, i + 1, out);
}

std::vector<std::string> Components(const std::string& rel) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= rel.size()) {
    size_t slash = rel.find('/', pos);
    if (slash == std::string::npos) slash = rel.size();
    if (slash > pos) parts.push_back(rel.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

// A temporary folder for unpacked archives, removed with everything in it.
class TempDir {
 public:
  TempDir() = default;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  Status Create() {
    std::error_code ec;
    std::string tmpl = (fs::temp_directory_path(ec) / "bioner-corpus-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) return Unavailable(tmpl + ": cannot create a temporary folder");
    path_ = tmpl;
    return Status::Ok();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Absolute paths for the reader, in registry order.
// `unpacked` maps each archive (path under the corpus folder) to its temporary folder.
StatusOr<std::vector<std::string>> ResolveFiles(const CorpusSpec& spec, const std::string& dir,
                                                TempDir* tmp,
                                                std::map<std::string, std::string>* unpacked_out) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return NotFound("corpus '" + spec.name + "': folder " + dir + " does not exist (run "
                    "'bioner-trainer corpus fetch --corpus " + spec.name + "' or pass --mirror)");
  }
  std::vector<std::string> out;
  std::map<std::string, std::string>& unpacked = *unpacked_out;
  for (const std::string& entry : spec.files) {
    std::string base = dir, rel = entry;
    if (size_t bang = entry.find('!'); bang != std::string::npos) {
      const std::string archive = entry.substr(0, bang);
      rel = entry.substr(bang + 1);
      auto it = unpacked.find(archive);
      if (it == unpacked.end()) {
        if (tmp->path().empty()) RETURN_IF_ERROR(tmp->Create());
        const std::string into = tmp->path() + "/" + std::to_string(unpacked.size());
        auto written = UnpackArchive(dir + "/" + archive, into);
        if (!written.ok()) return written.status().WithContext("corpus '" + spec.name + "'");
        it = unpacked.emplace(archive, into).first;
      }
      base = it->second;
    }
    if (rel.empty()) rel = ".";
    const size_t before = out.size();
    Glob(base, Components(rel), 0, &out);
    if (out.size() == before) {
      return NotFound("corpus '" + spec.name + "': nothing matches '" + entry + "' in " + dir);
    }
  }
  return out;
}

// Messages name temporary folders of unpacked archives; say "ARCHIVE!member" instead, so
// that reports are stable and point at a file the user has.
using Masks = std::vector<std::pair<std::string, std::string>>;  // temporary prefix -> shown

Masks MasksFor(const std::map<std::string, std::string>& unpacked, const std::string& dir,
               const std::string& patched) {
  Masks m;
  for (const auto& [archive, folder] : unpacked) m.emplace_back(folder + "/", dir + "/" + archive + "!");
  if (!patched.empty()) m.emplace_back(patched + "/", dir + "/(patched)/");
  return m;
}

std::string Unmask(std::string text, const Masks& masks) {
  for (const auto& [from, to] : masks) {
    for (size_t p = 0; (p = text.find(from, p)) != std::string::npos; p += to.size()) {
      text.replace(p, from.size(), to);
    }
  }
  return text;
}

void Unmask(CorpusReport* report, const Masks& masks) {
  for (auto& [reason, examples] : report->examples) {
    for (std::string& e : examples) e = Unmask(e, masks);
  }
}

// HUNER's file patches (registry.h FilePatch), applied to temporary copies; `files` is updated
// to point at the patched copies. Returns the folder of patched copies ("" if none).
StatusOr<std::string> ApplyFilePatches(const CorpusSpec& spec, const std::string& root,
                                       const std::string& dir,
                                       const std::map<std::string, std::string>& unpacked,
                                       TempDir* tmp, std::vector<std::string>* files,
                                       CorpusReport* report) {
  std::string patched_dir;
  for (const FilePatch& fp : spec.file_patches) {
    const std::string diff_path = root + "/" + fp.diff;
    auto diff = ReadFile(diff_path);
    if (!diff.ok()) {
      return NotFound("corpus '" + spec.name + "': patch " + diff_path + " is missing (fetch the "
                      "corpus again): " + diff.status().message());
    }
    std::string src, dest;
    if (size_t bang = fp.file.find('!'); bang != std::string::npos) {
      auto it = unpacked.find(fp.file.substr(0, bang));
      if (it == unpacked.end()) {
        return FailedPrecondition("corpus '" + spec.name + "': patch for " + fp.file +
                                  ": the archive is not among the corpus's files");
      }
      src = dest = it->second + "/" + fp.file.substr(bang + 1);  // already a temporary copy
    } else {
      if (tmp->path().empty()) RETURN_IF_ERROR(tmp->Create());
      patched_dir = tmp->path() + "/patched";
      src = dir + "/" + fp.file;
      dest = patched_dir + "/" + fp.file;
      bool replaced = false;
      for (std::string& f : *files) {
        if (fs::path(f).lexically_normal() == fs::path(src).lexically_normal()) {
          f = dest;
          replaced = true;
        }
      }
      if (!replaced) {
        return FailedPrecondition("corpus '" + spec.name + "': patched file " + fp.file +
                                  " is not one of the files given to the reader");
      }
    }
    ASSIGN_OR_RETURN(std::string text, ReadFile(src));
    auto result = ApplyUnifiedDiff(text, *diff, fp.diff + " on " + fp.file);
    if (!result.ok()) return result.status().WithContext("corpus '" + spec.name + "'");
    std::error_code ec;
    fs::create_directories(fs::path(dest).parent_path(), ec);
    RETURN_IF_ERROR(WriteFileAtomic(dest, result->text));
    report->Add("HUNER patch applied: " + fp.diff, std::to_string(result->hunks) + " hunks on " + fp.file);
  }
  return patched_dir;
}

std::string Short(const std::string& text) {
  if (text.size() <= 60) return text;
  size_t cut = 57;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

std::string Describe(const std::string& doc_id, const Entity& e) {
  return doc_id + " [" + std::to_string(e.start) + ", " + std::to_string(e.end) + ") " + e.type +
         " '" + Short(e.text) + "'";
}

// Reviewed patches (registry.h), applied to the reader's entities of one document.
Status ApplyPatches(const CorpusSpec& spec, const Document& doc, std::vector<Entity>* entities,
                    std::vector<bool>* used, CorpusReport* report) {
  for (size_t i = 0; i < spec.patches.size(); ++i) {
    const AnnotationPatch& p = spec.patches[i];
    if (p.document != doc.id()) continue;
    for (auto it = entities->begin(); it != entities->end(); ++it) {
      if (it->start != p.start || it->end != p.end || it->type != p.label) continue;
      report->Add("patch applied: " + p.reason, Describe(doc.id(), *it));
      (*used)[i] = true;
      if (p.drop) {
        entities->erase(it);
      } else {
        if (p.new_end > doc.length()) {
          return InvalidArgument("corpus '" + spec.name + "': patch for document " + p.document +
                                 " moves the entity past the end of the text");
        }
        it->start = p.new_start;
        it->end = p.new_end;
        it->text.clear();  // AddEntities takes the text at the new span
      }
      break;
    }
  }
  return Status::Ok();
}

// Step 3: canonical types, counted. Returns entities with canonical types only.
std::vector<Entity> MapLabels(const CorpusSpec& spec, const Document& doc,
                              const std::vector<Entity>& entities,
                              std::map<std::string, long>* labels, CorpusReport* report) {
  std::vector<Entity> out;
  for (const Entity& e : entities) {
    ++(*labels)[e.type];
    const std::optional<std::string> type = spec.MapLabel(e.type);
    const std::string example = doc.id() + ": '" + Short(e.text) + "'";
    if (!type) {
      report->Add("unknown label '" + e.type + "' (not in the registry; dropped)", example);
    } else if (type->empty()) {
      report->Add("label '" + e.type + "' is not a HUNER type (dropped)", example);
    } else {
      Entity m = e;
      m.type = *type;
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace

std::vector<Entity> ResolveOverlaps(std::vector<Entity> entities, const std::string& doc_id,
                                    CorpusReport* report) {
  // Longest first among equal starts, so the outermost entity comes before what it contains.
  std::stable_sort(entities.begin(), entities.end(), [](const Entity& a, const Entity& b) {
    if (a.type != b.type) return a.type < b.type;
    if (a.start != b.start) return a.start < b.start;
    return a.end > b.end;
  });
  std::vector<Entity> kept;
  for (Entity& e : entities) {
    const Entity* last = nullptr;
    // Kept entities of one type never overlap, so only the last kept one of this type can.
    if (!kept.empty() && kept.back().type == e.type) last = &kept.back();
    const std::string example = Describe(doc_id, e);
    if (last && last->start == e.start && last->end == e.end) {
      report->Add("duplicate entity (same span and type after label mapping; merged)", example);
    } else if (last && e.end <= last->end) {
      report->Add("nested entity of one type dropped (outermost kept)", example);
    } else if (last && e.start < last->end) {
      report->Add("overlapping entity of one type dropped (first kept)", example);
    } else {
      kept.push_back(std::move(e));
    }
  }
  return kept;
}

StatusOr<LoadedCorpus> LoadCorpus(const CorpusRegistry& registry, const CorpusSpec& spec,
                                  const CorpusLoadOptions& options) {
  LoadedCorpus out;
  out.spec = &spec;
  const FormatReader reader = FindFormat(spec.format);
  if (!reader) {
    return Unimplemented("corpus '" + spec.name + "': no reader for format '" + spec.format + "'");
  }
  if (spec.files.empty()) {
    return FailedPrecondition("corpus '" + spec.name + "': the registry lists no files (" +
                              CorpusStatusName(spec.status) + ")");
  }
  const std::string dir = options.root + "/" + spec.name;
  std::vector<Document> docs;
  {
    TempDir tmp;
    std::map<std::string, std::string> unpacked;
    ASSIGN_OR_RETURN(std::vector<std::string> files, ResolveFiles(spec, dir, &tmp, &unpacked));
    ASSIGN_OR_RETURN(std::string patched, ApplyFilePatches(spec, options.root, dir, unpacked, &tmp,
                                                           &files, &out.report));
    const Masks masks = MasksFor(unpacked, dir, patched);
    FormatInput input{spec.name, std::move(files), spec.options};
    auto read = reader(input, &out.report);
    Unmask(&out.report, masks);
    if (!read.ok()) {
      return Status(read.status().code(), "corpus '" + spec.name + "': " +
                                              Unmask(read.status().message(), masks));
    }
    docs = std::move(read).value();
  }

  std::set<std::string> seen;
  std::vector<bool> patch_used(spec.patches.size(), false);
  for (Document& doc : docs) {
    if (!seen.insert(doc.id()).second) {
      out.report.Add("duplicate document id in corpus (first kept)", doc.id());
      continue;
    }
    std::vector<Entity> entities = doc.entities();
    RETURN_IF_ERROR(ApplyPatches(spec, doc, &entities, &patch_used, &out.report));
    std::vector<Entity> mapped = ResolveOverlaps(
        MapLabels(spec, doc, entities, &out.labels, &out.report), doc.id(), &out.report);
    doc.ClearEntities();
    RETURN_IF_ERROR(doc.AddEntities(std::move(mapped)).WithContext("corpus '" + spec.name + "'"));
    doc.set_corpus(spec.name);
    out.sentences.push_back(SplitDocumentSentences(doc));
    for (const Entity* e : EntitiesCrossingSentences(doc, out.sentences.back())) {
      out.report.Add("entity crosses a sentence boundary (kept)", Describe(doc.id(), *e));
    }
    out.documents.push_back(std::move(doc));
  }
  for (size_t i = 0; i < spec.patches.size(); ++i) {
    if (!patch_used[i]) {
      out.report.Add("patch did not apply (entity not found): " + spec.patches[i].reason,
                     spec.patches[i].document);
    }
  }

  std::vector<std::string> ids;
  ids.reserve(out.documents.size());
  for (const Document& d : out.documents) ids.push_back(d.id());
  const std::vector<std::string> keys = SplitKeys(ids, spec.split_ids);
  std::map<std::string, SplitAssignment> by_family;  // types may share one split family
  const std::string splits_dir = options.root + "/" + registry.splits_dir();
  for (const auto& [type, family] : spec.split_files) {
    auto it = by_family.find(family);
    if (it == by_family.end()) {
      auto fam = ReadSplitFamily(splits_dir, family);
      if (!fam.ok()) return fam.status().WithContext("corpus '" + spec.name + "'");
      it = by_family.emplace(family, AssignSplits(keys, *fam, &out.report)).first;
    }
    out.splits[type] = it->second;
  }
  return out;
}

StatusOr<std::vector<Document>> SplitDocuments(const LoadedCorpus& corpus,
                                               const std::string& split,
                                               const std::vector<std::string>& types) {
  const CorpusSpec& spec = *corpus.spec;
  if (!IsSplitName(split)) {
    return InvalidArgument("unknown split '" + split + "' (train, dev or test)");
  }
  if (split == "train" && spec.held_out()) {
    return FailedPrecondition("corpus '" + spec.name + "' is held out for cross-corpus "
                              "evaluation; its train split is never used for training or exported");
  }
  std::vector<std::string> wanted = types.empty() ? spec.Types() : types;
  std::vector<size_t> order;                   // documents in order of first appearance
  std::map<size_t, std::set<std::string>> doc_types;
  for (const std::string& type : wanted) {
    auto it = corpus.splits.find(type);
    if (it == corpus.splits.end()) continue;
    auto docs = it->second.docs.find(split);
    if (docs == it->second.docs.end()) continue;
    for (size_t idx : docs->second) {
      if (!doc_types.count(idx)) order.push_back(idx);
      doc_types[idx].insert(type);
    }
  }
  std::vector<Document> out;
  out.reserve(order.size());
  for (size_t idx : order) {
    Document d = corpus.documents[idx];
    std::vector<Entity> keep;
    for (const Entity& e : d.entities()) {
      if (doc_types[idx].count(e.type)) keep.push_back(e);
    }
    d.ClearEntities();
    RETURN_IF_ERROR(d.AddEntities(std::move(keep)));
    out.push_back(std::move(d));
  }
  return out;
}

namespace {

// The words of `text` as [start, end) code points (the cased pre-tokenizer's, as the word
// taggers' encoder splits them). Empty for text the pre-tokenizer refuses.
std::vector<std::pair<int64_t, int64_t>> WordSpans(const std::string& text) {
  std::vector<std::pair<int64_t, int64_t>> words;
  Status s = text::PreTokenize(text, /*lowercase=*/false, [&](const text::AlignedChars& c, size_t begin, size_t end) {
    words.emplace_back(c.origin[begin], c.origin[end - 1] + 1);
  });
  if (!s.ok()) words.clear();
  return words;
}

// Counts the entities of `type` in `d` a boundary of which falls strictly inside a word.
void CountInsideWords(const Document& d, const std::string& type, SplitStats* s) {
  std::vector<std::pair<int64_t, int64_t>> words;
  bool split = false;
  for (const Entity& e : d.entities()) {
    if (e.type != type) continue;
    if (!split) words = WordSpans(d.text()), split = true;
    const int64_t start = static_cast<int64_t>(e.start), end = static_cast<int64_t>(e.end);
    auto inside = [&](int64_t p) {
      auto w = std::partition_point(words.begin(), words.end(), [&](const auto& x) { return x.second <= p; });
      return w != words.end() && w->first < p;
    };
    if (!inside(start) && !inside(end)) continue;
    ++s->inside_words;
    if (s->inside_word_examples.size() < 3) {
      auto first = std::partition_point(words.begin(), words.end(), [&](const auto& x) { return x.second <= start; });
      auto last = std::partition_point(words.begin(), words.end(), [&](const auto& x) { return x.first < end; });
      const int64_t a = first == words.end() ? start : std::min(first->first, start);
      const int64_t b = last == words.begin() ? end : std::max((last - 1)->second, end);
      auto context = utf8::Substr(d.text(), static_cast<size_t>(a), static_cast<size_t>(b));
      s->inside_word_examples.push_back("\"" + e.text + "\" in \"" + (context.ok() ? *context : "?") + "\" (" +
                                        d.id() + ")");
    }
  }
}

}  // namespace

std::map<std::string, std::map<std::string, SplitStats>> ComputeStats(const LoadedCorpus& corpus) {
  std::map<std::string, std::map<std::string, SplitStats>> out;
  for (const auto& [type, assignment] : corpus.splits) {
    for (const char* split : kSplitNames) {
      SplitStats& s = out[type][split];
      if (auto m = assignment.missing.find(split); m != assignment.missing.end()) {
        s.missing_ids = m->second;
      }
      auto docs = assignment.docs.find(split);
      if (docs == assignment.docs.end()) continue;
      for (size_t idx : docs->second) {
        const Document& d = corpus.documents[idx];
        const auto& sentences = corpus.sentences[idx];
        ++s.documents;
        s.sentences += static_cast<long>(sentences.size());
        for (const Entity& e : d.entities()) s.entities += e.type == type;
        CountInsideWords(d, type, &s);
        for (const Entity* e : EntitiesCrossingSentences(d, sentences)) {
          s.crossing_sentences += e->type == type;
        }
      }
    }
  }
  return out;
}

}  // namespace bioner
