// The gRPC half of cicada-model: an asynchronous grpc++ server with one completion queue per front thread
// and as many worker threads. Each call is a small object that asks gRPC for the next call of its kind.
// When one arrives, the front thread replaces it (so the queue always has a taker), then admits it (into
// the in-flight count and the workers' queue) or refuses it at once; a worker runs the handler and
// finishes it; the front thread reports it when gRPC says how it ended.
//
// Why two kinds of thread: when the thread that takes calls also ran them, a call arriving while every
// thread was busy waited inside gRPC, unseen: it was neither refused at the in-flight limit nor counted in
// /metrics, and one whose deadline passed there vanished. A front thread only takes, refuses and reports,
// so it is always free to see a call arrive.
#include "serving_grpc/grpc_server.hpp"

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "base/inflight_limit.hpp"
#include "base/log.hpp"
#include "grpc_oip/inference.grpc.pb.h"
#include "serving/api_v2.hpp"
#include "serving_grpc/grpc_handlers.hpp"
#include "serving_grpc/protobuf_log_limit.hpp"

namespace cicada::serving {
namespace {

// Every method raw (bytes in, bytes out): the server parses each request itself, so a message that is not
// the method's protobuf gets INVALID_ARGUMENT and is counted in /metrics. With the typed methods grpc++
// parses it and cancels the call with INTERNAL ("Unable to parse request"), unseen by the server.
using G = inference::GRPCInferenceService;
using Service = G::WithRawMethod_ServerLive<
    G::WithRawMethod_ServerReady<G::WithRawMethod_ModelReady<G::WithRawMethod_ServerMetadata<
        G::WithRawMethod_ModelMetadata<G::WithRawMethod_ModelInfer<G::Service>>>>>>;

// The HTTP status of the same meaning, for ApiMetrics' code label.
int http_status_of(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:  // as grpc-gateway maps them
      return 504;
    case grpc::StatusCode::CANCELLED:
      return 499;
    default:
      return 500;
  }
}

class Call {
 public:
  virtual ~Call() = default;
  // On a front thread. ok: gRPC's verdict on the step this call waited for (false once the queue shuts
  // down, or when the answer could not be sent).
  virtual void proceed(bool ok) = 0;
  // On a worker thread: handle the admitted call and finish it.
  virtual void run() = 0;
};

// Admitted calls waiting for a worker. A lock, but off the per-request work that matters: a gRPC call
// already costs several locks inside gRPC, and this one is held for a push or a pop.
class WorkQueue {
 public:
  void push(Call* call) {
    {
      std::lock_guard lock(mutex_);
      calls_.push_back(call);
    }
    ready_.notify_one();
  }
  // The next call; nullptr once closed and empty.
  Call* pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return closed_ || !calls_.empty(); });
    if (calls_.empty()) return nullptr;
    Call* call = calls_.front();
    calls_.pop_front();
    return call;
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Call*> calls_;
  bool closed_ = false;
};

}  // namespace

struct GrpcInferenceServer::Impl {
  GrpcServerOptions options;
  const Model& model;
  ApiMetrics* metrics;
  std::size_t first_slot;
  SimulatedCost cost;
  // Metric route of each call kind (the REST route it mirrors), looked up once.
  std::size_t route_live = http::kUnmatchedRoute, route_ready = http::kUnmatchedRoute,
              route_model = http::kUnmatchedRoute, route_model_ready = http::kUnmatchedRoute,
              route_infer = http::kUnmatchedRoute;
  Service service;
  std::unique_ptr<grpc::Server> server;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
  std::vector<std::thread> threads;  // front: one per queue
  std::vector<std::thread> workers;
  WorkQueue work;
  std::atomic<std::size_t> inflight{0};
  std::atomic<bool> stopping{false};
  // The shutdown's grace ran out: gRPC cancelled every call left, so a worker finishes the queued ones
  // without running them (a queue of slow calls would otherwise hold the exit for all of their work).
  std::atomic<bool> grace_over{false};
  std::atomic<std::size_t> not_run{0};
  bool started = false, joined = false;
  int bound_port = 0;

  Impl(GrpcServerOptions o, const Model& m, const http::Router& router, ApiMetrics* metrics_sink,
       std::size_t first, SimulatedCost c)
      : options(std::move(o)), model(m), metrics(metrics_sink), first_slot(first), cost(c) {
    if (options.threads == 0) options.threads = 1;
    const std::string base = "/v2/models/" + model.name();
    for (std::size_t i = 0; i < router.route_count(); ++i) {
      const std::string& path = router.route_path(i);
      if (path == "/v2/health/live") route_live = i;
      if (path == "/v2/health/ready") route_ready = i;
      if (path == base) route_model = i;
      if (path == base + "/ready") route_model_ready = i;
      if (path == base + "/infer") route_infer = i;
    }
  }

