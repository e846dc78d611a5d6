// Fuzz target: the input formats of bioner-client and bioner-tool (core/formats/inputs.h):
// plain text, PubMed XML, JATS, BioC XML, BioC JSON and PubTator. One target for the six,
// because they share the entry point (ReadInput) and the XML parse; the FIRST BYTE picks the
// format (byte % 6, in the order of kFormats: seeds start with '0'...'5') and the rest is the
// file. Format detection (DetectInputFormat) runs on the same file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/formats/inputs.h"
#include "fuzz/checks.h"
#include "fuzz/scratch_dir.h"

namespace {

struct InputFormat {
  const char* name;
  const char* file;  // a name DetectInputFormat would give this format, where one exists
};

constexpr InputFormat kFormats[] = {
    {"plain_text", "input.txt"},  {"pubmed_xml", "input.xml"}, {"jats", "input.nxml"},
    {"bioc_xml", "input.xml"},    {"bioc_json", "input.json"}, {"pubtator", "input.pubtator"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const InputFormat& format = kFormats[data[0] % std::size(kFormats)];
  const std::string_view file(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string path = bioner::fuzz::ScratchDir::Get().Write(format.file, file);

  bioner::fuzz::ExpectMessage(bioner::DetectInputFormat(path));
  bioner::CorpusReport report;
  bioner::fuzz::ExpectMessage(bioner::ReadInput(path, format.name, &report));
  return 0;
}
