// AnnotateReactor: one unary Tagger.Annotate call. Created by the service, it validates the
// documents, submits them (AnnotateDocument) and finishes when the last one is back. It never
// blocks: work completes on the model workers, which call Finish. OnCancel (client gone or
// deadline) cancels the call's ticket and purges its queued windows. OnDone deletes it.
#ifndef BIONER_SERVER_ANNOTATE_REACTOR_H_
#define BIONER_SERVER_ANNOTATE_REACTOR_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <memory>

#include "bioner/v1/tagger.pb.h"
#include "server/call_support.h"

namespace bioner::server {

class AnnotateReactor final : public grpc::ServerUnaryReactor {
 public:
  // Starts the call; the reactor owns itself from here (deleted in OnDone).
  static AnnotateReactor* Start(const ServiceContext& service, grpc::CallbackServerContext* ctx,
                                const v1::AnnotateRequest* request, v1::AnnotateResponse* response);

  void OnCancel() override;
  void OnDone() override { delete this; }

 private:
  struct Call;  // shared with the document callbacks
  AnnotateReactor(const ServiceContext& service, grpc::CallbackServerContext* ctx,
                  const v1::AnnotateRequest* request, v1::AnnotateResponse* response);
  void Begin();
  // Fills the response (when OK), records metrics and finishes; called once, by the last
  // document's callback or by Begin().
  void Complete(const Status& status, Call* call);

  const ServiceContext& service_;
  grpc::CallbackServerContext* const ctx_;
  const v1::AnnotateRequest* const request_;
  v1::AnnotateResponse* const response_;
  std::shared_ptr<Call> call_;
};

}  // namespace bioner::server

#endif  // BIONER_SERVER_ANNOTATE_REACTOR_H_
