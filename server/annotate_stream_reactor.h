// AnnotateStreamReactor: one bidirectional Tagger.AnnotateStream call.
//
// Documents are read one at a time (one read in flight) and submitted as they arrive; each
// annotated document (or its per-document error) is written as soon as it is done, in
// completion order (one write in flight, the rest queued here). A document is in flight
// from its read until its answer is written; at most `max_stream_inflight_documents` of them
// and `max_request_bytes` (their sizes as sent; a unary call's budget) are: beyond either the
// reactor stops reading, so gRPC's flow control pushes back on the client instead of memory
// growing here, also when the client does not read its answers.
// The call finishes OK once the client has half-closed and every response is written;
// OnCancel cancels the call's ticket and purges its queued windows. Reactions never block;
// gRPC operations are started outside the reactor's lock. OnDone counts the call in
// bioner_requests_total by how it really ended (a client that cancels or whose deadline
// passes is seen first as a failed read, like a half-close: only OnDone knows) and deletes
// the reactor.
#ifndef BIONER_SERVER_ANNOTATE_STREAM_REACTOR_H_
#define BIONER_SERVER_ANNOTATE_STREAM_REACTOR_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "bioner/v1/tagger.pb.h"
#include "server/call_support.h"

namespace bioner::server {

class AnnotateStreamReactor final
    : public grpc::ServerBidiReactor<v1::AnnotateStreamRequest, v1::AnnotateStreamResponse> {
 public:
  AnnotateStreamReactor(const ServiceContext& service, grpc::CallbackServerContext* ctx);

  // For StreamIdleWatch: claims the stream's one Finish when nothing was read or written for
  // `limit` and nothing is in flight (true: call FinishIdle, and nothing else will finish it).
  bool TakeIdleFinish(std::chrono::seconds limit);
  void FinishIdle();

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // What to do after a state change, decided under the lock and done outside it.
  struct Actions {
    bool read = false;
    const v1::AnnotateStreamResponse* write = nullptr;
    bool finish = false;
  };
  // `bytes`: the request's size as sent, counted in flight until its answer is queued.
  void Submit(v1::AnnotateStreamRequest request, size_t bytes);
  // `wire_offsets`: the passage offsets the client sent (server/convert.h); read only when
  // `result` is OK.
  void OnDocumentDone(std::string id, size_t bytes, StatusOr<Document> result,
                      const std::vector<uint64_t>& wire_offsets = {}, bool duplicate = false);
  Actions NextActionsLocked();
  void Perform(const Actions& a);
  void PurgeAll();

  const ServiceContext& service_;
  grpc::CallbackServerContext* const ctx_;  // valid until OnDone returns
  std::shared_ptr<WorkTicket> ticket_;
  const Clock::time_point start_ = Clock::now();
  v1::AnnotateStreamRequest request_;  // the buffer of the read in flight

  std::mutex mu_;
  struct Outgoing {
    v1::AnnotateStreamResponse response;
    size_t bytes = 0;  // the request's size as sent, in inflight_bytes_ until written
    bool duplicate = false;  // the refusal of a duplicate id: the id stays open
  };
  std::deque<Outgoing> outbox_;  // front: the write in flight, if any
  Clock::time_point last_activity_ = Clock::now();  // the last read or write completed
  std::set<std::shared_ptr<const ServingModel>> models_used_;
  // Ids read and not yet answered (at most max_stream_inflight_documents). A document whose
  // id is among them is refused: the client matches answers by id, and two answers to one
  // id could not be told apart.
  std::set<std::string> open_ids_;
  size_t inflight_ = 0;
  size_t inflight_bytes_ = 0;  // sizes as sent of inflight_ and outbox_
  bool reading_ = false;
  bool writing_ = false;
  bool reads_done_ = false;
  bool broken_ = false;  // cancelled or a write failed: nothing more is sent
  bool finished_ = false;
  Status final_status_;
};

}  // namespace bioner::server

#endif  // BIONER_SERVER_ANNOTATE_STREAM_REACTOR_H_
