// bioner-tool show: prints JSONL documents readably for a person — each passage with its
// entities marked in the text, then a table of the entities (offsets, type, score, text).
#include <iomanip>
#include <iostream>
#include <string>

#include "core/doc/jsonl.h"
#include "core/util/args.h"
#include "core/util/utf8.h"
#include "tool/commands.h"

namespace bioner::tool {
namespace {

// The document text with every entity wrapped as [text]{Type}. Nested or overlapping
// entities (of different models) are marked as they open and close.
std::string MarkedText(const Document& doc) {
  const std::vector<char32_t> cps = utf8::Decode(doc.text());
  std::vector<std::string> opens(cps.size() + 1), closes(cps.size() + 1);
  for (const Entity& e : doc.entities()) {
    opens[e.start] += "[";
    closes[e.end] = "]{" + e.type + "}" + closes[e.end];
  }
  std::string out;
  for (size_t i = 0; i <= cps.size(); ++i) {
    out += closes[i];
    out += opens[i];
    if (i < cps.size()) utf8::Append(cps[i], &out);
  }
  return out;
}

void Show(const Document& doc, std::ostream& os) {
  os << "== " << doc.id() << (doc.corpus().empty() ? "" : " (" + doc.corpus() + ")") << "\n";
  os << MarkedText(doc) << "\n\n";
  if (doc.entities().empty()) {
    os << "  (no entities)\n\n";
    return;
  }
  os << "  " << std::left << std::setw(7) << "start" << std::setw(7) << "end" << std::setw(10)
     << "type" << std::setw(7) << "score" << "text\n";
  for (const Entity& e : doc.entities()) {
    os << "  " << std::left << std::setw(7) << e.start << std::setw(7) << e.end << std::setw(10)
       << e.type << std::setw(7) << std::fixed << std::setprecision(2) << e.score << e.text
       << "\n";
  }
  os << "\n";
}

}  // namespace

int RunShow(int argc, char** argv) {
  ArgParser args("bioner-tool show", "Prints JSONL documents from stdin with entities marked.");
  if (auto exit_code = args.ParseCommandLine(argc, argv)) return *exit_code;
  Status s = ReadJsonl(std::cin, "stdin", [](Document d) {
    Show(d, std::cout);
    return Status::Ok();
  });
  if (!s.ok()) {
    std::cerr << "bioner-tool show: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace bioner::tool
