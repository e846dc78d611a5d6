#include "core/corpus/splits.h"

#include <set>
#include <unordered_map>

#include "core/formats/common.h"
#include "core/util/file.h"
#include "core/util/strings.h"

namespace bioner {

std::vector<std::string> ParseSplitIds(std::string_view content) {
  std::vector<std::string> ids;
  // Split files come with CRLF, and a few ids carry stray blanks; ids never contain spaces.
  for (std::string_view line : formats::SplitLines(content)) {
    line = Trim(line);
    if (!line.empty()) ids.emplace_back(line);
  }
  return ids;
}

StatusOr<std::vector<std::string>> ReadSplitFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string content, ReadFile(path));
  return ParseSplitIds(content);
}

StatusOr<SplitFamily> ReadSplitFamily(const std::string& splits_dir, const std::string& name) {
  SplitFamily f;
  f.name = name;
  for (const char* split : kSplitNames) {
    const std::string path = splits_dir + "/" + name + "." + split;
    auto ids = ReadSplitFile(path);
    if (!ids.ok()) {
      return Status(ids.status().code(), "split file of '" + name + "': " + ids.status().message());
    }
    f.ids[split] = std::move(ids).value();
  }
  return f;
}

std::vector<std::string> SplitKeys(const std::vector<std::string>& doc_ids, SplitIdRule rule) {
  std::vector<std::string> keys;
  keys.reserve(doc_ids.size());
  for (size_t i = 0; i < doc_ids.size(); ++i) {
    std::string k = doc_ids[i];
    switch (rule) {
      case SplitIdRule::kAsIs:
        break;
      case SplitIdRule::kDotToUnderscore:
        for (char& c : k) {
          if (c == '.') c = '_';
        }
        break;
      case SplitIdRule::kSequence:
        k = std::to_string(i);
        break;
      case SplitIdRule::kMirnaTrainTest:
        for (const char* suffix : {"-train", "-test"}) {
          const std::string s(suffix);
          if (k.size() > s.size() && k.compare(k.size() - s.size(), s.size(), s) == 0) {
            k.resize(k.size() - s.size());
            break;
          }
        }
        break;
    }
    keys.push_back(std::move(k));
  }
  return keys;
}

SplitAssignment AssignSplits(const std::vector<std::string>& doc_keys, const SplitFamily& family,
                             CorpusReport* report) {
  // A key may name several documents only under kMirnaTrainTest (train and test copies of one
  // id); a repeated key otherwise is a duplicate document, and the first one is kept.
  std::unordered_map<std::string, std::vector<size_t>> by_key;
  for (size_t i = 0; i < doc_keys.size(); ++i) by_key[doc_keys[i]].push_back(i);

  SplitAssignment out;
  std::vector<int> times_assigned(doc_keys.size(), 0);
  for (const char* split : kSplitNames) {
    auto it = family.ids.find(split);
    std::vector<size_t>& docs = out.docs[split];
    if (it == family.ids.end()) continue;
    std::set<std::string> seen;
    for (const std::string& id : it->second) {
      if (!seen.insert(id).second) {
        report->Add(std::string("split id listed twice (") + split + ")", family.name + ":" + id);
        continue;
      }
      auto d = by_key.find(id);
      if (d == by_key.end()) {
        report->Add(std::string("split id missing from corpus (") + split + ")",
                    family.name + ":" + id);
        ++out.missing[split];
        continue;
      }
      for (size_t idx : d->second) {
        if (times_assigned[idx]++ == 1) {
          report->Add("document in more than one split", family.name + ":" + id);
        }
        docs.push_back(idx);
      }
    }
  }
  for (size_t i = 0; i < doc_keys.size(); ++i) {
    if (times_assigned[i] == 0) report->Add("document in no split", family.name + ":" + doc_keys[i]);
  }
  return out;
}

}  // namespace bioner
