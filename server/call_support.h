// Small pieces every RPC of the Tagger service needs: authentication, the work ticket of a
// call (deadline and cancellation), and what the service is configured with.
// Stateless functions; thread-safe.
#ifndef BIONER_SERVER_CALL_SUPPORT_H_
#define BIONER_SERVER_CALL_SUPPORT_H_

#include <grpcpp/server_context.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/util/status.h"
#include "server/batcher.h"
#include "server/metrics.h"
#include "server/model_registry.h"

namespace bioner::server {

class StreamIdleWatch;

struct ServiceOptions {
  int64_t max_document_bytes = 1 << 18;
  int64_t max_request_bytes = 1 << 18;  // text of one Annotate call
  int64_t max_stream_inflight_documents = 64;
  std::string bearer_token;  // empty: no authentication
};

// What a reactor needs from the server; outlives every call.
struct ServiceContext {
  ModelRegistry* registry = nullptr;
  ServerMetrics* metrics = nullptr;  // may be null
  StreamIdleWatch* idle_watch = nullptr;  // null: streams may idle forever
  ServiceOptions options;
};

// OK when no token is configured or the call sends "authorization: Bearer <token>";
// UNAUTHENTICATED otherwise (missing or wrong, told apart). Compares in constant time.
Status Authenticate(const grpc::CallbackServerContext& ctx, const std::string& token);

// A ticket carrying the call's deadline (none when the client set none).
std::shared_ptr<WorkTicket> TicketFor(const grpc::CallbackServerContext& ctx);

// "OK", "INVALID_ARGUMENT", ... for metrics labels.
std::string CodeName(grpc::StatusCode code);

}  // namespace bioner::server

#endif  // BIONER_SERVER_CALL_SUPPORT_H_
