// `cicada -f scenario.yaml` with gRPC requests (OIP v2, docs/protocols.md) against the real
// `cicada-model serve --grpc-port 0` on loopback: entries named by service/method with method "grpc",
// invalid rows from the payload generators failing with their status names, checks, batches, the
// health calls, and the counts in the CSV files against what the server itself counted in its /metrics.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>

#include "raw_http.hpp"
#include "support/child_process.hpp"
#include "support/csv_rows.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::find_row;
using cicada::testing::read_csv;
using cicada::testing::read_file;
using cicada::testing::source;
using cicada::testing::TempDir;

namespace {

constexpr std::string_view kScenario = R"(
payloads:
  heart:
    random:
      sex: {choice: [0, 1]}
      cp: {choice: [0, 1, 2, 3]}
      restecg: {choice: [0, 1]}
      ca: {choice: [0, 1, 2, 3]}
      slope: {choice: [0, 1, 2]}
      thal: {choice: [0, 1, 2, 3]}
      age: {int: [0, 120]}
      trestbps: {int: [90, 200]}
      chol: {int: [100, 600]}
      fbs: {choice: [0, 1]}
      thalach: {int: [60, 200]}
      exang: {choice: [0, 1]}
      oldpeak: {float: [0, 7]}
  # Categorical features are choices among the model's categories, so out_of_range and wrong_type
  # pick one of the numeric features, which the server range-checks.
  heart_out_of_range: {invalid: out_of_range, of: heart}
  heart_missing: {invalid: drop_field, of: heart}
  heart_wrong_type: {invalid: wrong_type, of: heart}

user_types:
  InferUser:
    tasks:
      infer:
        weight: 4
        requests:
          - grpc: ModelInfer
            model: heart-disease
            payload: heart
            check:
              outputs:
                probability: {datatype: FP64, shape: [1], range: [0, 1]}
                diagnosis: {datatype: BYTES, shape: [1], one_of: [clear, heart-disease]}
      batch:
        requests:
          - grpc: ModelInfer
            model: heart-disease
            payload: heart
            rows: 4
            numbers: int64
            name: ModelInfer x4
            check: {outputs: {probability: {shape: [4], range: [0, 1]}}}
      invalid:
        requests:
          - grpc: ModelInfer
            model: heart-disease
            payload: heart_out_of_range
            name: ModelInfer out_of_range
          - grpc: ModelInfer
            model: heart-disease
            payload: heart_missing
            name: ModelInfer drop_field
          - grpc: ModelInfer
            model: heart-disease
            payload: heart_wrong_type
            name: ModelInfer wrong_type
          - grpc: ModelInfer
            model: heart-disease
            payload: heart_missing
            name: ModelInfer checked
            check: {status: INVALID_ARGUMENT}
          - grpc: ModelInfer
            model: heart-disease
            payload: heart
            name: ModelInfer outputs
            check: {outputs: {score: {}}}
      health:
        requests:
          - grpc: ServerLive
          - grpc: ServerReady
          - grpc: ModelReady
            model: heart-disease
          - grpc: ModelMetadata
            model: heart-disease
          - grpc: ModelReady
            model: other
            name: ModelReady other
)";

class GrpcLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto model_app = binary("apps/cicada-model/cicada-model").string();
    ChildProcess train({model_app, "train", "--data", source("data/heart-disease.csv").string(), "--out",
                        (dir_.path() / "model").string()});
    ASSERT_EQ(train.wait(120s), 0) << train.err();
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{model_app, "serve", "--model", (dir_.path() / "model").string(), "--port",
                                 "0", "--grpc-port", "0", "--threads", "1"});
    auto out = server_->wait_for_output("over gRPC on", 20s);
    ASSERT_TRUE(out) << server_->out() << server_->err();
    std::smatch rest, grpc_at;
    ASSERT_TRUE(std::regex_search(*out, rest, std::regex("on http://127\\.0\\.0\\.1:(\\d+)"))) << *out;
    ASSERT_TRUE(std::regex_search(*out, grpc_at, std::regex("over gRPC on (127\\.0\\.0\\.1:\\d+)"))) << *out;
    rest_port_ = static_cast<std::uint16_t>(std::stoi(rest[1].str()));
    grpc_address_ = grpc_at[1].str();
  }

  std::unique_ptr<ChildProcess> cicada(std::vector<std::string> args) {
    return ::cicada::testing::start_cicada(std::move(args), dir_.path());
  }

  // The server's own count of answers on a route with a status code (its /metrics), the ground truth.
  long server_count(const std::string& route, int code) {
    auto r = cicada::test::round_trip(rest_port_, cicada::test::make_request("GET", "/metrics"));
    if (!r) return -1;
    std::smatch m;
    const std::regex re("cicada_http_requests_total\\{route=\"" + route + "\",code=\"" +
                        std::to_string(code) + "\"\\} (\\d+)");
    return std::regex_search(r->body, m, re) ? std::stol(m[1].str()) : 0;
  }

  TempDir dir_;
  std::unique_ptr<ChildProcess> server_;
  std::uint16_t rest_port_ = 0;
  std::string grpc_address_;
};

