#include "grpc_client/user_grpc_client.hpp"

#include <grpcpp/support/client_callback.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <coroutine>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "base/clock.hpp"
#include "base/request_record.hpp"
#include "grpc_client/grpc_target.hpp"
#include "grpc_client/grpcpp/channel_impl.hpp"
#include "grpc_client/grpcpp/completion_hooks.hpp"
#include "grpc_client/grpcpp/infer_rows.hpp"
#include "grpc_client/grpcpp/output_checks.hpp"
#include "grpc_client/grpcpp/received_message.hpp"

namespace cicada::grpc_client {

bool built_in() { return true; }

namespace completion_hooks {
std::atomic<void (*)(std::uint64_t)> after_post{nullptr};
std::atomic<void (*)(std::uint64_t)> completion_runs{nullptr};
}  // namespace completion_hooks

// Everything one user's calls reuse. Owned by the client, by gRPC's callback while it runs, and while a
// completion is posted by that completion too: the loop may run it after the client is gone (it then
// finds nobody waiting).
struct UserGrpcClient::State : std::enable_shared_from_this<State> {
  State(ChannelCache& cache, http::UserHttpClient& c)
      : clock(c), channels(cache.impl()), io(c.io()), sink(c.sink()) {}

  http::UserHttpClient& clock;
  ChannelCache::Impl& channels;
  boost::asio::io_context& io;
  RequestSink& sink;

  // The messages of every call kind, reused: a cleared protobuf message keeps its storage.
  inference::ServerLiveRequest live_request;
  inference::ServerLiveResponse live_response;
  inference::ServerReadyRequest ready_request;
  inference::ServerReadyResponse ready_response;
  inference::ModelReadyRequest model_ready_request;
  inference::ModelReadyResponse model_ready_response;
  inference::ModelMetadataRequest metadata_request;
  inference::ModelMetadataResponse metadata_response;
  inference::ModelInferRequest infer_request;
  inference::ModelInferResponse infer_response;
  InferRows rows;
  // The current call's response: which of the messages above it is parsed into, and whether it came.
  ReceivedMessage received;

  // The last target text resolved, so a user calling the same target does not parse it again.
  std::string target_text;
  GrpcTarget target;
  bool target_known = false;

  // The call in flight. status is written by gRPC's thread before it posts the completion and read on
  // the loop after it (the post orders the two). started counts the calls started (the loop's),
  // completed the callbacks that have posted (gRPC's threads'): a count, not a flag, as a callback may
  // finish posting after its coroutine was resumed and the next call started.
  std::optional<grpc::ClientContext> context;
  grpc::Status status;
  std::coroutine_handle<> waiting;
  std::uint64_t started = 0;
  std::atomic<std::uint64_t> completed{0};
  bool in_flight = false;
  bool killed = false;  // kill() cancelled the call in flight: its caller gets UserKilled
  std::string name;     // the entry name of the current call (its caller's view may be gone)
  MonoTime due{};
  std::string failure;
  std::string message;

  // gRPC's thread: hand the result of call `seq` to the loop. The posted completion owns the state until
  // it has run, and it waits (resume) until this has counted the call, so the state outlives this
  // function and its last reference is never dropped here: destroying the ClientContext inside gRPC's
  // callback crashed grpc++ (a call reference count taken below zero, about 1 run in 10 of
  // UserGrpcClientTest.LatencyIsFromTheDueTimeAndTheDeadlineCountsFromThere). No notify after the count:
  // `completed` is the last member this touches, and the loop polls it (resume, abandon).
  void complete(std::uint64_t seq, grpc::Status s) {
    status = std::move(s);
    boost::asio::post(io, [keep = shared_from_this(), seq] { keep->resume(seq); });
    if (auto* hook = completion_hooks::after_post.load(std::memory_order_relaxed)) hook(seq);
    completed.fetch_add(1, std::memory_order_release);
  }

