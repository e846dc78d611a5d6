#include "server/annotate_stream_reactor.h"

#include "server/annotator.h"
#include "server/convert.h"
#include "server/grpc_status.h"

namespace bioner::server {

AnnotateStreamReactor::AnnotateStreamReactor(const ServiceContext& service,
                                             grpc::CallbackServerContext* ctx)
    : service_(service), ticket_(TicketFor(*ctx)) {
  Status auth = Authenticate(*ctx, service_.options.bearer_token);
  if (!auth.ok()) {
    finished_ = true;
    final_status_ = auth;
    if (service_.metrics) service_.metrics->ObserveRequest("AnnotateStream", CodeName(grpc::StatusCode::UNAUTHENTICATED), 0);
    Finish(ToGrpcStatus(auth));
    return;
  }
  reading_ = true;
  StartRead(&request_);
}

void AnnotateStreamReactor::OnReadDone(bool ok) {
  if (!ok) {
    std::unique_lock<std::mutex> lock(mu_);
    reading_ = false;
    reads_done_ = true;
    Actions a = NextActionsLocked();
    lock.unlock();
    Perform(a);
    return;
  }
  v1::AnnotateStreamRequest request;
  request.Swap(&request_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++inflight_;  // before submitting: the result may come back before Submit returns
  }
  Submit(std::move(request));
  std::unique_lock<std::mutex> lock(mu_);
  reading_ = false;
  Actions a = NextActionsLocked();
  lock.unlock();
  Perform(a);
}

void AnnotateStreamReactor::Submit(v1::AnnotateStreamRequest request) {
  const std::string id = request.document().id();
  std::vector<std::string> types(request.entity_types().begin(), request.entity_types().end());
  auto models = service_.registry->Select(types);
  if (!models.ok()) {
    OnDocumentDone(id, models.status());
    return;
  }
  auto doc = FromProto(request.document(), service_.options.max_document_bytes);
  if (!doc.ok()) {
    OnDocumentDone(id, doc.status());
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    models_used_.insert(models->begin(), models->end());
  }
  Status s = AnnotateDocument(std::move(doc).value(), *models, ticket_,
                              [this, id](StatusOr<Document> result) {
                                OnDocumentDone(id, std::move(result));
                              });
  if (!s.ok()) OnDocumentDone(id, s);
}

void AnnotateStreamReactor::OnDocumentDone(std::string id, StatusOr<Document> result) {
  v1::AnnotateStreamResponse response;
  response.set_id(id);
  if (result.ok()) {
    ToProto(*result, response.mutable_document());
    if (service_.metrics) service_.metrics->AddDocuments(1);
  } else {
    response.mutable_error()->set_code(static_cast<int>(result.status().code()));
    response.mutable_error()->set_message(result.status().message());
  }
  std::unique_lock<std::mutex> lock(mu_);
  --inflight_;
  if (!broken_) outbox_.push_back(std::move(response));
  Actions a = NextActionsLocked();
  lock.unlock();
  Perform(a);  // the last touch when it finishes: OnDone may delete the reactor at once
}

void AnnotateStreamReactor::OnWriteDone(bool ok) {
  std::unique_lock<std::mutex> lock(mu_);
  writing_ = false;
  outbox_.pop_front();
  if (!ok && !broken_) {
    broken_ = true;
    final_status_ = Status(StatusCode::kCancelled, "the stream broke while writing");
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
      while (outbox_.size() > (writing_ ? 1u : 0u)) outbox_.pop_back();
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
    a.write = &outbox_.front();
  }
  if (!broken_ && !reading_ && !reads_done_ &&
      inflight_ < static_cast<size_t>(service_.options.max_stream_inflight_documents)) {
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
  if (a.finish) {
    const grpc::Status status = ToGrpcStatus(final_status_);
    if (service_.metrics) {
      service_.metrics->ObserveRequest(
          "AnnotateStream", CodeName(status.error_code()),
          std::chrono::duration<double>(Clock::now() - start_).count());
    }
    Finish(status);
  }
}

}  // namespace bioner::server
