#include "core/corpus/format.h"

#include <algorithm>

#include "core/corpus/formats/readers.h"

namespace bioner {
namespace {

constexpr size_t kMaxExamples = 5;

struct NamedReader {
  const char* name;
  FormatReader reader;
};

// Sorted by name, so FormatNames() needs no sort and a missing entry is easy to spot.
constexpr NamedReader kReaders[] = {
    {"bc2gm", &formats::ReadBc2gm},
    {"bioc_xml", &formats::ReadBiocXml},
    {"brat", &formats::ReadBrat},
    {"cll_nersuite", &formats::ReadCllNersuite},
    {"iob2", &formats::ReadIob2},
    {"linnaeus", &formats::ReadLinnaeus},
    {"osiris", &formats::ReadOsiris},
    {"ppi_xml", &formats::ReadPpiXml},
    {"pubannotation_json", &formats::ReadPubannotationJson},
    {"pubtator", &formats::ReadPubtator},
    {"s800", &formats::ReadS800},
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
