#include "server/tagger_service.h"

#include "server/annotate_reactor.h"
#include "server/annotate_stream_reactor.h"
#include "server/grpc_status.h"

namespace bioner::server {

grpc::ServerUnaryReactor* TaggerService::Annotate(grpc::CallbackServerContext* ctx,
                                                  const v1::AnnotateRequest* request,
                                                  v1::AnnotateResponse* response) {
  return AnnotateReactor::Start(context_, ctx, request, response);
}

grpc::ServerBidiReactor<v1::AnnotateStreamRequest, v1::AnnotateStreamResponse>*
TaggerService::AnnotateStream(grpc::CallbackServerContext* ctx) {
  return new AnnotateStreamReactor(context_, ctx);
}

grpc::ServerUnaryReactor* TaggerService::ListModels(grpc::CallbackServerContext* ctx,
                                                    const v1::ListModelsRequest* /*request*/,
                                                    v1::ListModelsResponse* response) {
  const Clock::time_point start = Clock::now();
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  Status status = Authenticate(*ctx, context_.options.bearer_token);
  if (status.ok()) {
    for (const auto& m : context_.registry->All()) {
      v1::ModelInfo* info = response->add_models();
      info->set_entity_type(m->entity_type);
      info->set_version(m->version);
      for (const std::string& label : m->tagging.model->labels().names()) info->add_labels(label);
      info->set_max_seq_len(m->tagging.model->max_seq_len());
      info->set_metrics_json(m->metrics_json);
      info->set_path(m->path);
    }
  }
  const grpc::Status result = ToGrpcStatus(status);
  if (context_.metrics) {
    context_.metrics->ObserveRequest("ListModels", CodeName(result.error_code()),
                                     std::chrono::duration<double>(Clock::now() - start).count());
  }
  reactor->Finish(result);
  return reactor;
}

}  // namespace bioner::server
