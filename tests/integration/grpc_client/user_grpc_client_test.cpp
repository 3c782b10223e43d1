// UserGrpcClient (src/grpc_client) against cicada-model's real gRPC listener on loopback, in-process: the
// bridge from gRPC's threads to the user's event loop. Latency from the due time and the deadline from
// there (the server's simulated cost is the ground truth), and a call still waiting when the user goes:
// cancelled, reported as unanswered, never recorded, nothing resumed after the client is gone.
#include "grpc_client/user_grpc_client.hpp"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "base/clock.hpp"
#include "grpc_client/grpcpp/completion_hooks.hpp"
#include "grpc_oip/inference.grpc.pb.h"
#include "model_api_fixture.hpp"
#include "serving_grpc/grpc_server.hpp"
#include "support/child_process.hpp"
#include "support/h2_server.hpp"
#include "support/pem_files.hpp"

namespace cicada::grpc_client {
namespace {

using namespace std::chrono_literals;

struct Recorded {
  std::string method, name, error;
  std::int64_t response_time_us = 0, uncorrected_us = 0;
};

class RecordingSink final : public RequestSink {
 public:
  void on_request(const RequestRecord& r) override {
    records.push_back({std::string(r.method), std::string(r.name), std::string(r.error), r.response_time_us,
                       r.uncorrected_response_time_us});
  }
  void on_unanswered(std::string_view method, std::string_view name, std::int64_t waited_us,
                     CutAt /*at*/) override {
    unanswered.push_back({std::string(method), std::string(name), "", waited_us, 0});
  }
  void on_stream(std::string_view, std::string_view, const StreamSample&) override {}
  void on_cut_stream(std::string_view, std::string_view, std::int64_t, std::int64_t,
                     const StreamSample&) override {}
  std::vector<Recorded> records, unanswered;
};

constexpr std::string_view kRow =
    R"({"sex":0,"cp":1,"restecg":0,"ca":1,"slope":1,"thal":2,"age":57,"trestbps":130,"chol":236,"fbs":0,)"
    R"("thalach":174,"exang":0,"oldpeak":0})";

class UserGrpcClientTest : public ::testing::Test {
 protected:
  // A server whose every call takes at least `cost` (a sleep in its handler thread).
  void serve(std::chrono::microseconds cost) {
    serving::GrpcServerOptions options;
    options.threads = 2;
    options.shutdown_grace = 100ms;  // a call still sleeping at the end is cut, not waited for
    server_ = std::make_unique<serving::GrpcInferenceServer>(
        options, serving::test::trained_model(), router_, nullptr, 0,
        serving::SimulatedCost{cost, serving::CostMode::kSleep});
    auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    http::ClientConfig config;
    config.base_url = "grpc://" + server_->address();
    config.request_timeout = 1000ms;
    connect(config);
  }

  // An HTTP/2 server answering every call with an empty message (every field its default: `ready` false)
  // and these trailers; the user's clients call it.
  std::unique_ptr<testing::H2Server> serve_empty_message(
      std::vector<std::pair<std::string, std::string>> trailers) {
    return serve_grpc_body(std::string("\0\0\0\0\0", 5), std::move(trailers));  // an empty message frame
  }

  // The same with this response body (gRPC's length-prefixed messages, or none at all).
  std::unique_ptr<testing::H2Server> serve_grpc_body(
      std::string body, std::vector<std::pair<std::string, std::string>> trailers) {
    auto server = std::make_unique<testing::H2Server>([body, trailers](const testing::RecordedRequest&) {
      testing::H2Reply reply(
          testing::ScriptedReply::respond(200, body).with_header("content-type", "application/grpc"));
      reply.trailers = trailers;
      return reply;
    });
    http::ClientConfig config;
    config.base_url = "grpc://127.0.0.1:" + std::to_string(server->port());
    config.request_timeout = 5000ms;
    connect(config);
    return server;
  }