  void serve(std::size_t index);
};

namespace {

// One unary call of one kind. Request and Response are the messages; Handler computes the answer.
template <class Request, class Response>
class UnaryCall final : public Call {
 public:
  using Impl = GrpcInferenceServer::Impl;
  using Asker = void (Service::*)(grpc::ServerContext*, grpc::ByteBuffer*,
                                  grpc::ServerAsyncResponseWriter<grpc::ByteBuffer>*, grpc::CompletionQueue*,
                                  grpc::ServerCompletionQueue*, void*);
  using Handler = grpc::Status (*)(Impl&, const Request&, Response&);

  // Registers for the next call of this kind on queue; deletes itself when done.
  static void listen(Impl& server, std::size_t index, Asker asker, Handler handler, std::size_t route) {
    new UnaryCall(server, index, asker, handler, route);
  }

  void proceed(bool ok) override {
    if (!arrived_) {
      if (!ok) {  // the queue is shutting down: no call came
        delete this;
        return;
      }
      arrived_ = true;
      started_ = mono_now();
      if (!server_.stopping.load(std::memory_order_relaxed))
        listen(server_, index_, asker_, handler_, route_);
      admit();
      return;
    }
    report(ok);
    delete this;
  }

  void run() override {
    // A call whose deadline passed while it waited for a worker is not worth the work: its client is gone.
    if (deadline_passed())
      return finish({grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded while queued"});
    if (server_.grace_over.load(std::memory_order_relaxed)) {
      server_.not_run.fetch_add(1, std::memory_order_relaxed);
      return finish({grpc::StatusCode::UNAVAILABLE, "server stopped before this call ran"});
    }
    finish(handle());
  }

 private:
  UnaryCall(Impl& server, std::size_t index, Asker asker, Handler handler, std::size_t route)
      : server_(server), index_(index), asker_(asker), handler_(handler), route_(route), writer_(&context_) {
    auto* queue = server.queues[index].get();
    (server.service.*asker)(&context_, &request_bytes_, &writer_, queue, queue, this);
  }

  // On the front thread: into the in-flight count and the workers' queue, or refused at once (the REST
  // port's 503: serving docs, --max-inflight).
  void admit() {
    if (server_.stopping.load(std::memory_order_relaxed))
      return finish({grpc::StatusCode::UNAVAILABLE, "server is stopping"});
    if (!try_enter_inflight(server_.inflight, server_.options.max_inflight)) {
      if (server_.metrics != nullptr) server_.metrics->on_rejected(server_.first_slot + index_);
      return finish(
          {grpc::StatusCode::RESOURCE_EXHAUSTED, "server at its in-flight request limit, retry later"});
    }
    counted_ = true;
    server_.work.push(this);
  }

  // Compared as gRPC keeps it: context_.deadline() converts to system_clock nanoseconds, which overflow past
  // the year 2262, so a valid long grpc-timeout ("99999999H", clients' "no deadline") read as long past.
  bool deadline_passed() const {
    const gpr_timespec deadline = context_.raw_deadline();
    return gpr_time_cmp(deadline, gpr_now(deadline.clock_type)) <= 0;
  }

  // Sends the answer; the front thread reports the call when gRPC is done with it (this may be deleted by
  // then, so nothing touches it after Finish).
  void finish(grpc::Status status) {
    // The in-flight count holds a call until its answer is made, not until it is sent: a client that
    // reads nothing (a zero window) held 1,024 answered calls and locked every other client out.
    if (counted_) {
      server_.inflight.fetch_sub(1, std::memory_order_relaxed);
      counted_ = false;
    }
    grpc::ByteBuffer bytes;  // Finish copies it (a reference to its slices) before returning
    if (status.ok()) {
      bool own = false;
      status = grpc::SerializationTraits<Response>::Serialize(response_, &bytes, &own);
    }
    code_ = status.error_code();
    if (status.ok())
      writer_.Finish(bytes, status, this);
    else
      writer_.FinishWithError(status, this);
  }

  grpc::Status handle() {
    if (!grpc::SerializationTraits<Request>::Deserialize(&request_bytes_, &request_).ok()) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              fmt::format("the request is not a {} protobuf message", Request::descriptor()->full_name())};
    }
    try {
      return handler_(server_, request_, response_);
    } catch (const std::exception& e) {
      log::error("gRPC handler threw: {}", e.what());
      return {grpc::StatusCode::INTERNAL, "internal error"};
    }
  }

