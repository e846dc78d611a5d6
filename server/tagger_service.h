// TaggerService: the bioner.v1.Tagger gRPC service on the callback API (STYLE.md §5).
// Each call gets its own reactor (annotate_reactor.h, annotate_stream_reactor.h);
// ListModels answers at once. Every method checks the bearer token first.
//
// Thread safety: gRPC calls the methods from its own threads concurrently; the service only
// reads its ServiceContext, which must outlive the server.
#ifndef BIONER_SERVER_TAGGER_SERVICE_H_
#define BIONER_SERVER_TAGGER_SERVICE_H_

#include "bioner/v1/tagger.grpc.pb.h"
#include "server/call_support.h"

namespace bioner::server {

class TaggerService final : public v1::Tagger::CallbackService {
 public:
  explicit TaggerService(ServiceContext context) : context_(std::move(context)) {}

  grpc::ServerUnaryReactor* Annotate(grpc::CallbackServerContext* ctx,
                                     const v1::AnnotateRequest* request,
                                     v1::AnnotateResponse* response) override;
  grpc::ServerBidiReactor<v1::AnnotateStreamRequest, v1::AnnotateStreamResponse>* AnnotateStream(
      grpc::CallbackServerContext* ctx) override;
  grpc::ServerUnaryReactor* ListModels(grpc::CallbackServerContext* ctx,
                                       const v1::ListModelsRequest* request,
                                       v1::ListModelsResponse* response) override;

 private:
  const ServiceContext context_;
};

}  // namespace bioner::server

#endif  // BIONER_SERVER_TAGGER_SERVICE_H_
