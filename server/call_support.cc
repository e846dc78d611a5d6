#include "server/call_support.h"

#include <chrono>

namespace bioner::server {

Status Authenticate(const grpc::CallbackServerContext& ctx, const std::string& token) {
  if (token.empty()) return Status::Ok();
  const auto& md = ctx.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return Unauthenticated("missing bearer token (metadata 'authorization: Bearer <token>')");
  const std::string got(it->second.data(), it->second.size());
  const std::string want = "Bearer " + token;
  unsigned char diff = got.size() == want.size() ? 0 : 1;
  for (size_t i = 0; i < got.size(); ++i) diff |= got[i] ^ want[i % want.size()];
  if (diff != 0) return Unauthenticated("wrong bearer token");
  return Status::Ok();
}

std::shared_ptr<WorkTicket> TicketFor(const grpc::CallbackServerContext& ctx) {
  const auto deadline = ctx.deadline();
  const auto now = std::chrono::system_clock::now();
  // "No deadline" is a time point far in the future; anything past a day counts as none.
  if (deadline - now > std::chrono::hours(24)) return std::make_shared<WorkTicket>();
  return std::make_shared<WorkTicket>(
      Clock::now() + std::chrono::duration_cast<Clock::duration>(deadline - now));
}

std::string CodeName(grpc::StatusCode code) {
  return StatusCodeName(static_cast<StatusCode>(code));
}

}  // namespace bioner::server
