// Fuzz target: the project's JSONL document reader (core/doc/jsonl.h), what bioner-client,
// bioner-tool and the trainer read documents from. The input is parsed as one line and as a
// stream; a document that parses must survive DocumentToJson and parse back the same.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "core/doc/jsonl.h"
#include "fuzz/checks.h"

using bioner::Document;
using bioner::Status;
using bioner::StatusOr;
using bioner::fuzz::Die;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  const StatusOr<Document> doc = bioner::ParseDocumentJson(bytes, 1);
  bioner::fuzz::ExpectMessage(doc);
  if (doc.ok()) {
    const std::string json = bioner::DocumentToJson(*doc);
    const StatusOr<Document> again = bioner::ParseDocumentJson(json, 1);
    bioner::fuzz::ExpectOk(again.status(), "written document reads back");
    if (again->id() != doc->id() || again->text() != doc->text() ||
        again->passages().size() != doc->passages().size() ||
        !(again->entities() == doc->entities())) {
      Die("written document reads back different: " + json);
    }
  }

  std::istringstream in{std::string(bytes)};
  size_t count = 0;
  const Status stream = bioner::ReadJsonl(in, "fuzz.jsonl", [&](Document) {
    ++count;
    return Status::Ok();
  });
  bioner::fuzz::ExpectMessage(stream);
  return 0;
}
