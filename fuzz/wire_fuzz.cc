// Fuzz target: the wire -> document conversion (proto/convert.h) behind every Annotate call.
// The input is a serialized bioner.v1.AnnotateRequest; each of its documents goes through
//  * the client's path: FromWire reading entities (as from a response), offsets as sent; a
//    document read must survive ToWire and read back the same;
//  * the server's path: FromWire with gaps compacted (sent_offsets), one entity on the first
//    character of each passage (as the tagger might find), ToWire with the offsets restored.
//    The reply must carry the offsets sent, and, whenever the document is valid as sent, the
//    client must be able to read the reply's entities against the text it sent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <google/protobuf/stubs/logging.h>

#include "bioner/v1/tagger.pb.h"
#include "core/util/utf8.h"
#include "fuzz/checks.h"
#include "proto/convert.h"

using bioner::Document;
using bioner::Entity;
using bioner::Passage;
using bioner::StatusOr;
using bioner::fuzz::Die;
using bioner::fuzz::ExpectMessage;
using bioner::fuzz::ExpectOk;
using bioner::wire::Entities;

namespace {

void ClientPath(const bioner::v1::Document& sent) {
  const StatusOr<Document> doc = bioner::wire::FromWire(sent, Entities::kRead);
  ExpectMessage(doc);
  if (!doc.ok()) return;
  bioner::v1::Document out;
  bioner::wire::ToWire(*doc, Entities::kRead, &out);
  const StatusOr<Document> again = bioner::wire::FromWire(out, Entities::kRead);
  ExpectOk(again.status(), "a document read from the wire is written back readable");
  if (again->text() != doc->text() || !(again->entities() == doc->entities())) {
    Die("document '" + doc->id() + "' reads back different");
  }
}

void ServerPath(const bioner::v1::Document& sent) {
  std::vector<uint64_t> sent_offsets;
  StatusOr<Document> doc = bioner::wire::FromWire(sent, Entities::kIgnore, &sent_offsets);
  ExpectMessage(doc);
  if (!doc.ok()) return;
  if (sent_offsets.size() != doc->passages().size()) Die("sent_offsets do not match passages");
  std::vector<Entity> found;
  for (const Passage& p : doc->passages()) {
    if (p.text.empty()) continue;
    Entity e;
    e.start = p.offset;
    e.end = p.offset + 1;
    e.type = "Gene";
    found.push_back(e);
  }
  ExpectOk(doc->AddEntities(found), "an entity on a passage's first character");

  bioner::v1::Document reply;
  bioner::wire::ToWire(*doc, Entities::kRead, &reply, &sent_offsets);
  if (reply.passages_size() != sent.passages_size()) Die("reply lost passages");
  for (int i = 0; i < sent.passages_size(); ++i) {
    if (reply.passages(i).offset() != sent.passages(i).offset()) Die("reply moved a passage");
  }
  // Only a document valid as sent has a text the client can hold (gaps materialised).
  if (!bioner::wire::FromWire(sent, Entities::kIgnore).ok()) return;
  const StatusOr<Document> client = bioner::wire::FromWire(reply, Entities::kRead);
  ExpectOk(client.status(), "the client reads the server's entities against the text it sent");
  if (client->entities().size() != found.size()) Die("the client reads other entities");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // protobuf logs every string field that is not UTF-8 (the parse fails, as in the server);
  // a million such lines would only slow the fuzzer down.
  static const bool silenced = [] {
    google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int,
                                       const std::string&) {});
    return true;
  }();
  (void)silenced;
  bioner::v1::AnnotateRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  for (const bioner::v1::Document& d : request.documents()) {
    ClientPath(d);
    ServerPath(d);
  }
  return 0;
}
