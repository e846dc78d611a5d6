#include "server/annotate_stream_reactor.h"

#include <chrono>

#include "server/annotator.h"
#include "proto/convert.h"
#include "server/convert.h"
#include "server/grpc_status.h"
#include "server/stream_idle_watch.h"

namespace bioner::server {
namespace {

// How a call ended for the client. `sent` is the status the reactor finished with. When the
// client never received it (it cancelled, its deadline passed, the connection broke), gRPC
// marks the call cancelled; that is final once OnDone runs, after gRPC's completion op.
// gRPC does not say why a call was cancelled: one cancelled at its deadline counts as
// DEADLINE_EXCEEDED. The client's own deadline timer usually fires first, so its
// RST_STREAM arrives a little before the server's deadline (which runs from the
// grpc-timeout header, rounded up to three significant figures: up to 1% later, plus
// transit); hence the margin of 1% of the timeout + 100 ms.
grpc::StatusCode EndCode(const grpc::CallbackServerContext& ctx, Clock::time_point start,
                         grpc::StatusCode sent) {
  if (!ctx.IsCancelled()) return sent;
  const auto now = std::chrono::system_clock::now();
  const auto started =
      now - std::chrono::duration_cast<std::chrono::system_clock::duration>(Clock::now() - start);
  const auto deadline = ctx.deadline();
  // "No deadline" is a time point far in the future (as in TicketFor).
  if (deadline - started > std::chrono::hours(24)) return grpc::StatusCode::CANCELLED;
  const auto margin = (deadline - started) / 100 + std::chrono::milliseconds(100);
  return now + margin >= deadline ? grpc::StatusCode::DEADLINE_EXCEEDED
                                  : grpc::StatusCode::CANCELLED;
}

}  // namespace

AnnotateStreamReactor::AnnotateStreamReactor(const ServiceContext& service,
                                             grpc::CallbackServerContext* ctx)
    : service_(service), ctx_(ctx), ticket_(TicketFor(*ctx)) {
  Status auth = Authenticate(*ctx, service_.options.bearer_token);
  if (!auth.ok()) {
    finished_ = true;
    final_status_ = auth;
    Finish(ToGrpcStatus(auth));  // counted in OnDone
    return;
  }
  reading_ = true;
  if (service_.idle_watch) service_.idle_watch->Register(this);
  StartRead(&request_);
}

bool AnnotateStreamReactor::TakeIdleFinish(std::chrono::seconds limit) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_ || inflight_ > 0 || !outbox_.empty() || writing_) return false;
  if (Clock::now() - last_activity_ < limit) return false;
  finished_ = true;
  final_status_ =
      Status(StatusCode::kDeadlineExceeded,
             "the stream sent no document for " + std::to_string(limit.count()) +
                 " s with none in flight (limits.stream_idle_timeout_s): half-close a stream "
                 "when its documents are sent, or open one when there are documents to send");
  return true;
}

void AnnotateStreamReactor::FinishIdle() {
  Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    status = final_status_;
  }
  Finish(ToGrpcStatus(status));  // the pending read then ends with ok == false
}

void AnnotateStreamReactor::OnReadDone(bool ok) {
  if (!ok) {
    std::unique_lock<std::mutex> lock(mu_);
    last_activity_ = Clock::now();
    reading_ = false;
    reads_done_ = true;
    Actions a = NextActionsLocked();
    lock.unlock();
    Perform(a);
    return;
  }
  v1::AnnotateStreamRequest request;
  request.Swap(&request_);
  const size_t bytes = request.ByteSizeLong();
  bool duplicate = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++inflight_;  // before submitting: the result may come back before Submit returns
    inflight_bytes_ += bytes;
    last_activity_ = Clock::now();
    duplicate = !open_ids_.insert(request.document().id()).second;
  }
  if (duplicate) {
    const std::string& id = request.document().id();
    OnDocumentDone(id, bytes,
                   InvalidArgument("document id '" + id +
                                   "' is already in flight in this stream: answers are "
                                   "matched by id; this later document is refused and the "
                                   "earlier one is answered"),
                   {}, /*duplicate=*/true);
  } else {
    Submit(std::move(request), bytes);
  }
  std::unique_lock<std::mutex> lock(mu_);
  reading_ = false;
  Actions a = NextActionsLocked();
  lock.unlock();
  Perform(a);
}

void AnnotateStreamReactor::Submit(v1::AnnotateStreamRequest request, size_t bytes) {
  const std::string id = request.document().id();
  std::vector<std::string> types(request.entity_types().begin(), request.entity_types().end());
  auto models = service_.registry->Select(types);
  if (!models.ok()) {
    OnDocumentDone(id, bytes, models.status());
    return;
  }
  auto doc = FromProto(request.document(), service_.options.max_document_bytes);
  if (!doc.ok()) {
    OnDocumentDone(id, bytes, doc.status());
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    models_used_.insert(models->begin(), models->end());
  }
  auto wire_offsets = std::make_shared<const std::vector<uint64_t>>(std::move(doc->wire_offsets));
  Status s = AnnotateDocument(std::move(doc->doc), *models, ticket_,
                              [this, id, bytes, wire_offsets](StatusOr<Document> result) {
                                OnDocumentDone(id, bytes, std::move(result), *wire_offsets);
                              });
  if (!s.ok()) OnDocumentDone(id, bytes, s);
}

