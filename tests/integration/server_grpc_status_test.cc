// The one mapping from bioner::Status to grpc::Status.
#include <gtest/gtest.h>

#include "server/grpc_status.h"

namespace bioner::server {
namespace {

TEST(GrpcStatusTest, OkIsOk) { EXPECT_TRUE(ToGrpcStatus(Status::Ok()).ok()); }

TEST(GrpcStatusTest, EveryCodeKeepsItsMeaningAndTheMessage) {
  const std::pair<StatusCode, grpc::StatusCode> pairs[] = {
      {StatusCode::kCancelled, grpc::StatusCode::CANCELLED},
      {StatusCode::kUnknown, grpc::StatusCode::UNKNOWN},
      {StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED},
      {StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
      {StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
      {StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
      {StatusCode::kAborted, grpc::StatusCode::ABORTED},
      {StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE},
      {StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
      {StatusCode::kInternal, grpc::StatusCode::INTERNAL},
      {StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS},
      {StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
  };
  for (const auto& [ours, theirs] : pairs) {
    const grpc::Status g = ToGrpcStatus(Status(ours, "document 'x': why"));
    EXPECT_EQ(g.error_code(), theirs) << StatusCodeName(ours);
    EXPECT_EQ(g.error_message(), "document 'x': why");
  }
}

TEST(GrpcStatusTest, AnOutOfRangeCodeBecomesInternal) {
  const grpc::Status g = ToGrpcStatus(Status(static_cast<StatusCode>(42), "odd"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(g.error_message().find("odd"), std::string::npos);
}

}  // namespace
}  // namespace bioner::server
