#include "client/tagger_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "bioner/v1/tagger.grpc.pb.h"
#include "core/util/file.h"
#include "proto/convert.h"

namespace bioner::client {
namespace {

constexpr int kListModelsTimeoutS = 30;
constexpr int kMaxStreams = 256;
// With round_robin and several streams: how long to wait for the channel to connect before
// opening them (they are opened anyway after it; each retries on UNAVAILABLE), and then for
// the other servers' connections, which round_robin starts at the same time: a call is
// placed only among the servers connected when it starts.
constexpr int kConnectWaitS = 10;
constexpr int kSettleMs = 250;

Status FromGrpc(const grpc::Status& s) {
  return Status(static_cast<StatusCode>(s.error_code()), s.error_message());
}

}  // namespace

// The state shared by the streams of one AnnotateStream run: the first error that ends the
// run cancels every other stream's call at once.
class RunControl {
 public:
  // False when the run is already over; otherwise `ctx` is cancelled by Abort until Leave.
  bool Enter(grpc::ClientContext* ctx) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_.ok()) return false;
    active_.push_back(ctx);
    return true;
  }
  void Leave(grpc::ClientContext* ctx) {
    std::lock_guard<std::mutex> lock(mu_);
    active_.erase(std::find(active_.begin(), active_.end(), ctx));
  }
  // Keeps the first error; cancels the calls in progress.
  void Abort(const Status& error) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_.ok()) return;
    error_ = error;
    for (grpc::ClientContext* ctx : active_) ctx->TryCancel();
  }
  Status error() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  std::mutex mu_;
  Status error_;
  std::vector<grpc::ClientContext*> active_;
};

struct TaggerClient::Impl {
  ClientOptions options;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Tagger::Stub> stub;

  void Prepare(grpc::ClientContext* ctx) const {
    if (!options.token.empty()) ctx->AddMetadata("authorization", "Bearer " + options.token);
  }

  // What one AnnotateStream call achieved: the call's status, and a non-OK `stop` when the
  // caller's callback (or a protocol violation) ended the run, which must not be retried.
  struct Attempt {
    Status call;
    Status stop;
    bool all_answered = false;  // every document this call sent was answered
  };
  // One call over the next documents of `share` (indexes into docs) not yet done (at most
  // documents_per_call); `done` has an entry per document, this share's entries are this
  // thread's alone; `*cursor` is the share's answered prefix, kept by the caller.
  Attempt RunStream(const std::vector<Document>& docs, const std::vector<size_t>& share,
                    size_t window, const std::vector<std::string>& types,
                    const std::unordered_map<std::string, size_t>& index,
                    std::vector<char>* done, size_t* cursor, size_t* remaining,
                    const DocumentFn& on_document, const ErrorFn& on_error,
                    RunControl* control);
  // RunStream until `share` is done, retrying UNAVAILABLE; otherwise the error ending the run.
  Status RunShare(const std::vector<Document>& docs, const std::vector<size_t>& share,
                  size_t window, const std::vector<std::string>& types,
                  const std::unordered_map<std::string, size_t>& index, std::vector<char>* done,
                  const DocumentFn& on_document, const ErrorFn& on_error, RunControl* control);
};

TaggerClient::TaggerClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TaggerClient::~TaggerClient() = default;