  // The user's clients, made for the run's settings in `config` (host, timeout, CA bundle, verification),
  // calling through `channels` (a loop's channels; default: the fixture's).
  void connect(const http::ClientConfig& config, ChannelCache* channels = nullptr) {
    grpc_.reset();
    http_.reset();
    shared_ = std::make_unique<http::SharedClientState>(io_, config);
    http_ = std::make_unique<http::UserHttpClient>(*shared_, sink_);
    grpc_ = std::make_unique<UserGrpcClient>(channels ? *channels : channels_, *http_);
  }

  // Starts the task on the loop and runs the loop until it is done (or `limit`).
  GrpcResult run(Task<GrpcResult> task, std::chrono::milliseconds limit = 10s) {
    task.handle().resume();
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!task.handle().done() && std::chrono::steady_clock::now() < until) io_.run_one_for(20ms);
    EXPECT_TRUE(task.handle().done()) << "the call did not finish within the limit";
    return task.handle().done() ? *task.handle().promise().value_ : GrpcResult{};
  }

  boost::asio::io_context io_;
  // As the engine's loops: the loop keeps running while a call waits on gRPC's threads (no Asio work).
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  http::Router router_;
  RecordingSink sink_;
  std::unique_ptr<serving::GrpcInferenceServer> server_;
  std::unique_ptr<http::SharedClientState> shared_;
  std::unique_ptr<http::UserHttpClient> http_;
  ChannelCache channels_;
  std::unique_ptr<UserGrpcClient> grpc_;
};

TEST_F(UserGrpcClientTest, LatencyIsFromTheDueTimeAndTheDeadlineCountsFromThere) {
  serve(30ms);
  // Due 100 ms before the call (an arrival-rate iteration that started late): the wait counts.
  http_->set_due_time(mono_now() - 100ms);
  auto late = run(grpc_->model_infer("heart-disease", kRow));
  ASSERT_TRUE(late.ok()) << late.message;
  ASSERT_EQ(sink_.records.size(), 1u);
  const auto& r = sink_.records[0];
  EXPECT_EQ(r.method, "grpc");
  EXPECT_EQ(r.name, "inference.GRPCInferenceService/ModelInfer");
  EXPECT_EQ(r.error, "");
  EXPECT_GE(r.uncorrected_us, 30'000);                        // the server slept that long
  EXPECT_GE(r.response_time_us, r.uncorrected_us + 100'000);  // and the call was 100 ms late
  EXPECT_EQ(late.elapsed_us, r.response_time_us);

  // Due 990 ms ago with a 1000 ms timeout: 10 ms left for a 30 ms call.
  http_->set_due_time(mono_now() - 990ms);
  GrpcOptions named;
  named.name = "late";
  auto expired = run(grpc_->model_infer("heart-disease", kRow, named));
  EXPECT_EQ(expired.status, GrpcStatus::kDeadlineExceeded);
  ASSERT_EQ(sink_.records.size(), 2u);
  EXPECT_EQ(sink_.records[1].name, "late");
  EXPECT_EQ(sink_.records[1].error.rfind("DEADLINE_EXCEEDED: ", 0), 0u) << sink_.records[1].error;
  EXPECT_NE(sink_.records[1].error.find("(request timeout 1000 ms)"), std::string::npos)
      << sink_.records[1].error;
}

TEST_F(UserGrpcClientTest, ACallWaitingWhenTheUserGoesIsCancelledAndCountedUnanswered) {
  serve(1s);
  const MonoTime started = mono_now();
  {
    auto waiting = grpc_->model_infer("heart-disease", kRow);
    waiting.handle().resume();
    // Until the server holds the call (its own in-flight gauge): then it is surely on the wire.
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (server_->inflight() == 0 && std::chrono::steady_clock::now() < until) io_.run_one_for(5ms);
    ASSERT_EQ(server_->inflight(), 1u);
    // The user's coroutine goes first (as a stopped user's frame does), then its client.
  }
  grpc_.reset();
  const auto waited_at_least = std::chrono::duration_cast<std::chrono::microseconds>(mono_now() - started);
  ASSERT_EQ(sink_.unanswered.size(), 1u);
  EXPECT_EQ(sink_.unanswered[0].method, "grpc");
  EXPECT_EQ(sink_.unanswered[0].name, "inference.GRPCInferenceService/ModelInfer");
  EXPECT_LE(sink_.unanswered[0].response_time_us, waited_at_least.count());
  EXPECT_GT(sink_.unanswered[0].response_time_us, 0);
  // The cancelled call's completion, if gRPC posted one, finds nobody: nothing is recorded or resumed.
  for (int i = 0; i < 10; ++i) io_.run_one_for(10ms);
  EXPECT_TRUE(sink_.records.empty());
}

// The completion race fixed in 01dc177, made to happen on every run: gRPC's callback is held between
// posting the completion and counting the call until the loop runs that completion, then up to 200 ms
// more. The loop must wait for the count before resuming the user, whose client goes at once here (as a
// stopped user's does): so the user is never resumed while the callback is held, and under ASan the
// callback's count never touches a freed state.
namespace completion_race {
std::atomic<bool> completion_running{false}, user_resumed{false}, resumed_while_held{false}, held{false};
void on_completion_runs(std::uint64_t) { completion_running.store(true); }
void after_post(std::uint64_t) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;  // only a hang
  while (!completion_running.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  const auto held_until = std::chrono::steady_clock::now() + 200ms;
  while (!user_resumed.load() && std::chrono::steady_clock::now() < held_until)
    std::this_thread::sleep_for(1ms);
  resumed_while_held.store(user_resumed.load());
  held.store(true);
}
struct Installed {
  Installed() {
    completion_running.store(false);
    user_resumed.store(false);
    resumed_while_held.store(false);
    held.store(false);
    completion_hooks::completion_runs.store(on_completion_runs);
    completion_hooks::after_post.store(after_post);
  }
  ~Installed() {
    completion_hooks::after_post.store(nullptr);
    completion_hooks::completion_runs.store(nullptr);
  }
};
Task<GrpcResult> call_then_go(std::unique_ptr<UserGrpcClient>& client) {
  GrpcResult r = co_await client->model_infer("heart-disease", kRow);
  user_resumed.store(true);
  client.reset();
  co_return r;
}
}  // namespace completion_race

TEST_F(UserGrpcClientTest, TheUserIsResumedOnlyOnceGrpcsCallbackHasCountedTheCall) {
  serve(0us);
  GrpcResult r;
  {
    completion_race::Installed hooks;
    r = run(completion_race::call_then_go(grpc_));
    // Without the wait for the count the user ends before the held callback looks: wait for its verdict.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!completion_race::held.load() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(r.ok()) << r.message;
  ASSERT_TRUE(completion_race::held.load()) << "the hooks did not run";
  EXPECT_TRUE(completion_race::user_resumed.load());
  EXPECT_FALSE(completion_race::resumed_while_held.load())
      << "the loop resumed the user before gRPC's callback had counted the call";
  EXPECT_EQ(grpc_, nullptr);
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].error, "");
}

TEST_F(UserGrpcClientTest, ModelInferOutputChecksFailTheCallSayingWhatWasWrong) {
  serve(0us);
  // cicada-model answers one row with probability (FP64 [1], a probability) and diagnosis (BYTES [1]).
  const std::int64_t one[] = {1};
  const std::string_view labels[] = {"clear", "heart-disease"};
  const GrpcOutputCheck as_served[] = {{"probability", "FP64", one, 0.0, 1.0},
                                       {"diagnosis", "BYTES", one, {}, {}, labels}};
  const GrpcOutputCheck missing[] = {{"score", {}, {}, {}, {}}};
  const GrpcOutputCheck wrong_type[] = {{"probability", "FP32", {}, {}, {}}};
  const GrpcOutputCheck out_of_range[] = {{"probability", {}, {}, 1.5, 2.0}};
  const std::string_view other_labels[] = {"yes", "no"};
  const GrpcOutputCheck other_label[] = {{"diagnosis", {}, {}, {}, {}, other_labels}};
  for (auto checks :
       {std::span<const GrpcOutputCheck>(as_served), std::span<const GrpcOutputCheck>(missing),
        std::span<const GrpcOutputCheck>(wrong_type), std::span<const GrpcOutputCheck>(out_of_range),
        std::span<const GrpcOutputCheck>(other_label)}) {
    GrpcOptions options;
    options.outputs = checks;
    auto r = run(grpc_->model_infer("heart-disease", kRow, options));
    EXPECT_TRUE(r.ok()) << r.message;  // the status is OK either way: the outputs fail the call
    EXPECT_EQ(r.failed, checks.data() != as_served);
  }
  ASSERT_EQ(sink_.records.size(), 5u);
  EXPECT_EQ(sink_.records[0].error, "");
  EXPECT_EQ(sink_.records[1].error,
            R"(OK: output "score" missing (the response has probability, diagnosis))");
  EXPECT_EQ(sink_.records[2].error, R"(OK: output "probability" is FP64, expected FP32)");
  EXPECT_EQ(sink_.records[3].error, R"(OK: output "probability" has a value outside [1.5, 2])");
  EXPECT_EQ(sink_.records[4].error, R"(OK: output "diagnosis" has a value not one of [yes, no])");
}

// grpcs:// is TLS, trusting --ca-bundle: a grpc++ server with a self-signed certificate for localhost
// (made by the openssl command) answers ServerLive over TLS when its certificate is the bundle, and the
// same call without the bundle fails the handshake (UNAVAILABLE), never falling back to plain text;
// with --insecure (tls_verify false) any certificate is accepted, as by the HTTP client.
class LiveService final : public inference::GRPCInferenceService::Service {
  grpc::Status ServerLive(grpc::ServerContext*, const inference::ServerLiveRequest*,
                          inference::ServerLiveResponse* response) override {
    response->set_live(true);
    return grpc::Status::OK;
  }
};

// A grpc++ server of LiveService on a free loopback port, over TLS as `tls` says; shut down when it goes.
struct LiveServer {
  explicit LiveServer(const grpc::SslServerCredentialsOptions& tls) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(tls), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
  }
  ~LiveServer() {
    if (server) server->Shutdown();
  }
  LiveService service;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

TEST_F(UserGrpcClientTest, GrpcsIsTlsTrustingTheCaBundleOrAnyCertificateWhenInsecure) {
  testing::TempDir dir;
  testing::make_self_signed_pem(dir, "DNS:localhost");
  grpc::SslServerCredentialsOptions tls;
  tls.pem_key_cert_pairs.push_back(
      {testing::read_file(dir.path() / "self.key"), testing::read_file(dir.path() / "self.pem")});
  LiveServer live_server(tls);
  const int port = live_server.port;
  ASSERT_TRUE(live_server.server && port > 0);

  http::ClientConfig config;
  config.base_url = "grpcs://localhost:" + std::to_string(port);
  config.request_timeout = 5000ms;
  config.ca_bundle = (dir.path() / "self.pem").string();
  connect(config);
  auto trusted = run(grpc_->server_live());
  EXPECT_TRUE(trusted.ok()) << trusted.message;
  EXPECT_TRUE(trusted.ready);

  ChannelCache fresh;  // a new loop's channels: the system's roots only
  config.ca_bundle.clear();
  connect(config, &fresh);
  auto untrusted = run(grpc_->server_live());
  EXPECT_EQ(untrusted.status, GrpcStatus::kUnavailable) << untrusted.message;
  ASSERT_EQ(sink_.records.size(), 2u);
  EXPECT_EQ(sink_.records[0].error, "");
  EXPECT_EQ(sink_.records[1].error.rfind("UNAVAILABLE: ", 0), 0u) << sink_.records[1].error;

  // --insecure (or a type's `insecure: true`): the same untrusted certificate is accepted, and so is a
  // name it was not made for (127.0.0.1, not localhost), on the same loop's channels, still over TLS.
  config.base_url = "grpcs://127.0.0.1:" + std::to_string(port);
  config.tls_verify = false;
  connect(config, &fresh);
  auto unverified = run(grpc_->server_live());
  EXPECT_TRUE(unverified.ok()) << unverified.message;
  EXPECT_TRUE(unverified.ready);
  // And verification on again for that name: refused, the insecure channel is not reused for it.
  config.tls_verify = true;
  config.ca_bundle = (dir.path() / "self.pem").string();
  connect(config, &fresh);
  auto wrong_name = run(grpc_->server_live());
  EXPECT_EQ(wrong_name.status, GrpcStatus::kUnavailable) << wrong_name.message;
  grpc_.reset();  // before `fresh`, whose channel it calls
}

// Mutual TLS over grpcs://: a grpc++ server that requires a client certificate signed by its CA answers
// a channel made with --client-cert/--client-key, verified or not (--insecure takes grpc++'s other TLS
// credentials), and refuses one without: the call fails UNAVAILABLE, named by its status.
TEST_F(UserGrpcClientTest, GrpcsShowsTheClientCertificateToAServerThatRequiresOne) {
  testing::TempDir dir;
  testing::make_pki(dir, "DNS:localhost");
  const auto path = [&](const char* name) { return (dir.path() / name).string(); };

  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = testing::read_file(path("ca.pem"));
  tls.pem_key_cert_pairs.push_back(
      {testing::read_file(path("server.key")), testing::read_file(path("server.pem"))});
  LiveServer live_server(tls);
  const int port = live_server.port;
  ASSERT_TRUE(live_server.server && port > 0);

  // One loop's channels for every variant: each gets its own channel, none reuses another's identity.
  ChannelCache channels;
  http::ClientConfig config;
  config.base_url = "grpcs://localhost:" + std::to_string(port);
  config.request_timeout = 5000ms;
  config.ca_bundle = path("ca.pem");
  const auto live = [&](const http::ClientConfig& c) {
    connect(c, &channels);
    return run(grpc_->server_live());
  };

  auto anonymous = live(config);
  EXPECT_EQ(anonymous.status, GrpcStatus::kUnavailable) << anonymous.message;
  config.client_cert = path("client.pem");
  config.client_key = path("client.key");
  auto identified = live(config);
  EXPECT_TRUE(identified.ok()) << identified.message;
  EXPECT_TRUE(identified.ready);

  // --insecure: the server's certificate is not checked, the client's is still shown.
  config.tls_verify = false;
  config.ca_bundle.clear();
  auto unverified = live(config);
  EXPECT_TRUE(unverified.ok()) << unverified.message;
  config.client_cert.clear();
  config.client_key.clear();
  auto unverified_anonymous = live(config);
  EXPECT_EQ(unverified_anonymous.status, GrpcStatus::kUnavailable) << unverified_anonymous.message;

  // A key file gone since the run started: that call fails saying which file, nothing is sent.
  config.client_cert = path("client.pem");
  config.client_key = path("missing.key");
  auto missing = live(config);
  EXPECT_EQ(missing.status, GrpcStatus::kFailedPrecondition) << missing.message;

  ASSERT_EQ(sink_.records.size(), 5u);
  EXPECT_EQ(sink_.records[0].error.rfind("UNAVAILABLE: ", 0), 0u) << sink_.records[0].error;
  EXPECT_EQ(sink_.records[1].error, "");
  EXPECT_EQ(sink_.records[2].error, "");
  EXPECT_EQ(sink_.records[3].error.rfind("UNAVAILABLE: ", 0), 0u) << sink_.records[3].error;
  EXPECT_EQ(sink_.records[4].error,
            "FAILED_PRECONDITION: cicada: cannot read the client key " + path("missing.key"));
  grpc_.reset();  // before `channels`, whose channels it calls
}

// A server (or a proxy) whose answer ends with trailers that lack grpc-status. grpc-core's retry filter,
// on by default, aborted the whole process on it (grpc/grpc#34683): a run's results were lost. cicada never
// resends a call, so retries are off: the call fails as gRPC names a missing status.
TEST_F(UserGrpcClientTest, AnAnswerWithoutGrpcStatusIsAFailedCallNotACrash) {
  auto server = serve_empty_message({{"x-other", "1"}});
  auto live = run(grpc_->server_live());
  EXPECT_EQ(live.status, GrpcStatus::kUnknown) << live.message;
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].error.rfind("UNKNOWN: ", 0), 0u) << sink_.records[0].error;
  EXPECT_EQ(server->requests().size(), 1u);  // sent once, not retried
  grpc_.reset();
}

