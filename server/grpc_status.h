// The one mapping from bioner::Status to grpc::Status at the server edge (STYLE.md §1).
// The codes are the same numbers by design (core/util/status.h); the message is kept.
// Stateless; thread-safe.
#ifndef BIONER_SERVER_GRPC_STATUS_H_
#define BIONER_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "core/util/status.h"

namespace bioner::server {

grpc::Status ToGrpcStatus(const Status& status);

}  // namespace bioner::server

#endif  // BIONER_SERVER_GRPC_STATUS_H_