StatusOr<std::unique_ptr<TaggerClient>> TaggerClient::Connect(const ClientOptions& options) {
  if (options.server.empty()) return InvalidArgument("client options: server is empty");
  if (options.window < 1) return InvalidArgument("client options: window must be >= 1");
  if (options.documents_per_call < 0) {
    return InvalidArgument("client options: documents_per_call must be >= 0 (0: no limit)");
  }
  if (options.streams < 1 || options.streams > kMaxStreams) {
    return InvalidArgument("client options: streams must be in [1, " +
                           std::to_string(kMaxStreams) + "], not " +
                           std::to_string(options.streams));
  }
  if (options.streams > options.window) {
    return InvalidArgument("client options: streams (" + std::to_string(options.streams) +
                           ") must not exceed window (" + std::to_string(options.window) +
                           "): each stream needs a document in flight");
  }
  if (options.load_balancing != "pick_first" && options.load_balancing != "round_robin") {
    return InvalidArgument("client options: load_balancing '" + options.load_balancing +
                           "' is neither 'pick_first' nor 'round_robin'");
  }
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
  args.SetLoadBalancingPolicyName(options.load_balancing);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->channel = grpc::CreateCustomChannel(options.server, creds, args);
  impl->stub = v1::Tagger::NewStub(impl->channel);
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
    const std::vector<Document>& docs, const std::vector<size_t>& share, size_t window,
    const std::vector<std::string>& types, const std::unordered_map<std::string, size_t>& index,
    std::vector<char>* done, size_t* cursor, size_t* remaining, const DocumentFn& on_document,
    const ErrorFn& on_error, RunControl* control) {
  Attempt result;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  if (!control->Enter(&ctx)) {  // another stream ended the run
    result.stop = control->error();
    return result;
  }
  std::unique_ptr<grpc::ClientReaderWriter<v1::AnnotateStreamRequest, v1::AnnotateStreamResponse>>
      stream = stub->AnnotateStream(&ctx);
  // The next documents of the share not yet answered, from `*cursor` (the share's answered
  // prefix is skipped for good: a run of short calls stays linear in the share's size).
  while (*cursor < share.size() && (*done)[share[*cursor]]) ++*cursor;
  const size_t per_call = options.documents_per_call > 0
                              ? static_cast<size_t>(options.documents_per_call)
                              : share.size();
  std::vector<size_t> todo;
  for (size_t j = *cursor; j < share.size() && todo.size() < per_call; ++j) {
    if (!(*done)[share[j]]) todo.push_back(share[j]);
  }
  // Answers for documents this call did not send are protocol violations.
  const std::unordered_set<size_t> sent(todo.begin(), todo.end());
  std::mutex mu;
  std::condition_variable cv;
  size_t in_flight = 0;
  bool stop = false;
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
      wire::ToWire(docs[i], wire::Entities::kIgnore, req.mutable_document());
      for (const std::string& t : types) req.add_entity_types(t);
      if (!stream->Write(req)) break;  // the call is over; Finish() says why
    }
    stream->WritesDone();
  });

  v1::AnnotateStreamResponse resp;
  while (stream->Read(&resp)) {
    const auto it = index.find(resp.id());
    if (it == index.end() || !sent.count(it->second) || (*done)[it->second]) {
      result.stop = Internal("server answered document '" + resp.id() +
                             "', which is unknown or already answered");
      break;
    }
    (*done)[it->second] = 1;
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
    StatusOr<Document> doc = wire::FromWire(resp.document(), wire::Entities::kRead);
    if (!doc.ok()) {
      on_error(resp.id(), doc.status().WithContext("server response"));
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
  result.all_answered =
      std::all_of(todo.begin(), todo.end(), [&](size_t i) { return (*done)[i] != 0; });
  control->Leave(&ctx);
  return result;
}

Status TaggerClient::Impl::RunShare(const std::vector<Document>& docs,
                                    const std::vector<size_t>& share, size_t window,
                                    const std::vector<std::string>& types,
                                    const std::unordered_map<std::string, size_t>& index,
                                    std::vector<char>* done, const DocumentFn& on_document,
                                    const ErrorFn& on_error, RunControl* control) {
  const ClientOptions& o = options;
  size_t remaining = share.size();
  size_t cursor = 0;
  int failures = 0;
  int backoff_ms = o.initial_backoff_ms;
  while (remaining > 0) {
    const size_t before = remaining;
    Attempt a = RunStream(docs, share, window, types, index, done, &cursor, &remaining,
                          on_document, on_error, control);
    if (!a.stop.ok()) return a.stop;
    if (remaining == 0) return Status::Ok();
    // A call cut at documents_per_call: the next one takes the next documents.
    if (a.call.ok() && a.all_answered) {
      failures = 0;
      backoff_ms = o.initial_backoff_ms;
      continue;
    }
    // A call cancelled because another stream ended the run: that stream's error is the run's.
    Status ended = control->error();
    if (!ended.ok()) return ended;
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
  const size_t n = std::max<size_t>(1, std::min<size_t>(o.streams, docs.size()));
  std::vector<std::vector<size_t>> shares(n);
  for (size_t i = 0; i < docs.size(); ++i) shares[i % n].push_back(i);
  // char, not bool: the streams' threads write distinct entries concurrently.
  std::vector<char> done(docs.size(), 0);
  RunControl control;
  if (n == 1) {
    return impl_->RunShare(docs, shares[0], static_cast<size_t>(o.window), entity_types, index,
                           &done, on_document, on_error, &control);
  }
  // round_robin picks among the servers already connected: without the wait every stream
  // lands on the server that happened to connect first (measured: 2 of 2 streams on one of
  // two loopback servers).
  if (o.load_balancing == "round_robin" &&
      impl_->channel->WaitForConnected(std::chrono::system_clock::now() +
                                       std::chrono::seconds(kConnectWaitS))) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kSettleMs));
  }
  std::mutex callback_mu;
  const DocumentFn serial_document = [&](Document doc) {
    std::lock_guard<std::mutex> lock(callback_mu);
    return on_document(std::move(doc));
  };
  const ErrorFn serial_error = [&](const std::string& id, const Status& error) {
    std::lock_guard<std::mutex> lock(callback_mu);
    on_error(id, error);
  };
  const size_t window = std::max<size_t>(1, static_cast<size_t>(o.window) / n);
  std::vector<std::thread> threads;
  for (size_t k = 0; k < n; ++k) {
    threads.emplace_back([&, k] {
      Status s = impl_->RunShare(docs, shares[k], window, entity_types, index, &done,
                                 serial_document, serial_error, &control);
      if (!s.ok()) control.Abort(s);
    });
  }
  for (std::thread& t : threads) t.join();
  return control.error();
}

}  // namespace bioner::client