  // sent: gRPC sent the status. When it did not, the client's deadline passed or it cancelled the call;
  // either way the call ended and is counted, under the status of what happened to it.
  void report(bool sent) {
    if (counted_) server_.inflight.fetch_sub(1, std::memory_order_relaxed);  // a call finish() never saw
    if (!sent) code_ = deadline_passed() ? grpc::StatusCode::DEADLINE_EXCEEDED : grpc::StatusCode::CANCELLED;
    if (server_.metrics != nullptr) {
      server_.metrics->on_response(server_.first_slot + index_, route_, http_status_of(code_),
                                   mono_now() - started_);
    }
  }

  Impl& server_;
  std::size_t index_;
  Asker asker_;
  Handler handler_;
  std::size_t route_;
  grpc::ServerContext context_;
  grpc::ByteBuffer request_bytes_;
  Request request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<grpc::ByteBuffer> writer_;
  bool arrived_ = false, counted_ = false;
  grpc::StatusCode code_ = grpc::StatusCode::OK;
  MonoTime started_{};
};

using namespace inference;

grpc::Status server_live(GrpcInferenceServer::Impl&, const ServerLiveRequest&, ServerLiveResponse& out) {
  out.set_live(true);
  return grpc::Status::OK;
}
grpc::Status server_ready(GrpcInferenceServer::Impl&, const ServerReadyRequest&, ServerReadyResponse& out) {
  out.set_ready(true);
  return grpc::Status::OK;
}
grpc::Status server_metadata(GrpcInferenceServer::Impl&, const ServerMetadataRequest&,
                             ServerMetadataResponse& out) {
  out.set_name(std::string(kV2ServerName));
  out.set_version(std::string(kV2ServerVersion));
  return grpc::Status::OK;
}
grpc::Status model_ready(GrpcInferenceServer::Impl& s, const ModelReadyRequest& in, ModelReadyResponse& out) {
  auto status = check_model(s.model, in.name(), in.version());
  out.set_ready(status.ok());
  return status;
}
grpc::Status model_metadata(GrpcInferenceServer::Impl& s, const ModelMetadataRequest& in,
                            ModelMetadataResponse& out) {
  auto status = check_model(s.model, in.name(), in.version());
  if (status.ok()) fill_model_metadata(s.model, out);
  return status;
}
grpc::Status infer(GrpcInferenceServer::Impl& s, const ModelInferRequest& in, ModelInferResponse& out) {
  if (s.cost.per_request.count() > 0) spend(s.cost.per_request, s.cost.mode);
  return model_infer(s.model, in, out);
}

Result<std::string> read_pem(const std::string& file, const char* what) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty())
    return make_error(fmt::format("cannot read the TLS {} {} for the gRPC port", what, file));
  return text.str();
}

// Plaintext, or TLS with the identity of the options' files.
Result<std::shared_ptr<grpc::ServerCredentials>> credentials_of(const GrpcServerOptions& o) {
  if (o.tls_cert_file.empty() && o.tls_key_file.empty()) return grpc::InsecureServerCredentials();
  if (o.tls_cert_file.empty() || o.tls_key_file.empty())
    return make_error("gRPC over TLS needs both a certificate and its private key");
  auto cert = read_pem(o.tls_cert_file, "certificate");
  if (!cert) return cert.error();
  auto key = read_pem(o.tls_key_file, "private key");
  if (!key) return key.error();
  grpc::SslServerCredentialsOptions tls;
  tls.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(tls);
}

}  // namespace

void GrpcInferenceServer::Impl::serve(std::size_t index) {
  UnaryCall<ServerLiveRequest, ServerLiveResponse>::listen(*this, index, &Service::RequestServerLive,
                                                           server_live, route_live);
  UnaryCall<ServerReadyRequest, ServerReadyResponse>::listen(*this, index, &Service::RequestServerReady,
                                                             server_ready, route_ready);
  UnaryCall<ServerMetadataRequest, ServerMetadataResponse>::listen(
      *this, index, &Service::RequestServerMetadata, server_metadata, http::kUnmatchedRoute);
  UnaryCall<ModelReadyRequest, ModelReadyResponse>::listen(*this, index, &Service::RequestModelReady,
                                                           model_ready, route_model_ready);
  UnaryCall<ModelMetadataRequest, ModelMetadataResponse>::listen(*this, index, &Service::RequestModelMetadata,
                                                                 model_metadata, route_model);
  UnaryCall<ModelInferRequest, ModelInferResponse>::listen(*this, index, &Service::RequestModelInfer, infer,
                                                           route_infer);
  void* tag = nullptr;
  bool ok = false;
  while (queues[index]->Next(&tag, &ok)) static_cast<Call*>(tag)->proceed(ok);
}

