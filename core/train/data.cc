// Loading training data: registry corpora (core/corpus) or JSONL files.
#include "core/train/data.h"

#include <filesystem>
#include <set>

#include "core/corpus/corpus.h"
#include "core/corpus/registry.h"
#include "core/doc/jsonl.h"

namespace bioner::train {
namespace {

Status KeepType(const std::string& type, Document* doc) {
  std::vector<Entity> keep;
  for (const Entity& e : doc->entities()) {
    if (e.type == type) keep.push_back(e);
  }
  doc->ClearEntities();
  return doc->AddEntities(std::move(keep));
}

}  // namespace

StatusOr<std::vector<Document>> ReadJsonlSplit(const std::vector<std::string>& files, const std::string& type) {
  std::vector<Document> out;
  for (const std::string& f : files) {
    ASSIGN_OR_RETURN(std::vector<Document> docs, ReadJsonlFile(f));
    const std::string stem = std::filesystem::path(f).stem().string();
    for (Document& d : docs) {
      if (d.corpus().empty()) d.set_corpus(stem);
      RETURN_IF_ERROR(KeepType(type, &d).WithContext(f));
      out.push_back(std::move(d));
    }
  }
  return out;
}

StatusOr<TrainData> LoadTrainData(const TrainConfig& config) {
  TrainData data;
  if (!config.train_files.empty()) {
    ASSIGN_OR_RETURN(data.train, ReadJsonlSplit(config.train_files, config.entity_type));
    ASSIGN_OR_RETURN(data.dev, ReadJsonlSplit(config.dev_files, config.entity_type));
    ASSIGN_OR_RETURN(data.test, ReadJsonlSplit(config.test_files, config.entity_type));
    std::set<std::string> seen;
    for (const auto* split : {&data.train, &data.dev, &data.test}) {
      for (const Document& d : *split) {
        if (seen.insert(d.corpus()).second) data.corpora.push_back(d.corpus());
      }
    }
    return data;
  }
  const CorpusRegistry& reg = CorpusRegistry::Default();
  std::vector<const CorpusSpec*> specs;
  if (config.corpora.empty()) {
    // As HUNER: every corpus of the type that this installation can load.
    for (const CorpusSpec* s : reg.WithType(config.entity_type)) {
      if (s->status == CorpusStatus::kAvailable) specs.push_back(s);
    }
  } else {
    for (const std::string& name : config.corpora) {
      ASSIGN_OR_RETURN(const CorpusSpec* s, reg.Find(name));
      specs.push_back(s);
    }
  }
  for (const CorpusSpec* spec : specs) {
    auto loaded = LoadCorpus(reg, *spec, CorpusLoadOptions{config.corpus_root});
    if (!loaded.ok()) return loaded.status().WithContext("corpus '" + spec->name + "'");
    data.corpora.push_back(spec->name);
    const std::vector<std::string> types = {config.entity_type};
    for (auto [split, out] : {std::pair{"train", &data.train}, {"dev", &data.dev}, {"test", &data.test}}) {
      auto docs = SplitDocuments(*loaded, split, types);
      if (!docs.ok()) return docs.status().WithContext("corpus '" + spec->name + "' split " + split);
      for (Document& d : *docs) {
        d.set_corpus(spec->name);
        out->push_back(std::move(d));
      }
    }
  }
  return data;
}

}  // namespace bioner::train
