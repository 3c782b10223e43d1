// gRPC requests in YAML (scenario/yaml_grpc.hpp): what the loader accepts and refuses, the entries they
// record, and what a task hands the user's gRPC client (a recording GrpcClient: the real one is tested
// against the real cicada-model in tests/e2e/grpc_load).
#include <gtest/gtest.h>
#include <simdjson.h>

#include "scenario_harness.hpp"

namespace cicada::test {
namespace {

struct RecordedCall {
  OipCall call;
  std::string model, rows, name, target, version;
  TensorType numbers_as;
  std::chrono::milliseconds timeout;
  std::vector<GrpcStatus> expect;
  std::vector<std::string> outputs;  // each output check as "name datatype [shape] min..max"
};

std::string describe(const GrpcOutputCheck& c) {
  std::string out = std::string(c.name) + " " + std::string(c.datatype) + " [";
  for (std::size_t i = 0; i < c.shape.size(); ++i) out += (i ? "," : "") + std::to_string(c.shape[i]);
  out += "] ";
  out += c.min ? std::to_string(*c.min) : "~";
  out += "..";
  out += c.max ? std::to_string(*c.max) : "~";
  for (std::string_view v : c.one_of) out += " " + std::string(v);
  return out;
}

class RecordingGrpc final : public GrpcClient {
 public:
  Task<GrpcResult> call(OipCall call, std::string_view model, std::string_view rows_json,
                        GrpcOptions options) override {
    calls.push_back({call,
                     std::string(model),
                     std::string(rows_json),
                     std::string(options.name),
                     std::string(options.target),
                     std::string(options.model_version),
                     options.numbers_as,
                     options.timeout,
                     std::vector<GrpcStatus>(options.expect.begin(), options.expect.end()),
                     {}});
    for (const auto& check : options.outputs) calls.back().outputs.push_back(describe(check));
    co_return GrpcResult{};
  }
  std::vector<RecordedCall> calls;
};

constexpr const char* kPayloads = R"(
payloads:
  row: {random: {age: {int: [0, 120]}, oldpeak: {float: [0, 7]}}}
  broken: {invalid: malformed_json, of: row}
  short: {invalid: drop_field, of: row}
)";

std::string scenario(const std::string& requests) {
  return std::string(kPayloads) + "user_types:\n  U:\n    tasks:\n      t:\n        requests:\n" + requests;
}

std::string load_error(const std::string& requests) {
  auto r = scenario::load_yaml_scenario_text(scenario(requests), "/scenarios/test.yaml");
  return r.ok() ? "" : r.error().message;
}

TEST(YamlGrpc, RequestsBecomeGrpcEntriesNamedByServiceAndMethod) {
  auto r = scenario::load_yaml_scenario_text(scenario(R"(
          - grpc: ModelInfer
            model: heart-disease
            payload: row
          - grpc: ServerLive
          - grpc: inference.GRPCInferenceService/ModelMetadata
            model: m
          - grpc: ModelReady
            model: m
            name: ready m
)"),
                                             "/scenarios/test.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::vector<scenario::RequestEntry> expected = {
      {"grpc", "inference.GRPCInferenceService/ModelInfer"},
      {"grpc", "inference.GRPCInferenceService/ServerLive"},
      {"grpc", "inference.GRPCInferenceService/ModelMetadata"},
      {"grpc", "ready m"}};
  EXPECT_EQ(r->entries, expected);
}

TEST(YamlGrpc, ATaskHandsTheClientDrawnRowsAndTheRequestsSettings) {
  Harness h(scenario(R"(
          - grpc: ModelInfer
            model: heart-disease
            version: "2"
            payload: row
            rows: 3
            numbers: int32
            target: 127.0.0.1:8001
            timeout: 250ms
            name: batch
            check: {status: [INVALID_ARGUMENT, OK]}
          - grpc: ModelInfer
            model: heart-disease
            json: {age: 50, oldpeak: 1.5}
          - grpc: ServerReady
)"));
  RecordingGrpc grpc;
  detail::UserBinder::bind_grpc(*h.user, grpc);
  h.run("t");
  ASSERT_EQ(grpc.calls.size(), 3u);
  const auto& batch = grpc.calls[0];
  EXPECT_EQ(batch.call, OipCall::kModelInfer);
  EXPECT_EQ(batch.model, "heart-disease");
  EXPECT_EQ(batch.version, "2");
  EXPECT_EQ(batch.name, "batch");
  EXPECT_EQ(batch.target, "127.0.0.1:8001");
  EXPECT_EQ(batch.numbers_as, TensorType::kInt32);
  EXPECT_EQ(batch.timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(batch.expect, (std::vector<GrpcStatus>{GrpcStatus::kInvalidArgument, GrpcStatus::kOk}));
  simdjson::dom::parser parser;
  simdjson::dom::array rows;
  ASSERT_EQ(parser.parse(batch.rows).get(rows), simdjson::SUCCESS) << batch.rows;
  EXPECT_EQ(rows.size(), 3u);
  for (auto row : rows) {
    const std::int64_t age = row["age"].get_int64().value();
    EXPECT_TRUE(age >= 0 && age <= 120);
  }
  EXPECT_EQ(grpc.calls[1].rows, R"({"age":50,"oldpeak":1.5})");
  EXPECT_EQ(grpc.calls[1].name, "");  // the client names it after the call
  EXPECT_TRUE(grpc.calls[1].expect.empty());
  EXPECT_EQ(grpc.calls[2].call, OipCall::kServerReady);
  EXPECT_TRUE(h.client.requests.empty());  // nothing went over HTTP
}

TEST(YamlGrpc, MistakesAreRefusedWithTheirPosition) {
  EXPECT_NE(load_error("          - grpc: Infer\n").find("test.yaml:"), std::string::npos);
  EXPECT_NE(load_error("          - grpc: Infer\n").find("an OIP v2 call (ServerLive"), std::string::npos);
  EXPECT_NE(load_error("          - grpc: ModelInfer\n            payload: row\n").find("`model:`"),
            std::string::npos);
  EXPECT_NE(
      load_error("          - grpc: ModelInfer\n            model: m\n").find("the inputs of ModelInfer"),
      std::string::npos);
  EXPECT_NE(load_error("          - grpc: ServerLive\n            payload: row\n")
                .find("ServerLive without inputs"),
            std::string::npos);
  EXPECT_NE(
      load_error("          - grpc: ServerLive\n            model: m\n").find("ServerLive without a model"),
      std::string::npos);
  EXPECT_NE(load_error("          - grpc: ModelInfer\n            model: m\n            payload: broken\n")
                .find("malformed_json has none"),
            std::string::npos);
  EXPECT_NE(load_error("          - grpc: ModelInfer\n            model: m\n            payload: row\n"
                       "            check: {status: 400}\n")
                .find("gRPC status names"),
            std::string::npos);
  EXPECT_NE(load_error("          - grpc: ModelInfer\n            model: m\n            payload: row\n"
                       "            headers: {a: b}\n")
                .find("headers"),
            std::string::npos);
  EXPECT_NE(load_error("          - grpc: ModelInfer\n            model: m\n            payload: row\n"
                       "            rows: 0\n")
                .find("a number of rows from 1"),
            std::string::npos);
  EXPECT_EQ(load_error("          - grpc: ModelInfer\n            model: m\n            payload: short\n"),
            "");
}

TEST(YamlGrpc, OutputChecksReachTheClientInTheFilesOrder) {
  Harness h(scenario(R"(
          - grpc: ModelInfer
            model: heart-disease
            payload: row
            check:
              outputs:
                probability: {datatype: fp64, shape: [-1, 1], range: [0, 1]}
                diagnosis: {datatype: BYTES, one_of: [clear, heart-disease]}
                score: {range: [~, 10]}
                present:
          - grpc: ModelInfer
            model: heart-disease
            payload: row
            check: {status: [OK, INVALID_ARGUMENT], outputs: {probability: {}}}
)"));
  RecordingGrpc grpc;
  detail::UserBinder::bind_grpc(*h.user, grpc);
  h.run("t");
  ASSERT_EQ(grpc.calls.size(), 2u);
  EXPECT_TRUE(grpc.calls[0].expect.empty());  // OK, as without outputs
  EXPECT_EQ(grpc.calls[0].outputs, (std::vector<std::string>{"probability FP64 [-1,1] 0.000000..1.000000",
                                                             "diagnosis BYTES [] ~..~ clear heart-disease",
                                                             "score  [] ~..10.000000", "present  [] ~..~"}));
  EXPECT_EQ(grpc.calls[1].outputs, (std::vector<std::string>{"probability  [] ~..~"}));
}

TEST(YamlGrpc, OutputCheckMistakesAreRefusedWithTheirPosition) {
  auto infer_checking = [](const std::string& check) {
    return load_error(
        "          - grpc: ModelInfer\n            model: m\n            payload: row\n"
        "            check: " +
        check + "\n");
  };
  EXPECT_EQ(infer_checking("{outputs: {p: {datatype: FP32}}}"), "");
  EXPECT_NE(infer_checking("{outputs: {p: {datatype: FLOAT}}}").find("an OIP datatype"), std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {type: FP32}}}").find("datatype"), std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {shape: 3}}}").find("a shape"), std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {shape: [-2]}}}").find("-1 for any"), std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {range: [1]}}}").find("a range [min, max]"), std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {range: [2, 1]}}}").find("min <= max"), std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {range: [~, ~]}}}").find("at least one bound"), std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {datatype: BYTES, range: [0, 1]}}}").find("numeric output"),
            std::string::npos);
  EXPECT_EQ(infer_checking("{outputs: {p: {one_of: [a, b]}}}"), "");
  EXPECT_NE(infer_checking("{outputs: {p: {one_of: a}}}").find("a non-empty list"), std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {one_of: []}}}").find("a non-empty list"), std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {datatype: FP64, one_of: [a]}}}").find("one_of on a BYTES output"),
            std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {range: [0, 1], one_of: [a]}}}").find("either range"),
            std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {}}").find("output checks"), std::string::npos);
  EXPECT_NE(infer_checking("{status: INVALID_ARGUMENT, outputs: {p: {}}}").find("accepts OK"),
            std::string::npos);
  EXPECT_NE(infer_checking("{}").find("`status:`"), std::string::npos);
  EXPECT_NE(infer_checking("{outputs: {p: {shape: [-2]}}}").find("test.yaml:"), std::string::npos);
  EXPECT_NE(load_error("          - grpc: ServerLive\n            check: {outputs: {p: {}}}\n")
                .find("output checks with ModelInfer only"),
            std::string::npos);
}

TEST(YamlGrpc, AGrpcHostIsAUsersHost) {
  auto r = scenario::load_yaml_scenario_text(
      "host: grpc://127.0.0.1:8001\n" + scenario("          - grpc: ServerLive\n"), "/scenarios/test.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->scenario.default_host, "grpc://127.0.0.1:8001");
}

}  // namespace
}  // namespace cicada::test
