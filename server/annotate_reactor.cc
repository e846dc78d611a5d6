#include "server/annotate_reactor.h"

#include <mutex>
#include <optional>

#include "server/annotator.h"
#include "proto/convert.h"
#include "server/convert.h"
#include "server/grpc_status.h"

namespace bioner::server {

// The state the document callbacks share; the last Release() finishes the call.
struct AnnotateReactor::Call {
  AnnotateReactor* reactor = nullptr;
  std::shared_ptr<WorkTicket> ticket;
  std::vector<std::shared_ptr<const ServingModel>> models;  // set before any callback
  Clock::time_point start = Clock::now();

  std::mutex mu;
  std::vector<std::optional<Document>> results;
  std::vector<std::vector<uint64_t>> wire_offsets;  // per document, for ToProto
  size_t error_index = SIZE_MAX;  // the first failing document wins...
  Status error;
  Status refusal;  // ...unless the call was refused: then the other documents were cancelled
                   // by us, and the refusal is the answer
  size_t pending = 1;  // documents in flight + the submitter's hold

  void Fail(size_t index, Status s) {
    std::lock_guard<std::mutex> lock(mu);
    if (index < error_index) {
      error_index = index;
      error = std::move(s);
    }
  }

  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (--pending > 0) return;
    }
    reactor->Complete(!refusal.ok() ? refusal : error_index == SIZE_MAX ? Status::Ok() : error, this);
  }
};

AnnotateReactor::AnnotateReactor(const ServiceContext& service, grpc::CallbackServerContext* ctx,
                                 const v1::AnnotateRequest* request, v1::AnnotateResponse* response)
    : service_(service), ctx_(ctx), request_(request), response_(response),
      call_(std::make_shared<Call>()) {
  call_->reactor = this;
  call_->ticket = TicketFor(*ctx);
}

AnnotateReactor* AnnotateReactor::Start(const ServiceContext& service,
                                        grpc::CallbackServerContext* ctx,
                                        const v1::AnnotateRequest* request,
                                        v1::AnnotateResponse* response) {
  auto* r = new AnnotateReactor(service, ctx, request, response);
  r->Begin();
  return r;
}

void AnnotateReactor::Begin() {
  Status auth = Authenticate(*ctx_, service_.options.bearer_token);
  if (!auth.ok()) {
    call_->Fail(0, auth);
    call_->Release();
    return;
  }
  std::vector<std::string> types(request_->entity_types().begin(), request_->entity_types().end());
  auto models = service_.registry->Select(types);
  if (!models.ok()) {
    call_->Fail(0, models.status());
    call_->Release();
    return;
  }
  call_->models = std::move(models).value();
  call_->results.resize(request_->documents_size());
  // The call's size as sent is bounded before anything is converted (limits.max_request_bytes;
  // the config guarantees that the model queues can hold it), and every document is checked
  // before any is queued, so a bad one costs no model time.
  Status size = CheckRequestSize(*request_, service_.options.max_request_bytes);
  if (!size.ok()) {
    call_->Fail(0, size);
    call_->Release();
    return;
  }
  std::vector<Document> docs;
  docs.reserve(request_->documents_size());
  call_->wire_offsets.reserve(request_->documents_size());
  for (int i = 0; i < request_->documents_size(); ++i) {
    auto doc = FromProto(request_->documents(i), service_.options.max_document_bytes);
    if (!doc.ok()) {
      call_->Fail(i, doc.status());
      call_->Release();
      return;
    }
    docs.push_back(std::move(doc->doc));
    call_->wire_offsets.push_back(std::move(doc->wire_offsets));
  }
  std::shared_ptr<Call> call = call_;
  for (size_t i = 0; i < docs.size(); ++i) {
    {
      std::lock_guard<std::mutex> lock(call->mu);
      ++call->pending;
    }
    Status s = AnnotateDocument(std::move(docs[i]), call->models, call->ticket,
                                [call, i](StatusOr<Document> result) {
                                  if (result.ok()) {
                                    std::lock_guard<std::mutex> lock(call->mu);
                                    call->results[i] = std::move(result).value();
                                  } else {
                                    call->Fail(i, result.status());
                                  }
                                  call->Release();
                                });
    if (!s.ok()) {
      // Refused at once (e.g. RESOURCE_EXHAUSTED): what is queued of this call goes too.
      {
        std::lock_guard<std::mutex> lock(call->mu);
        call->refusal = s;
      }
      call->ticket->Cancel();
      for (const auto& m : call->models) m->batcher->Purge();
      call->Release();  // this document's count: it will never report
      break;
    }
  }
  call->Release();  // the submitter's hold
}

void AnnotateReactor::Complete(const Status& status, Call* call) {
  grpc::Status result = ToGrpcStatus(status);
  if (status.ok()) {
    for (size_t i = 0; i < call->results.size(); ++i) {
      wire::ToWire(*call->results[i], wire::Entities::kRead, response_->add_documents(),
                   &call->wire_offsets[i]);
    }
    if (service_.metrics) service_.metrics->AddDocuments(static_cast<double>(call->results.size()));
  }
  if (service_.metrics) {
    service_.metrics->ObserveRequest(
        "Annotate", CodeName(result.error_code()),
        std::chrono::duration<double>(Clock::now() - call->start).count());
  }
  Finish(result);  // the last touch of this reactor: OnDone may delete it right away
}

void AnnotateReactor::OnCancel() {
  call_->ticket->Cancel();
  for (const auto& m : call_->models) m->batcher->Purge();
}

}  // namespace bioner::server
