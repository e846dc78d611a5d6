// The C++ client of bioner-server's Tagger service (proto/bioner/v1/tagger.proto), for
// bioner-client and for pipeline code that links bioner_client. No gRPC or protobuf types in
// this header: documents are bioner::Document (core/doc/document.h).
//
//   ASSIGN_OR_RETURN(auto client, TaggerClient::Connect({.server = "localhost:50051"}));
//   Status s = client->AnnotateStream(docs, {"Disease"}, on_document, on_error);
//
// AnnotateStream splits the documents over `streams` AnnotateStream calls (document i to call
// i % streams), each with at most window / streams documents in flight, and when a call fails
// with UNAVAILABLE (server restarting, connection lost, GOAWAY grace over) opens a new one for
// that share after an exponential backoff and resends its documents not yet answered; a
// document is reported exactly once, to on_document or to on_error.
//
// Load balancing: `load_balancing` is the gRPC policy of the channel. "pick_first" (gRPC's
// default) sends every call to one address; "round_robin" spreads the calls over every
// address the target resolves to (e.g. dns:/// of a headless Service, or
// "ipv4:10.0.0.1:50051,10.0.0.2:50051"). A call stays on its server for its life, so only
// streams > 1 spreads one AnnotateStream run. round_robin places a call among the servers
// connected when it starts: the streams are opened once the channel is connected (and
// 250 ms more, for the other servers), and documents_per_call > 0 makes each stream a
// series of calls, each placed anew, so that the run keeps spreading over the servers that
// connected late or were added since.
//
// Thread safety: one TaggerClient may be used by several threads; each call is independent.
// The callbacks run one at a time: on the calling thread when streams == 1, otherwise on the
// threads of the streams (serialised by a mutex, so they need no locking of their own).
#ifndef BIONER_CLIENT_TAGGER_CLIENT_H_
#define BIONER_CLIENT_TAGGER_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/doc/document.h"
#include "core/util/status.h"

namespace bioner::client {

struct ClientOptions {
  std::string server;              // "host:port"
  std::string token;               // sent as "authorization: Bearer <token>"; empty: none
  bool tls = false;                // TLS with the system roots, or root_cert_file's
  std::string root_cert_file;      // PEM roots; implies tls
  int window = 64;                 // documents in flight in all, >= streams
  int streams = 1;                 // parallel AnnotateStream calls per run, 1..256
  int documents_per_call = 0;      // a stream's call ends after this many, the next call
                                   // takes the next ones (and is placed anew); 0: no limit
  std::string load_balancing = "pick_first";  // gRPC policy: "pick_first" or "round_robin"
  int max_attempts = 5;            // stream attempts in a row without progress, >= 1
  int initial_backoff_ms = 500;    // doubled after each failed attempt ...
  int max_backoff_ms = 30000;      // ... up to this
};

struct ModelInfo {
  std::string entity_type;  // "Disease"
  std::string version;      // "Disease/3"
  std::vector<std::string> labels;
  int max_seq_len = 0;
};

class TaggerClient {
 public:
  // Checks the options (the error names the field) and creates the channel; connects lazily.
  static StatusOr<std::unique_ptr<TaggerClient>> Connect(const ClientOptions& options);
  ~TaggerClient();

  StatusOr<std::vector<ModelInfo>> ListModels();

  // Called with each annotated document as it arrives (any order). A non-OK return stops the
  // run, cancels the call, and AnnotateStream returns that status.
  using DocumentFn = std::function<Status(Document)>;
  // Called with the id of a document the server refused and why; the run goes on.
  using ErrorFn = std::function<void(const std::string& id, const Status& error)>;

  // Annotates `docs` (their ids must be unique: responses are matched by id) for
  // `entity_types` (empty: every type served). OK when every document reached one of the
  // callbacks; otherwise the call's error (e.g. UNAVAILABLE after max_attempts, or
  // UNAUTHENTICATED) and the documents not yet reported were not annotated.
  Status AnnotateStream(const std::vector<Document>& docs,
                        const std::vector<std::string>& entity_types,
                        const DocumentFn& on_document, const ErrorFn& on_error);

 private:
  struct Impl;
  explicit TaggerClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bioner::client

#endif  // BIONER_CLIENT_TAGGER_CLIENT_H_