GrpcInferenceServer::GrpcInferenceServer(GrpcServerOptions options, const Model& model,
                                         const http::Router& router, ApiMetrics* metrics,
                                         std::size_t first_metrics_slot, SimulatedCost cost)
    : impl_(std::make_unique<Impl>(std::move(options), model, router, metrics, first_metrics_slot, cost)) {}

GrpcInferenceServer::~GrpcInferenceServer() {
  stop();
  wait();
}

Result<void> GrpcInferenceServer::start() {
  Impl& s = *impl_;
  if (s.started) return make_error("gRPC server already started");
  limit_protobuf_log();
  const bool v6 = s.options.host.find(':') != std::string::npos;
  const std::string where =
      fmt::format("{}{}{}:{}", v6 ? "[" : "", s.options.host, v6 ? "]" : "", s.options.port);
  auto credentials = credentials_of(s.options);
  if (!credentials) return credentials.error();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(where, *credentials, &s.bound_port);
  // Found by a probe: a connection that never finished its TLS handshake held a descriptor for gRPC's
  // default of 120 s, and one that sent the HTTP/2 preface and then nothing was open for good.
  const auto millis = [](std::chrono::milliseconds ms) {
    return static_cast<int>(std::min<std::int64_t>(ms.count(), std::numeric_limits<int>::max()));
  };
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, millis(s.options.first_request_timeout));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, millis(s.options.idle_timeout));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             static_cast<int>(std::min<std::uint32_t>(s.options.max_streams, 1u << 30)));
  builder.RegisterService(&s.service);
  builder.SetMaxReceiveMessageSize(static_cast<int>(s.options.max_message_bytes));
  for (std::size_t i = 0; i < s.options.threads; ++i) s.queues.push_back(builder.AddCompletionQueue());
  s.server = builder.BuildAndStart();
  if (!s.server || s.bound_port == 0) {
    s.queues.clear();
    s.server.reset();
    return make_error(
        fmt::format("cannot listen for gRPC on {}{}", where,
                    tls() ? " (or its TLS certificate and key are not a usable PEM pair)" : ""));
  }
  s.started = true;
  for (std::size_t i = 0; i < s.options.threads; ++i) {
    s.threads.emplace_back([&s, i] { s.serve(i); });
    s.workers.emplace_back([&s] {
      while (Call* call = s.work.pop()) call->run();
    });
  }
  return {};
}

std::uint16_t GrpcInferenceServer::port() const { return static_cast<std::uint16_t>(impl_->bound_port); }

std::string GrpcInferenceServer::address() const {
  const std::string& h = impl_->options.host;
  const bool v6 = h.find(':') != std::string::npos;
  return fmt::format("{}{}{}:{}", v6 ? "[" : "", h, v6 ? "]" : "", impl_->bound_port);
}

bool GrpcInferenceServer::tls() const { return !impl_->options.tls_cert_file.empty(); }

std::size_t GrpcInferenceServer::inflight() const { return impl_->inflight.load(std::memory_order_relaxed); }

std::size_t GrpcInferenceServer::stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true) || !s.started) return 0;
  // Waits for running calls up to the grace, cancelling what is left. The workers then finish what they
  // hold (a cancelled call's Finish still completes on its queue), and only then may the queues shut down
  // and drain: an operation started on a queue after its Shutdown is an error.
  s.server->Shutdown(std::chrono::system_clock::now() + s.options.shutdown_grace);
  s.grace_over.store(true, std::memory_order_relaxed);
  s.work.close();
  for (auto& t : s.workers) {
    if (t.joinable()) t.join();
  }
  for (auto& queue : s.queues) queue->Shutdown();
  return s.not_run.load(std::memory_order_relaxed);
}

void GrpcInferenceServer::wait() {
  Impl& s = *impl_;
  if (!s.started || s.joined) return;
  for (auto& t : s.threads) {
    if (t.joinable()) t.join();
  }
  s.joined = true;
}

}  // namespace cicada::serving
