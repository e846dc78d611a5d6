#include "server/grpc_status.h"

namespace bioner::server {

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const int code = static_cast<int>(status.code());
  // Every bioner code has a gRPC twin; anything else would be a bug, reported as INTERNAL.
  if (code < grpc::StatusCode::CANCELLED || code > grpc::StatusCode::UNAUTHENTICATED) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unknown status code " +
                                                        std::to_string(code) + ": " +
                                                        status.message());
  }
  return grpc::Status(static_cast<grpc::StatusCode>(code), status.message());
}

}  // namespace bioner::server