// ServerLive, ServerReady and ModelReady are asked for their answer: OK with "ready: false" (the empty
// message below: a model still loading) passed as a success, so a readiness gate in on_start never failed.
TEST_F(UserGrpcClientTest, AReadinessCallAnsweredNotReadyFails) {
  auto server = serve_empty_message({{"grpc-status", "0"}});
  auto ready = run(grpc_->model_ready("heart-disease"));
  EXPECT_TRUE(ready.ok()) << ready.message;
  EXPECT_FALSE(ready.ready);
  EXPECT_TRUE(ready.failed);
  auto live = run(grpc_->server_live());
  EXPECT_TRUE(live.failed);
  ASSERT_EQ(sink_.records.size(), 2u);
  EXPECT_EQ(sink_.records[0].error, "OK: the server answered ready: false");
  EXPECT_EQ(sink_.records[1].error, "OK: the server answered live: false");
  grpc_.reset();
}

// A unary call answered OK must carry its one response message. grpc++'s callback call passed an OK
// without any message (no DATA frame), or with bytes that do not parse as the response type, as a success,
// and left the previous call's response in place for the caller to read: a server whose answers were lost
// or garbled measured as healthy.
TEST_F(UserGrpcClientTest, AnOkCallWithoutAParseableResponseMessageFails) {
  // A gRPC message frame: uncompressed, its length (big-endian), its bytes.
  const auto frame = [](std::string_view message) {
    std::string out(5, '\0');
    out[4] = static_cast<char>(message.size());
    return out.append(message);
  };
  // Field 1 (model_name, a string) said to be 5 bytes long, 2 given: no ModelInferResponse parses it.
  const std::string unparseable =
      frame(std::string_view("\x0a\x05"
                             "ab",
                             4));
  const std::string ready = frame(std::string_view("\x08\x01", 2));  // ModelReadyResponse{ready: true}
  for (const std::string& body : {std::string(), unparseable, ready}) {
    auto server = serve_grpc_body(body, {{"grpc-status", "0"}});
    auto infer = run(grpc_->model_infer("heart-disease", kRow));
    EXPECT_TRUE(infer.ok()) << infer.message;  // the server's status; the call still fails
    EXPECT_NE(infer.failed, body == ready) << body.size();
    auto model_ready = run(grpc_->model_ready("heart-disease"));
    EXPECT_TRUE(model_ready.ok()) << model_ready.message;
    EXPECT_EQ(model_ready.ready, body == ready);
    EXPECT_EQ(model_ready.failed, body != ready);
    grpc_.reset();  // before the server: its channel is the fixture's
  }
  ASSERT_EQ(sink_.records.size(), 6u);
  EXPECT_EQ(sink_.records[0].error, "OK without a response message");
  EXPECT_EQ(sink_.records[1].error, "OK without a response message");
  EXPECT_EQ(sink_.records[2].error, "OK with a response that does not parse as inference.ModelInferResponse");
  EXPECT_EQ(sink_.records[3].error, "OK with a response that does not parse as inference.ModelReadyResponse");
  // {ready: true} read as a ModelInferResponse is field 1 with the wrong wire type: an unknown field, so a
  // message that parses (protobuf keeps unknown fields); the ModelReady call is a success.
  EXPECT_EQ(sink_.records[4].error, "");
  EXPECT_EQ(sink_.records[5].error, "");
}

}  // namespace
}  // namespace cicada::grpc_client