  // Until gRPC's callback for call `seq` has counted it (it is between its post and its count, a few
  // instructions away, or being cancelled, which completes promptly).
  void wait_counted(std::uint64_t seq) const {
    for (int spins = 0; completed.load(std::memory_order_acquire) < seq; ++spins) {
      if (spins < 64)
        std::this_thread::yield();
      else
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }

  // The loop's thread: resume the coroutine waiting for call `seq`; nobody if it was abandoned (the
  // completion of an abandoned call must not resume a later call's coroutine).
  void resume(std::uint64_t seq) {
    if (auto* hook = completion_hooks::completion_runs.load(std::memory_order_relaxed)) hook(seq);
    wait_counted(seq);
    if (seq != started || !in_flight) return;
    if (auto h = std::exchange(waiting, {})) h.resume();
  }

  // The current call will get no answer (abandoned, or cut by kill()): counted as unanswered.
  // Waiting: gRPC opens its channel on its own, and a started call is one the client has handed over.
  void report_unanswered() {
    sink.on_unanswered("grpc", name, micros_between(due, mono_now()), RequestSink::CutAt::kWaiting);
  }

  // The loop's thread: a call is still waiting while its caller went away (the test ended, or the
  // coroutine was destroyed): it never got its answer. Cancel it and wait until gRPC's callback has
  // posted its completion (it comes promptly after a cancel): from then on the messages and the context
  // are ours again and nothing of gRPC's will touch the loop. A call that was not abandoned needs no
  // wait: its coroutine was resumed, so its completion was posted.
  void abandon() {
    if (!in_flight) return;
    in_flight = false;
    waiting = {};
    report_unanswered();
    context->TryCancel();
    wait_counted(started);
  }

  // The call's request and response messages.
  std::pair<const google::protobuf::MessageLite*, google::protobuf::MessageLite*> messages(OipCall call) {
    switch (call) {
      case OipCall::kServerLive:
        return {&live_request, &live_response};
      case OipCall::kServerReady:
        return {&ready_request, &ready_response};
      case OipCall::kModelReady:
        return {&model_ready_request, &model_ready_response};
      case OipCall::kModelMetadata:
        return {&metadata_request, &metadata_response};
      case OipCall::kModelInfer:
        break;
    }
    return {&infer_request, &infer_response};
  }

  // What the generated stub's callback call does, with the response read into `received`.
  void start(OipChannel& channel, OipCall call) {
    // Two words, trivially copyable: std::function keeps it without a heap block.
    auto done = [this, seq = started](grpc::Status s) { complete(seq, std::move(s)); };
    const auto [request, response] = messages(call);
    received = ReceivedMessage{response};
    grpc::internal::CallbackUnaryCall<google::protobuf::MessageLite, ReceivedMessage>(
        channel.channel.get(), channel.method(call), &*context, request, &received, done);
  }
};

namespace {

struct CallAwaiter {
  UserGrpcClient::State& state;
  OipChannel& channel;
  OipCall call;
  bool await_ready() const noexcept { return false; }
  // The handle is stored before the call starts: gRPC may complete it on its thread at once, and the
  // completion then only waits in the loop's queue until this returns.
  void await_suspend(std::coroutine_handle<> h) {
    state.waiting = h;
    state.start(channel, call);
  }
  void await_resume() const noexcept {}
};

bool expected(const GrpcOptions& options, GrpcStatus status) {
  if (options.expect.empty()) return status == GrpcStatus::kOk;
  for (GrpcStatus s : options.expect) {
    if (s == status) return true;
  }
  return false;
}

// "INVALID_ARGUMENT: age[0]: out of range [0, 154]"; an unexpected OK: "OK: expected INVALID_ARGUMENT".
void format_failure(std::string& out, const GrpcOptions& options, GrpcStatus status, std::string_view message,
                    std::chrono::milliseconds timeout) {
  out.assign(grpc_status_name(status));
  if (status == GrpcStatus::kOk) {
    out.append(": expected ");
    for (std::size_t i = 0; i < options.expect.size(); ++i) {
      if (i > 0) out.append(" or ");
      out.append(grpc_status_name(options.expect[i]));
    }
    return;
  }
  if (!message.empty()) {
    out.append(": ");
    out.append(message);
  }
  if (status == GrpcStatus::kDeadlineExceeded) {
    out.append(" (request timeout ");
    out.append(std::to_string(timeout.count()));
    out.append(" ms)");
  }
}

}  // namespace

UserGrpcClient::UserGrpcClient(ChannelCache& channels, http::UserHttpClient& clock)
    : channels_(channels), clock_(clock) {}

UserGrpcClient::~UserGrpcClient() {
  if (state_) state_->abandon();
}

void UserGrpcClient::kill() {
  if (!state_ || !state_->in_flight || state_->killed) return;
  state_->killed = true;
  state_->context->TryCancel();  // completes promptly with CANCELLED, which resumes the caller
}

Task<GrpcResult> UserGrpcClient::call(OipCall call, std::string_view model, std::string_view rows_json,
                                      GrpcOptions options) {
  if (!state_) state_ = std::make_shared<State>(channels_, clock_);
  State& s = *state_;
  s.abandon();  // a previous call whose coroutine was destroyed while it waited
  if (s.clock.take_kill()) throw UserKilled{};  // killed between two requests: this one is not made
  const MonoTime sent = mono_now();
  const MonoTime due = s.clock.take_due(sent);
  s.due = due;
  s.name.assign(options.name.empty() ? oip_entry_name(call) : options.name);
  const auto timeout = options.timeout.count() > 0 ? options.timeout : s.clock.config().request_timeout;
  GrpcResult result;
  s.failure.clear();
  s.message.clear();

  const std::string_view target_text = options.target.empty() ? s.clock.host() : options.target;
  if (!s.target_known || target_text != s.target_text) {
    s.target_text.assign(target_text);
    s.target = parse_grpc_target(target_text);
    s.target_known = true;
  }
  auto* channel = s.channels.channel(s.target, s.clock.config(), s.message);
  if (channel && call == OipCall::kModelInfer) {
    s.infer_request.set_model_name(model.data(), model.size());
    s.infer_request.set_model_version(options.model_version.data(), options.model_version.size());
    s.message.assign(s.rows.write(rows_json, options.numbers_as, s.infer_request));
  } else if (call == OipCall::kModelReady) {
    s.model_ready_request.set_name(model.data(), model.size());
    s.model_ready_request.set_version(options.model_version.data(), options.model_version.size());
  } else if (call == OipCall::kModelMetadata) {
    s.metadata_request.set_name(model.data(), model.size());
    s.metadata_request.set_version(options.model_version.data(), options.model_version.size());
  }

  if (channel && s.message.empty()) {
    s.context.emplace();
    // gRPC takes a wall-clock deadline: the time left until due + timeout, from now.
    s.context->set_deadline(std::chrono::system_clock::now() + (due + timeout - mono_now()));
    ++s.started;
    s.in_flight = true;
    // The coroutine destroyed while the call waits (its user freed, or a caller that gave up on it):
    // abandoned at once, so gRPC's completion never resumes a frame that is gone.
    struct AbandonIfDestroyed {
      State& state;
      ~AbandonIfDestroyed() { state.abandon(); }
    } guard{s};
    co_await CallAwaiter{s, *channel, call};
    s.in_flight = false;
    if (std::exchange(s.killed, false) && s.status.error_code() == grpc::StatusCode::CANCELLED) {
      // Cut by kill(): not the target's failure. Counted as a call the run's end left unanswered. (One
      // answered before the cancel is recorded as usual, and the kill waits for the next request.)
      s.clock.disarm_kill();
      s.report_unanswered();
      throw UserKilled{};
    }
    result.status = static_cast<GrpcStatus>(s.status.error_code());
    s.message.assign(s.status.error_message());
  } else {
    // Nothing was sent: the scenario's payload or target cannot make a call. A failure all the same.
    result.status = GrpcStatus::kFailedPrecondition;
    s.message.insert(0, "cicada: ");
  }
  const MonoTime done = mono_now();
  result.message = s.message;
  result.elapsed_us = micros_between(due, done);
  result.failed = !expected(options, result.status);
  // OK ends a unary call with its one response: grpc++'s callback call also passes an OK without a
  // message, or with one that does not parse (received_message.hpp). Such an answer is no answer.
  const bool answered = result.ok() && s.received.state == ReceivedMessage::State::kParsed;
  if (result.failed) {
    format_failure(s.failure, options, result.status, s.message, timeout);
  } else if (result.ok() && !answered) {
    result.failed = true;
    if (s.received.state == ReceivedMessage::State::kNone) {
      s.failure.assign("OK without a response message");
    } else {
      s.failure.assign("OK with a response that does not parse as ");
      s.failure.append(s.received.message->GetTypeName());
    }
  } else if (call == OipCall::kModelInfer && result.ok() && !options.outputs.empty()) {
    s.failure.assign("OK: ");
    result.failed = !check_outputs(s.infer_response, options.outputs, s.failure);
    if (!result.failed) s.failure.clear();
  }

  RequestRecord record;
  record.method = "grpc";
  record.name = s.name;
  record.response_time_us = result.elapsed_us;
  record.uncorrected_response_time_us = micros_between(sent, done);
  if (answered) {
    record.response_bytes = s.received.message->ByteSizeLong();
    switch (call) {
      case OipCall::kServerLive:
        result.ready = s.live_response.live();
        break;
      case OipCall::kServerReady:
        result.ready = s.ready_response.ready();
        break;
      case OipCall::kModelReady:
        result.ready = s.model_ready_response.ready();
        break;
      case OipCall::kModelMetadata:
        result.outputs = static_cast<std::uint64_t>(s.metadata_response.inputs_size());
        break;
      case OipCall::kModelInfer:
        result.outputs = static_cast<std::uint64_t>(s.infer_response.outputs_size());
        break;
    }
    // A readiness call is asked to learn the answer: OK with "live: false" or "ready: false" (a model still
    // loading, a server draining) did not pass, as an HTTP readiness probe's 503 does not.
    const bool asks =
        call == OipCall::kServerLive || call == OipCall::kServerReady || call == OipCall::kModelReady;
    if (asks && !result.ready && !result.failed) {
      result.failed = true;
      s.failure.assign(call == OipCall::kServerLive ? "OK: the server answered live: false"
                                                    : "OK: the server answered ready: false");
    }
  }
  record.error = s.failure;
  s.sink.on_request(record);
  s.clock.note_request_end(done);
  co_return result;
}

}  // namespace cicada::grpc_client