void AnnotateStreamReactor::OnDocumentDone(std::string id, size_t bytes, StatusOr<Document> result,
                                           const std::vector<uint64_t>& wire_offsets,
                                           bool duplicate) {
  v1::AnnotateStreamResponse response;
  response.set_id(id);
  if (result.ok()) {
    wire::ToWire(*result, wire::Entities::kRead, response.mutable_document(), &wire_offsets);
    if (service_.metrics) service_.metrics->AddDocuments(1);
  } else {
    response.mutable_error()->set_code(static_cast<int>(result.status().code()));
    response.mutable_error()->set_message(result.status().message());
  }
  std::unique_lock<std::mutex> lock(mu_);
  --inflight_;
  if (broken_) {
    inflight_bytes_ -= bytes;
  } else {
    outbox_.push_back(Outgoing{std::move(response), bytes, duplicate});  // counted until written
  }
  Actions a = NextActionsLocked();
  lock.unlock();
  Perform(a);  // the last touch when it finishes: OnDone may delete the reactor at once
}

void AnnotateStreamReactor::OnWriteDone(bool ok) {
  std::unique_lock<std::mutex> lock(mu_);
  writing_ = false;
  last_activity_ = Clock::now();
  inflight_bytes_ -= outbox_.front().bytes;
  // Its id is free again once the client has the answer (a refusal leaves the id open).
  if (!outbox_.front().duplicate) open_ids_.erase(outbox_.front().response.id());
  outbox_.pop_front();
  if (!ok && !broken_) {
    broken_ = true;
    final_status_ = Status(StatusCode::kCancelled, "the stream broke while writing");
    for (const Outgoing& o : outbox_) inflight_bytes_ -= o.bytes;
    outbox_.clear();
    ticket_->Cancel();
  }
  Actions a = NextActionsLocked();
  const bool purge = !ok;
  lock.unlock();
  if (purge) PurgeAll();
  Perform(a);
}

void AnnotateStreamReactor::OnCancel() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!broken_) {
      broken_ = true;
      final_status_ = Cancelled("the stream was cancelled");
      // The write in flight (if any) stays until OnWriteDone; the rest is dropped.
      while (outbox_.size() > (writing_ ? 1u : 0u)) {
        inflight_bytes_ -= outbox_.back().bytes;
        outbox_.pop_back();
      }
    }
  }
  ticket_->Cancel();
  PurgeAll();
  std::unique_lock<std::mutex> lock(mu_);
  Actions a = NextActionsLocked();
  lock.unlock();
  Perform(a);
}

void AnnotateStreamReactor::PurgeAll() {
  std::set<std::shared_ptr<const ServingModel>> models;
  {
    std::lock_guard<std::mutex> lock(mu_);
    models = models_used_;
  }
  for (const auto& m : models) m->batcher->Purge();
}

AnnotateStreamReactor::Actions AnnotateStreamReactor::NextActionsLocked() {
  Actions a;
  if (finished_) return a;
  if (!broken_ && !writing_ && !outbox_.empty()) {
    writing_ = true;
    a.write = &outbox_.front().response;
  }
  if (!broken_ && !reading_ && !reads_done_ &&
      inflight_ + outbox_.size() < static_cast<size_t>(service_.options.max_stream_inflight_documents) &&
      inflight_bytes_ < static_cast<size_t>(service_.options.max_request_bytes)) {
    reading_ = true;
    a.read = true;
  }
  const bool drained = inflight_ == 0 && !writing_ && !reading_;
  if (drained && (broken_ || (reads_done_ && outbox_.empty()))) {
    finished_ = true;
    a.finish = true;
  }
  return a;
}

void AnnotateStreamReactor::Perform(const Actions& a) {
  if (a.write) StartWrite(a.write);
  if (a.read) StartRead(&request_);
  if (a.finish) Finish(ToGrpcStatus(final_status_));  // counted in OnDone
}

void AnnotateStreamReactor::OnDone() {
  if (service_.idle_watch) service_.idle_watch->Unregister(this);
  // Not when finishing: a cancelled or expired call first looks like a half-close
  // (OnReadDone(false)) and may finish OK before OnCancel; only now is its end known.
  if (service_.metrics) {
    grpc::StatusCode sent;
    {
      std::lock_guard<std::mutex> lock(mu_);
      sent = ToGrpcStatus(final_status_).error_code();
    }
    const grpc::StatusCode code = EndCode(*ctx_, start_, sent);
    service_.metrics->ObserveRequest("AnnotateStream", CodeName(code),
                                     std::chrono::duration<double>(Clock::now() - start_).count());
  }
  delete this;
}

}  // namespace bioner::server
