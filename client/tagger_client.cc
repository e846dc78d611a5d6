#include "client/tagger_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "bioner/v1/tagger.grpc.pb.h"
#include "client/convert.h"
#include "core/util/file.h"

namespace bioner::client {
namespace {

constexpr int kListModelsTimeoutS = 30;

Status FromGrpc(const grpc::Status& s) {
  return Status(static_cast<StatusCode>(s.error_code()), s.error_message());
}

}  // namespace

struct TaggerClient::Impl {
  ClientOptions options;
  std::unique_ptr<v1::Tagger::Stub> stub;

  void Prepare(grpc::ClientContext* ctx) const {
    if (!options.token.empty()) ctx->AddMetadata("authorization", "Bearer " + options.token);
  }

  // What one AnnotateStream call achieved: the call's status, and a non-OK `stop` when the
  // caller's callback (or a protocol violation) ended the run, which must not be retried.
  struct Attempt {
    Status call;
    Status stop;
  };
  Attempt RunStream(const std::vector<Document>& docs, const std::vector<std::string>& types,
                    const std::unordered_map<std::string, size_t>& index,
                    std::vector<bool>* done, size_t* remaining, const DocumentFn& on_document,
                    const ErrorFn& on_error);
};

TaggerClient::TaggerClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TaggerClient::~TaggerClient() = default;

StatusOr<std::unique_ptr<TaggerClient>> TaggerClient::Connect(const ClientOptions& options) {
  if (options.server.empty()) return InvalidArgument("client options: server is empty");
  if (options.window < 1) return InvalidArgument("client options: window must be >= 1");
  if (options.max_attempts < 1) return InvalidArgument("client options: max_attempts must be >= 1");
  if (options.initial_backoff_ms < 0 || options.max_backoff_ms < options.initial_backoff_ms) {
    return InvalidArgument("client options: need 0 <= initial_backoff_ms <= max_backoff_ms");
  }
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (!options.root_cert_file.empty()) {
    StatusOr<std::string> pem = ReadFile(options.root_cert_file);
    if (!pem.ok()) return pem.status().WithContext("root certificate");
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = *pem;
    creds = grpc::SslCredentials(ssl);
  } else if (options.tls) {
    creds = grpc::SslCredentials(grpc::SslCredentialsOptions());
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->stub = v1::Tagger::NewStub(grpc::CreateCustomChannel(options.server, creds, args));
  return std::unique_ptr<TaggerClient>(new TaggerClient(std::move(impl)));
}

StatusOr<std::vector<ModelInfo>> TaggerClient::ListModels() {
  grpc::ClientContext ctx;
  impl_->Prepare(&ctx);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(kListModelsTimeoutS));
  v1::ListModelsResponse resp;
  const grpc::Status s = impl_->stub->ListModels(&ctx, v1::ListModelsRequest(), &resp);
  if (!s.ok()) return FromGrpc(s).WithContext("ListModels on " + impl_->options.server);
  std::vector<ModelInfo> out;
  for (const v1::ModelInfo& m : resp.models()) {
    out.push_back({m.entity_type(), m.version(), {m.labels().begin(), m.labels().end()},
                   m.max_seq_len()});
  }
  return out;
}

TaggerClient::Impl::Attempt TaggerClient::Impl::RunStream(
    const std::vector<Document>& docs, const std::vector<std::string>& types,
    const std::unordered_map<std::string, size_t>& index, std::vector<bool>* done,
    size_t* remaining, const DocumentFn& on_document, const ErrorFn& on_error) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  std::unique_ptr<grpc::ClientReaderWriter<v1::AnnotateStreamRequest, v1::AnnotateStreamResponse>>
      stream = stub->AnnotateStream(&ctx);
  std::vector<size_t> todo;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!(*done)[i]) todo.push_back(i);
  }
  std::mutex mu;
  std::condition_variable cv;
  size_t in_flight = 0;
  bool stop = false;
  const size_t window = static_cast<size_t>(options.window);
  // gRPC allows one writer and one reader on a stream at the same time: the writer thread
  // keeps the window full while this thread reads answers.
  std::thread writer([&] {
    for (size_t i : todo) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || in_flight < window; });
        if (stop) break;
        ++in_flight;
      }
      v1::AnnotateStreamRequest req;
      ToProtoRequest(docs[i], req.mutable_document());
      for (const std::string& t : types) req.add_entity_types(t);
      if (!stream->Write(req)) break;  // the call is over; Finish() says why
    }
    stream->WritesDone();
  });

  Attempt result;
  v1::AnnotateStreamResponse resp;
  while (stream->Read(&resp)) {
    const auto it = index.find(resp.id());
    if (it == index.end() || (*done)[it->second]) {
      result.stop = Internal("server answered document '" + resp.id() +
                             "', which is unknown or already answered");
      break;
    }
    (*done)[it->second] = true;
    --*remaining;
    {
      std::lock_guard<std::mutex> lock(mu);
      --in_flight;
    }
    cv.notify_all();
    if (resp.has_error()) {
      on_error(resp.id(), Status(static_cast<StatusCode>(resp.error().code()),
                                 resp.error().message()));
      continue;
    }
    StatusOr<Document> doc = FromProtoResponse(resp.document());
    if (!doc.ok()) {
      on_error(resp.id(), doc.status());
      continue;
    }
    result.stop = on_document(std::move(doc).value());
    if (!result.stop.ok()) break;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  cv.notify_all();
  if (!result.stop.ok()) {
    ctx.TryCancel();
    while (stream->Read(&resp)) {
    }
  }
  writer.join();
  result.call = FromGrpc(stream->Finish());
  return result;
}

Status TaggerClient::AnnotateStream(const std::vector<Document>& docs,
                                    const std::vector<std::string>& entity_types,
                                    const DocumentFn& on_document, const ErrorFn& on_error) {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!index.emplace(docs[i].id(), i).second) {
      return InvalidArgument("duplicate document id '" + docs[i].id() +
                             "': answers are matched by id, so ids must be unique");
    }
  }
  const ClientOptions& o = impl_->options;
  std::vector<bool> done(docs.size(), false);
  size_t remaining = docs.size();
  int failures = 0;
  int backoff_ms = o.initial_backoff_ms;
  while (remaining > 0) {
    const size_t before = remaining;
    Impl::Attempt a =
        impl_->RunStream(docs, entity_types, index, &done, &remaining, on_document, on_error);
    if (!a.stop.ok()) return a.stop;
    if (remaining == 0) return Status::Ok();
    Status s = a.call.ok() ? Internal("the server ended the stream with " +
                                      std::to_string(remaining) + " documents unanswered")
                           : a.call;
    if (s.code() != StatusCode::kUnavailable) {
      return s.WithContext("AnnotateStream on " + o.server);
    }
    // Progress means the server is up again: a later outage gets the full set of attempts.
    if (remaining < before) {
      failures = 0;
      backoff_ms = o.initial_backoff_ms;
    }
    if (++failures >= o.max_attempts) {
      return s.WithContext("AnnotateStream on " + o.server + ": " + std::to_string(failures) +
                           " attempts in a row failed");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms = std::min(backoff_ms * 2, o.max_backoff_ms);
  }
  return Status::Ok();
}

}  // namespace bioner::client
