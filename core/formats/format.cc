#include "core/formats/format.h"

#include <algorithm>

#include "core/formats/readers.h"

namespace bioner {
namespace {

constexpr size_t kMaxExamples = 5;

// Every reader's documents carry the registry name of their corpus.
template <FormatReader kRead>
StatusOr<std::vector<Document>> WithCorpus(const FormatInput& input, CorpusReport* report) {
  StatusOr<std::vector<Document>> docs = kRead(input, report);
  if (docs.ok()) {
    for (Document& d : *docs) d.set_corpus(input.corpus);
  }
  return docs;
}

struct NamedReader {
  const char* name;
  FormatReader reader;
};

// Sorted by name, so FormatNames() needs no sort and a missing entry is easy to spot.
constexpr NamedReader kReaders[] = {
    {"bc2gm", &WithCorpus<&formats::ReadBc2gm>},
    {"bioc_json", &WithCorpus<&formats::ReadBiocJson>},
    {"bioc_xml", &WithCorpus<&formats::ReadBiocXml>},
    {"brat", &WithCorpus<&formats::ReadBrat>},
    {"cll_nersuite", &WithCorpus<&formats::ReadCllNersuite>},
    {"iob2", &WithCorpus<&formats::ReadIob2>},
    {"jats", &WithCorpus<&formats::ReadJats>},
    {"linnaeus", &WithCorpus<&formats::ReadLinnaeus>},
    {"osiris", &WithCorpus<&formats::ReadOsiris>},
    {"plain_text", &WithCorpus<&formats::ReadPlainText>},
    {"ppi_xml", &WithCorpus<&formats::ReadPpiXml>},
    {"pubannotation_json", &WithCorpus<&formats::ReadPubannotationJson>},
    {"pubmed_xml", &WithCorpus<&formats::ReadPubmedXml>},
    {"pubtator", &WithCorpus<&formats::ReadPubtator>},
    {"s800", &WithCorpus<&formats::ReadS800>},
};

}  // namespace

void CorpusReport::Add(const std::string& reason, const std::string& example) {
  ++counts[reason];
  std::vector<std::string>& list = examples[reason];
  if (!example.empty() && list.size() < kMaxExamples) list.push_back(example);
}

void CorpusReport::Merge(const CorpusReport& other) {
  for (const auto& [reason, n] : other.counts) counts[reason] += n;
  for (const auto& [reason, list] : other.examples) {
    std::vector<std::string>& mine = examples[reason];
    for (const std::string& e : list) {
      if (mine.size() >= kMaxExamples) break;
      mine.push_back(e);
    }
  }
}

FormatReader FindFormat(std::string_view name) {
  for (const NamedReader& r : kReaders) {
    if (name == r.name) return r.reader;
  }
  return nullptr;
}

std::vector<std::string> FormatNames() {
  std::vector<std::string> names;
  for (const NamedReader& r : kReaders) names.emplace_back(r.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace bioner
