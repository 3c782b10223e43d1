// cicada-model's Open Inference Protocol v2 over gRPC, called by a real grpc++ client (the generated
// stub) over loopback: the answers, the REST API's validation in gRPC statuses, the limits and /metrics.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <future>

#include "grpc_oip/inference.grpc.pb.h"
#include "grpc_oip/plain_client.hpp"
#include "model_api_fixture.hpp"
#include "serving_grpc/grpc_server.hpp"

namespace cicada::serving::test {
namespace {

using namespace inference;

ModelInferRequest infer_request(const std::vector<std::pair<std::string, double>>& row = payload_row()) {
  ModelInferRequest request = grpc_oip::one_row_request("heart-disease", row);
  request.set_id("req-1");
  return request;
}

class GrpcApiTest : public ::testing::Test {
 protected:
  void SetUp() override { start(GrpcServerOptions{}); }

  void start(GrpcServerOptions options, SimulatedCost cost = {}) {
    server_.reset();
    options.port = 0;
    options.threads = 2;
    router_ = http::Router{};
    add_model_api(router_, trained_model(), &metrics_view_);
    metrics_ = std::make_unique<ApiMetrics>(options.threads, router_);
    metrics_view_ = metrics_.get();
    server_ =
        std::make_unique<GrpcInferenceServer>(options, trained_model(), router_, metrics_.get(), 0, cost);
    auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    stub_ = grpc_oip::plain_stub(server_->address());
  }

  grpc::Status infer(const ModelInferRequest& request, ModelInferResponse& response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub_->ModelInfer(&context, request, &response);
  }