long field(const std::vector<std::string>* row, std::size_t i) { return row ? std::stol((*row)[i]) : -1; }

}  // namespace

TEST_F(GrpcLoad, OipCallsAreEntriesAndInvalidRowsFailWithTheirStatusNames) {
  std::ofstream(dir_.path() / "grpc.yaml") << kScenario;
  auto run = cicada({"-f", "grpc.yaml", "--host", "grpc://" + grpc_address_, "--headless", "-u", "4", "-r",
                     "4", "-t", "3s", "--csv", "out", "--only-summary"});
  // Failures (the unchecked invalid rows) set Locust's exit code 1.
  ASSERT_EQ(run->wait(60s), 1) << run->out() << run->err();

  const auto stats = read_csv(dir_.path() / "out_stats.csv");
  const auto* infer = find_row(stats, "grpc", "inference.GRPCInferenceService/ModelInfer");
  const auto* batch = find_row(stats, "grpc", "ModelInfer x4");
  const auto* checked = find_row(stats, "grpc", "ModelInfer checked");
  ASSERT_NE(infer, nullptr) << read_file(dir_.path() / "out_stats.csv");
  // Columns: Type, Name, Request Count, Failure Count.
  EXPECT_GT(field(infer, 2), 20);
  EXPECT_EQ(field(infer, 3), 0);
  EXPECT_GT(field(batch, 2), 0);
  EXPECT_EQ(field(batch, 3), 0);
  EXPECT_GT(field(checked, 2), 0);
  EXPECT_EQ(field(checked, 3), 0);  // INVALID_ARGUMENT was what the check asked for
  for (auto name : {"ServerLive", "ServerReady", "ModelReady", "ModelMetadata"}) {
    const auto* row = find_row(stats, "grpc", std::string("inference.GRPCInferenceService/") + name);
    EXPECT_GT(field(row, 2), 0) << name;
    EXPECT_EQ(field(row, 3), 0) << name;
  }
  long invalid_calls = field(checked, 2);
  for (auto name : {"ModelInfer out_of_range", "ModelInfer drop_field", "ModelInfer wrong_type",
                    "ModelReady other", "ModelInfer outputs"}) {
    const auto* row = find_row(stats, "grpc", name);
    EXPECT_GT(field(row, 2), 0) << name;
    EXPECT_EQ(field(row, 3), field(row, 2)) << name << ": every call fails";
    if (std::string_view(name).ends_with("_field") || std::string_view(name).ends_with("_range") ||
        std::string_view(name).ends_with("_type"))
      invalid_calls += field(row, 2);
  }

  // Failure texts: the status name, then the server's message naming the field.
  const auto failures = read_csv(dir_.path() / "out_failures.csv");
  std::map<std::string, std::vector<std::string>> texts;
  for (std::size_t i = 1; i < failures.size(); ++i) {
    ASSERT_EQ(failures[i][0], "grpc");
    texts[failures[i][1]].push_back(failures[i][2]);
  }
  auto all_match = [&](const std::string& name, const std::string& pattern) {
    ASSERT_FALSE(texts[name].empty()) << name;
    for (const auto& t : texts[name])
      EXPECT_TRUE(std::regex_search(t, std::regex(pattern))) << name << ": " << t;
  };
  all_match("ModelInfer out_of_range",
            "^INVALID_ARGUMENT: invalid inference request: [a-z]+\\[0\\]: out of range");
  all_match("ModelInfer drop_field", "^INVALID_ARGUMENT: invalid inference request: [a-z]+: missing");
  all_match("ModelInfer wrong_type",
            "^INVALID_ARGUMENT: invalid inference request: [a-z]+: datatype must be");
  all_match("ModelReady other", "^NOT_FOUND: unknown model \"other\"");
  // An answer (OK) without the output its check asks for.
  ASSERT_EQ(texts["ModelInfer outputs"].size(), 1u);
  EXPECT_EQ(texts["ModelInfer outputs"][0],
            R"(OK: output "score" missing (the response has probability, diagnosis))");
  EXPECT_EQ(texts.size(), 5u) << "no other entry failed";

  // The server answered what cicada counted: every call cicada recorded got its answer, and the server
  // can only have answered more by the calls the end of the test cut off (at most one per user).
  const long client_ok =
      field(infer, 2) + field(batch, 2) + field(find_row(stats, "grpc", "ModelInfer outputs"), 2);
  const long server_ok = server_count("/v2/models/heart-disease/infer", 200);
  const long server_invalid = server_count("/v2/models/heart-disease/infer", 400);
  EXPECT_GE(server_ok, client_ok);
  EXPECT_LE(server_ok, client_ok + 4);
  EXPECT_GE(server_invalid, invalid_calls);
  EXPECT_LE(server_invalid, invalid_calls + 4);
}

