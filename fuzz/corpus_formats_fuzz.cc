// Fuzz target: the corpus file-format readers (core/formats/readers.h), through FindFormat as
// the corpus registry calls them. One target for all of them, because they share the entry
// point and the helpers (common.cc); the FIRST BYTE picks the reader and its file layout
// (byte % 12, in the order of kLayouts: seeds start with '0'...';'), and the rest of the input,
// cut at NUL bytes, is the files in the order named (fuzz/scratch_dir.h, SplitParts).
// Options are the ones the registry (core/corpus/corpora.json) gives.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/formats/format.h"
#include "fuzz/checks.h"
#include "fuzz/scratch_dir.h"

namespace {

struct Layout {
  const char* format;
  std::vector<std::string> files;
  std::map<std::string, std::string> options;
};

const std::vector<Layout>& Layouts() {
  static const std::vector<Layout> layouts = {
      {"bc2gm", {"train.in", "GENE.eval"}, {}},
      {"brat", {"doc.txt", "doc.ann"}, {}},
      {"cll_nersuite", {"doc.nersuite"}, {}},
      {"iob2", {"doc.iob2"}, {}},
      {"linnaeus", {"d1.txt", "d2.txt", "tags.tsv"}, {}},
      {"osiris", {"article1.txt", "article1.txt.ann"}, {}},
      {"ppi_xml", {"corpus.xml"}, {}},
      {"ppi_xml", {"corpus.xml"}, {{"ids", "sentence_index"}, {"label", "protein"}}},
      {"pubannotation_json", {"doc.json"}, {}},
      {"s800", {"species001.txt", "S800.tsv"}, {}},
      {"bioc_xml", {"corpus.xml"}, {{"drop_line", "** IGNORE LINE **"}}},
      {"brat", {"doc.txt", "doc.a1", "doc.ann"}, {}},
  };
  return layouts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Layout& layout = Layouts()[data[0] % Layouts().size()];
  const std::vector<std::string_view> parts =
      bioner::fuzz::SplitParts(data + 1, size - 1, layout.files.size());

  bioner::fuzz::ScratchDir& dir = bioner::fuzz::ScratchDir::Get();
  bioner::FormatInput input;
  input.corpus = "fuzz";
  input.options = layout.options;
  for (size_t i = 0; i < parts.size(); ++i) {
    input.files.push_back(dir.Write(layout.files[i], parts[i]));
  }
  bioner::CorpusReport report;
  bioner::fuzz::ExpectMessage(bioner::FindFormat(layout.format)(input, &report));
  return 0;
}