  // /metrics once it holds every one of lines (or after 20 s): a call is reported once gRPC is done with
  // it, a moment after its client has the answer.
  std::string metrics_with(const std::vector<std::string>& lines) {
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    do {
      text = metrics_->render();
      if (std::all_of(lines.begin(), lines.end(),
                      [&](const std::string& l) { return text.find(l) != std::string::npos; }))
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (std::chrono::steady_clock::now() < deadline);
    return text;
  }

  // n ModelInfer calls of the payload at once, each on its own thread.
  std::vector<std::future<grpc::StatusCode>> calls(int n) {
    std::vector<std::future<grpc::StatusCode>> out;
    for (int i = 0; i < n; ++i) {
      out.push_back(std::async(std::launch::async, [this] {
        ModelInferResponse r;
        return infer(infer_request(), r).error_code();
      }));
    }
    return out;
  }
  // Waits (up to 20 s, however slow the machine) until n calls are in flight.
  bool in_flight(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (server_->inflight() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return server_->inflight() == n;
  }

  // Status of a ModelInfer whose inputs were changed by edit.
  grpc::Status infer_edited(const std::function<void(ModelInferRequest&)>& edit) {
    ModelInferRequest request = infer_request();
    edit(request);
    ModelInferResponse response;
    return infer(request, response);
  }

  http::Router router_;
  const ApiMetrics* metrics_view_ = nullptr;
  std::unique_ptr<ApiMetrics> metrics_;
  std::unique_ptr<GrpcInferenceServer> server_;
  std::unique_ptr<GRPCInferenceService::Stub> stub_;
};

TEST_F(GrpcApiTest, HealthReadinessAndMetadata) {
  {
    grpc::ClientContext c;
    ServerLiveResponse r;
    ASSERT_TRUE(stub_->ServerLive(&c, ServerLiveRequest{}, &r).ok());
    EXPECT_TRUE(r.live());
  }
  {
    grpc::ClientContext c;
    ServerReadyResponse r;
    ASSERT_TRUE(stub_->ServerReady(&c, ServerReadyRequest{}, &r).ok());
    EXPECT_TRUE(r.ready());
  }
  {
    grpc::ClientContext c;
    ModelReadyRequest q;
    q.set_name("heart-disease");
    ModelReadyResponse r;
    ASSERT_TRUE(stub_->ModelReady(&c, q, &r).ok());
    EXPECT_TRUE(r.ready());
  }
  {
    grpc::ClientContext c;
    ModelMetadataRequest q;
    q.set_name("heart-disease");
    ModelMetadataResponse r;
    ASSERT_TRUE(stub_->ModelMetadata(&c, q, &r).ok());
    EXPECT_EQ(r.name(), "heart-disease");
    ASSERT_EQ(r.versions_size(), 1);
    EXPECT_EQ(r.versions(0), "1");
    ASSERT_EQ(r.inputs_size(), static_cast<int>(trained_model().schema().fields.size()));
    EXPECT_EQ(r.inputs(0).datatype(), "FP64");
    ASSERT_EQ(r.outputs_size(), 2);
    EXPECT_EQ(r.outputs(1).name(), "diagnosis");
  }
  {
    grpc::ClientContext c;
    ModelMetadataRequest q;
    q.set_name("no-such-model");
    ModelMetadataResponse r;
    auto status = stub_->ModelMetadata(&c, q, &r);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_NE(status.error_message().find("no-such-model"), std::string::npos);
  }
}

TEST_F(GrpcApiTest, InferAnswersWhatTheModelPredictsForEveryRowAndEchoesTheId) {
  ModelInferRequest request = infer_request();
  // Two rows: the payload and the payload with age 70 ([N, 1] shapes are accepted too).
  for (auto& input : *request.mutable_inputs()) {
    input.clear_shape();
    input.add_shape(2);
    input.add_shape(1);
    const double first = input.contents().fp64_contents(0);
    input.mutable_contents()->add_fp64_contents(input.name() == "age" ? 70 : first);
  }
  ModelInferResponse response;
  auto status = infer(request, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.model_name(), "heart-disease");
  EXPECT_EQ(response.id(), "req-1");
  ASSERT_EQ(response.outputs_size(), 2);
  const auto& probability = response.outputs(0);
  EXPECT_EQ(probability.name(), "probability");
  ASSERT_EQ(probability.contents().fp64_contents_size(), 2);
  const auto& schema = trained_model().schema();
  for (int r = 0; r < 2; ++r) {
    std::vector<double> row(schema.fields.size());
    for (const auto& [name, value] : payload_row())
      row[static_cast<std::size_t>(schema.index_of(name))] = name == "age" && r == 1 ? 70 : value;
    const double expected = trained_model().predict_proba(row);
    EXPECT_DOUBLE_EQ(probability.contents().fp64_contents(r), expected);
    EXPECT_EQ(response.outputs(1).contents().bytes_contents(r),
              expected >= 0.5 ? trained_model().positive_label() : trained_model().negative_label());
  }
}

TEST_F(GrpcApiTest, RawFp32InputsAndOneRequestedOutput) {
  ModelInferRequest request;
  request.set_model_name("heart-disease");
  for (const auto& [name, value] : payload_row()) {
    auto* input = request.add_inputs();
    input->set_name(name);
    input->set_datatype("FP32");
    input->add_shape(1);
    const float v = static_cast<float>(value);
    request.add_raw_input_contents(std::string(reinterpret_cast<const char*>(&v), sizeof v));
  }
  request.add_outputs()->set_name("diagnosis");
  ModelInferResponse response;
  auto status = infer(request, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_EQ(response.outputs(0).name(), "diagnosis");
}

TEST_F(GrpcApiTest, EveryBadRequestIsInvalidArgumentNamingTheField) {
  struct Case {
    std::string what;
    std::function<void(ModelInferRequest&)> edit;
    std::string expected;  // in the message
  };
  auto set_value = [](std::string name, double v) {
    return [name, v](ModelInferRequest& r) {
      for (auto& input : *r.mutable_inputs())
        if (input.name() == name) input.mutable_contents()->set_fp64_contents(0, v);
    };
  };
  const std::vector<Case> cases = {
      {"out of range", set_value("age", 400), "age[0]: out of range"},
      {"unknown category", set_value("thal", 99), "thal[0]: unknown category 99: expected one of 0, 1, 2, 3"},
      {"not finite", set_value("chol", std::nan("")), "chol[0]: must be a finite number"},
      {"missing", [](ModelInferRequest& r) { r.mutable_inputs()->RemoveLast(); }, "oldpeak: missing"},
      {"unknown", [](ModelInferRequest& r) { r.add_inputs()->set_name("height"); }, "height: unknown input"},
      {"duplicate", [](ModelInferRequest& r) { *r.add_inputs() = r.inputs(0); }, "sex: duplicate input"},
      {"datatype", [](ModelInferRequest& r) { r.mutable_inputs(1)->set_datatype("BYTES"); },
       "cp: datatype must be FP64"},
      {"shape", [](ModelInferRequest& r) { r.mutable_inputs(2)->set_shape(0, 3); },
       "restecg: shape says 3 values, the tensor has 1"},
      {"rows differ",
       [](ModelInferRequest& r) {
         auto* input = r.mutable_inputs(3);
         input->set_shape(0, 2);
         input->mutable_contents()->add_fp64_contents(1);
       },
       "ca: has 2 values, other inputs have 1"},
      {"unknown output", [](ModelInferRequest& r) { r.add_outputs()->set_name("logits"); },
       "outputs: unknown output \"logits\""},
  };
  for (const Case& c : cases) {
    auto status = infer_edited(c.edit);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.what;
    EXPECT_NE(status.error_message().find(c.expected), std::string::npos)
        << c.what << ": " << status.error_message();
  }
  auto wrong_model = infer_edited([](ModelInferRequest& r) { r.set_model_name("other"); });
  EXPECT_EQ(wrong_model.error_code(), grpc::StatusCode::NOT_FOUND);
  auto wrong_version = infer_edited([](ModelInferRequest& r) { r.set_model_version("7"); });
  EXPECT_EQ(wrong_version.error_code(), grpc::StatusCode::NOT_FOUND);
}

// A tensor's values in one place only (Open Inference Protocol, as Triton checks it): with both typed
// contents and raw_input_contents the raw bytes used to win silently, and with two typed fields one was
// read and the other ignored.
TEST_F(GrpcApiTest, ValuesInTwoPlacesAreInvalidArgument) {
  const std::vector<std::pair<std::function<void(ModelInferRequest&)>, std::string>> cases = {
      {[](ModelInferRequest& r) {
         for (const auto& input : r.inputs()) {
           const double v = input.contents().fp64_contents(0);
           r.add_raw_input_contents(std::string(reinterpret_cast<const char*>(&v), sizeof v));
         }
       },
       "age: has values both in contents (fp64_contents) and in raw_input_contents; send one"},
      {[](ModelInferRequest& r) { r.mutable_inputs(0)->mutable_contents()->add_fp32_contents(70); },
       "sex: has values in more than one contents field (fp32_contents, fp64_contents); send one"},
      {[](ModelInferRequest& r) {
         auto* contents = r.mutable_inputs(0)->mutable_contents();
         contents->add_fp32_contents(static_cast<float>(contents->fp64_contents(0)));
         contents->clear_fp64_contents();
       },
       "sex: datatype FP64 takes fp64_contents, not fp32_contents"},
  };
  for (const auto& [edit, expected] : cases) {
    auto status = infer_edited(edit);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << expected;
    EXPECT_NE(status.error_message().find(expected), std::string::npos) << status.error_message();
  }
}

TEST_F(GrpcApiTest, CallsCountInTheRestMetricsUnderTheRouteTheyMirror) {
  ModelInferResponse response;
  ASSERT_TRUE(infer(infer_request(), response).ok());
  auto out_of_range = [](ModelInferRequest& r) {
    r.mutable_inputs(6)->mutable_contents()->set_fp64_contents(0, 400);
  };
  ASSERT_EQ(infer_edited(out_of_range).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::string text = metrics_with({R"(route="/v2/models/heart-disease/infer",code="200"} 1)",
                                         R"(route="/v2/models/heart-disease/infer",code="400"} 1)"});
  EXPECT_NE(text.find(R"(route="/v2/models/heart-disease/infer",code="200"} 1)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(route="/v2/models/heart-disease/infer",code="400"} 1)"), std::string::npos) << text;
}

// Bytes sent as a method's request, as a client with a wrong .proto (or a hostile one) sends them.
grpc::Status call_with_bytes(const std::string& address, const std::string& method, std::string_view bytes) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const grpc::Slice slice(bytes.data(), bytes.size());
  const grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  return done.get_future().get();
}

TEST_F(GrpcApiTest, BytesThatAreNotTheMethodsMessageAreInvalidArgumentAndCounted) {
  const std::string infer_method = "/inference.GRPCInferenceService/ModelInfer";
  // A cut varint, a length past the end, a model name that is not UTF-8.
  for (const std::string_view bytes : {std::string_view("\xff\xff\xff\xff"),
                                       std::string_view("\x0a\x05"
                                                        "ab"),
                                       std::string_view("\x0a\x01\xff")}) {
    const grpc::Status status = call_with_bytes(server_->address(), infer_method, bytes);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find("not a inference.ModelInferRequest protobuf message"),
              std::string::npos)
        << status.error_message();
  }
  EXPECT_EQ(
      call_with_bytes(server_->address(), "/inference.GRPCInferenceService/ServerLive", "\xff").error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  // Well-formed bytes still reach the model.
  std::string good;
  ASSERT_TRUE(infer_request().SerializeToString(&good));
  EXPECT_TRUE(call_with_bytes(server_->address(), infer_method, good).ok());
  const std::string text = metrics_with({R"(route="/v2/models/heart-disease/infer",code="400"} 3)"});
  EXPECT_NE(text.find(R"(route="/v2/models/heart-disease/infer",code="400"} 3)"), std::string::npos) << text;
}

TEST_F(GrpcApiTest, StringsThatAreNotUtf8DoNotFloodTheLog) {
  // libprotobuf writes a line for each such string; a client sending them must not fill the server's log.
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(
        call_with_bytes(server_->address(), "/inference.GRPCInferenceService/ModelReady", "\x0a\x02\xff\xfe")
            .error_code(),
        grpc::StatusCode::INVALID_ARGUMENT);
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  std::size_t lines = 0;
  for (auto at = err.find("invalid UTF-8"); at != std::string::npos; at = err.find("invalid UTF-8", at + 1))
    ++lines;
  EXPECT_LE(lines, 1u) << err;
}

TEST_F(GrpcApiTest, AtTheInflightLimitCallsAreRefusedWithResourceExhaustedAtOnce) {
  GrpcServerOptions options;
  options.max_inflight = 1;
  start(options, SimulatedCost{std::chrono::milliseconds(1000), CostMode::kSleep});
  // The first call holds its thread (and the only in-flight place) for 1 s; the second one, on the other
  // thread, must be refused at once rather than wait. It is sent once the first is seen in flight (waited
  // for, however long a loaded machine takes to get it there), so it arrives while the first is held.
  auto first = std::async(std::launch::async, [this] {
    ModelInferResponse r;
    return infer(infer_request(), r).error_code();
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (server_->inflight() == 0 && first.wait_for(std::chrono::seconds(0)) != std::future_status::ready &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(server_->inflight(), 1u) << "the first call never showed in flight";
  ModelInferResponse r;
  const grpc::StatusCode second = infer(infer_request(), r).error_code();
  EXPECT_EQ(second, grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(first.get(), grpc::StatusCode::OK);
  EXPECT_NE(metrics_->render().find("cicada_http_requests_rejected_total 1"), std::string::npos)
      << metrics_->render();
}

// Calls that arrive while every thread is busy are refused at the in-flight limit, as the REST port
// answers 503, instead of waiting inside gRPC (where they used to queue unseen and run later, OK).
TEST_F(GrpcApiTest, OverTheInflightLimitCallsAreRefusedEvenWhenEveryThreadIsBusy) {
  GrpcServerOptions options;
  options.max_inflight = 2;
  start(options, SimulatedCost{std::chrono::milliseconds(3000), CostMode::kSleep});
  // Two calls fill the limit and hold both threads (the fixture's 2) for 3 s each.
  auto held = calls(2);
  ASSERT_TRUE(in_flight(2)) << "the first two calls never showed in flight";
  for (auto& f : calls(3)) EXPECT_EQ(f.get(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  for (auto& f : held) EXPECT_EQ(f.get(), grpc::StatusCode::OK);
  const std::string text = metrics_with(
      {"cicada_http_requests_rejected_total 3", R"(route="/v2/models/heart-disease/infer",code="503"} 3)"});
  EXPECT_NE(text.find("cicada_http_requests_rejected_total 3"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(route="/v2/models/heart-disease/infer",code="503"} 3)"), std::string::npos) << text;
}

// A call whose deadline passes while it waits for a busy thread still ends in /metrics (code 504), as
// every call does. Before, it waited inside gRPC and expired there, never seen by the server.
TEST_F(GrpcApiTest, ACallWhoseDeadlinePassesWhileQueuedIsCounted) {
  start(GrpcServerOptions{}, SimulatedCost{std::chrono::milliseconds(2000), CostMode::kSleep});
  auto held = calls(2);
  ASSERT_TRUE(in_flight(2)) << "the first two calls never showed in flight";
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    ModelInferResponse r;
    EXPECT_EQ(stub_->ModelInfer(&context, infer_request(), &r).error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  for (auto& f : held) EXPECT_EQ(f.get(), grpc::StatusCode::OK);
  const std::string expired = R"(route="/v2/models/heart-disease/infer",code="504"} 1)";
  const std::string answered = R"(route="/v2/models/heart-disease/infer",code="200"} 2)";
  const std::string text = metrics_with({expired, answered});
  EXPECT_NE(text.find(expired), std::string::npos) << text;
  EXPECT_NE(text.find(answered), std::string::npos) << text;
  EXPECT_EQ(server_->inflight(), 0u);
}

// A deadline centuries away is a deadline not yet passed (clients send a huge grpc-timeout for "none"):
// read as system_clock nanoseconds it overflowed past 2262 and every such call was DEADLINE_EXCEEDED.
TEST_F(GrpcApiTest, ADeadlineCenturiesAwayIsNotPast) {
  grpc::ClientContext context;
  context.set_deadline(gpr_time_add(gpr_now(GPR_CLOCK_REALTIME),
                                    gpr_time_from_seconds(1000LL * 365 * 24 * 3600, GPR_TIMESPAN)));
  ModelInferResponse r;
  const auto status = stub_->ModelInfer(&context, infer_request(), &r);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::OK) << status.error_message();
}

// Names the client sent are cut in the status message as the REST errors cut them (128 bytes): a 60 KB
// model name made a 60 KB grpc-message, more than gRPC clients take in a trailer.
TEST_F(GrpcApiTest, AnEchoedNameIsCutInTheStatusMessage) {
  grpc::ClientContext context;
  ModelMetadataRequest q;
  q.set_name(std::string(60'000, 'm'));
  ModelMetadataResponse r;
  const auto status = stub_->ModelMetadata(&context, q, &r);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_LT(status.error_message().size(), 400u) << status.error_message().size();
  EXPECT_NE(status.error_message().find("unknown model \"mmmm"), std::string::npos);
}

// A shutdown whose grace runs out with calls still waiting for a worker: gRPC cancels every call left, so
// the workers finish the queued ones without running them (before, each still ran its handler, and the
// exit waited for all of their work) and say how many; every call still ends, and is counted once.
TEST_F(GrpcApiTest, CallsStillQueuedWhenTheShutdownGraceRunsOutAreNotRunAndAllAreCounted) {
  GrpcServerOptions options;
  options.shutdown_grace = std::chrono::milliseconds(300);
  // The fixture's two workers each hold a call for 2 s, longer than the grace: the other four wait queued.
  start(options, SimulatedCost{std::chrono::milliseconds(2000), CostMode::kSleep});
  auto pending = calls(6);
  ASSERT_TRUE(in_flight(6)) << "the six calls never showed in flight";
  EXPECT_EQ(server_->stop(), 4u);
  EXPECT_EQ(server_->stop(), 0u);  // idempotent
  // None was answered: the shutdown ended each client's call (UNAVAILABLE as the transport closes, or
  // CANCELLED); the server counts them as cancelled (499).
  for (auto& f : pending) {
    const grpc::StatusCode code = f.get();
    EXPECT_TRUE(code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::CANCELLED) << code;
  }
  const std::string cancelled = R"(route="/v2/models/heart-disease/infer",code="499"} 6)";
  const std::string text = metrics_with({cancelled});
  EXPECT_NE(text.find(cancelled), std::string::npos) << text;
  EXPECT_EQ(server_->inflight(), 0u);
}

TEST_F(GrpcApiTest, AMessageAboveTheSizeLimitIsRefused) {
  GrpcServerOptions options;
  options.max_message_bytes = 4096;
  start(options);
  ModelInferRequest request = infer_request();
  request.set_id(std::string(8192, 'x'));
  ModelInferResponse response;
  EXPECT_EQ(infer(request, response).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

}  // namespace
}  // namespace cicada::serving::test