TEST_F(GrpcLoad, AnUnreachableTargetFailsEveryCallWithUnavailable) {
  std::ofstream(dir_.path() / "live.yaml")
      << "user_types:\n  U:\n    wait_time: constant(0.05)\n    tasks:\n      live:\n        requests:\n"
         "          - grpc: ServerLive\n            timeout: 500ms\n";
  // Port 9 on loopback: nothing listens there.
  auto run = cicada({"-f", "live.yaml", "--host", "grpc://127.0.0.1:9", "--headless", "-u", "1", "-r", "1",
                     "-t", "2s", "--csv", "out", "--only-summary"});
  ASSERT_EQ(run->wait(60s), 1) << run->out() << run->err();
  const auto stats = read_csv(dir_.path() / "out_stats.csv");
  const auto* live = find_row(stats, "grpc", "inference.GRPCInferenceService/ServerLive");
  ASSERT_NE(live, nullptr);
  EXPECT_GT(field(live, 2), 0);
  EXPECT_EQ(field(live, 3), field(live, 2));
  const auto failures = read_csv(dir_.path() / "out_failures.csv");
  ASSERT_GE(failures.size(), 2u);
  EXPECT_TRUE(failures[1][2].rfind("UNAVAILABLE: ", 0) == 0 ||
              failures[1][2].rfind("DEADLINE_EXCEEDED: ", 0) == 0)
      << failures[1][2];
}

// The shipped examples, YAML and C++ (compiled on the fly), make the same calls: every user's on_start
// ModelReady once, valid rows answered OK, out-of-range rows refused as their check expects.
TEST_F(GrpcLoad, TheYamlAndCppExamplesMakeTheSameCalls) {
  for (auto example : {"examples/grpc-infer.yaml", "examples/grpc-infer.cpp"}) {
    const std::string prefix = fs::path(example).extension() == ".cpp" ? "cpp" : "yaml";
    auto run = cicada({"-f", source(example).string(), "--host", "grpc://" + grpc_address_, "--headless",
                       "-u", "3", "-r", "10", "-t", "2s", "--csv", prefix, "--only-summary"});
    ASSERT_EQ(run->wait(120s), 0) << example << "\n" << run->out() << run->err();
    const auto stats = read_csv(dir_.path() / (prefix + "_stats.csv"));
    const auto* ready = find_row(stats, "grpc", "inference.GRPCInferenceService/ModelReady");
    const auto* infer = find_row(stats, "grpc", "inference.GRPCInferenceService/ModelInfer");
    const auto* invalid = find_row(stats, "grpc", "ModelInfer (invalid)");
    EXPECT_EQ(field(ready, 2), 3) << example;  // on_start: once per user
    EXPECT_GT(field(infer, 2), 0) << example;
    EXPECT_GT(field(invalid, 2), 0) << example;
    for (const auto* row : {ready, infer, invalid}) EXPECT_EQ(field(row, 3), 0) << example;
  }
}
