// Open Inference Protocol v2 routes and the Prometheus /metrics text, over real loopback HTTP.
#include <cstdlib>
#include <string>

#include "base/process_usage.hpp"
#include "model_api_fixture.hpp"

namespace cicada::serving::test {
namespace {

// Two rows of every field; age's tensor as given (its data, and the rest of its object after the name).
std::string infer_body(std::string_view age_data = "[57, 63]",
                       std::string_view age_tensor = R"("shape": [2, 1], "datatype": "FP64")",
                       std::string_view after_inputs = "") {
  std::string body = R"({"id": "req-1", "inputs": [)";
  const char* fields[][2] = {{"sex", "[0, 1]"},          {"cp", "[1, 3]"},       {"restecg", "[0, 0]"},
                             {"ca", "[1, 0]"},           {"slope", "[1, 0]"},    {"thal", "[2, 1]"},
                             {"trestbps", "[130, 145]"}, {"chol", "[236, 233]"}, {"fbs", "[0, 1]"},
                             {"thalach", "[174, 150]"},  {"exang", "[0, 0]"},    {"oldpeak", "[0.0, 2.3]"}};
  for (auto& f : fields) {
    body += R"({"name": ")" + std::string(f[0]) + R"(", "shape": [2], "datatype": "FP64", "data": )" + f[1] +
            "},";
  }
  body += R"({"name": "age", )" + std::string(age_tensor) + R"(, "data": )" + std::string(age_data) + "}]" +
          std::string(after_inputs) + "}";
  return body;
}

TEST_F(ModelApiTest, V2ServerMetadataNamesTheServer) {
  auto r = get("/v2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"name":"cicada-model","version":"1","extensions":[]})");
}

TEST_F(ModelApiTest, V2HealthAndReadiness) {
  for (const char* path : {"/v2/health/live", "/v2/health/ready", "/v2/models/heart-disease/ready"}) {
    auto r = get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_NE(r->body.find("true"), std::string::npos) << r->body;
  }
  auto other = get("/v2/models/another-model/ready");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
}

TEST_F(ModelApiTest, V2MetadataListsEveryInputWithItsSchema) {
  auto r = get("/v2/models/heart-disease");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\"name\":\"heart-disease\""), std::string::npos);
  for (const auto& field : trained_model().schema().fields) {
    EXPECT_NE(r->body.find("{\"name\":\"" + field.name + "\",\"datatype\":\"FP64\""), std::string::npos)
        << field.name;
  }
  EXPECT_NE(r->body.find("\"accept_max\""), std::string::npos);
  EXPECT_NE(r->body.find("\"categories\""), std::string::npos);
}

TEST_F(ModelApiTest, V2InferMatchesPredict) {
  auto r = post("/v2/models/heart-disease/infer", infer_body("[[57], [63]]"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("\"id\":\"req-1\""), std::string::npos);
  EXPECT_NE(r->body.find("\"shape\":[2]"), std::string::npos);
  auto single = post("/predict", kPayload);
  ASSERT_TRUE(single);
  auto p_at = single->body.find("\"probability\":") + 14;
  std::string p = single->body.substr(p_at, single->body.size() - 1 - p_at);
  EXPECT_NE(r->body.find("\"data\":[" + p + ","), std::string::npos) << r->body << " vs " << p;
}

TEST_F(ModelApiTest, V2InferErrorsNameTheInput) {
  auto missing = post("/v2/models/heart-disease/infer", R"({"inputs": [{"name": "age", "data": [1]}]})");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_NE(missing->body.find("\"chol\":\"missing\""), std::string::npos) << missing->body;
  auto bad_value = post("/v2/models/heart-disease/infer", infer_body("[57, null]"));
  ASSERT_TRUE(bad_value);
  EXPECT_EQ(bad_value->status, 400);
  EXPECT_NE(bad_value->body.find("\"age[1]\":\"must not be null\""), std::string::npos) << bad_value->body;
  auto short_column =
      post("/v2/models/heart-disease/infer", infer_body("[57]", R"("shape": [1], "datatype": "FP64")"));
  ASSERT_TRUE(short_column);
  EXPECT_EQ(short_column->status, 400);
  EXPECT_NE(short_column->body.find("\"age\":\"has 1 values"), std::string::npos) << short_column->body;
  auto no_inputs = post("/v2/models/heart-disease/infer", "{}");
  ASSERT_TRUE(no_inputs);
  EXPECT_EQ(no_inputs->status, 400);
  auto wrong_type = post("/v2/models/heart-disease/infer", "{}", "text/csv");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 415);
}

// The protocol's versioned routes answer for the model's version (1) as the unversioned ones do, and
// another version is 404.
TEST_F(ModelApiTest, V2VersionedRoutesServeTheModelsVersion) {
  auto metadata = get("/v2/models/heart-disease/versions/1");
  ASSERT_TRUE(metadata);
  EXPECT_EQ(metadata->status, 200) << metadata->body;
  EXPECT_EQ(metadata->body, get("/v2/models/heart-disease")->body);
  auto ready = get("/v2/models/heart-disease/versions/1/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_NE(ready->body.find("\"ready\":true"), std::string::npos) << ready->body;
  auto infer = post("/v2/models/heart-disease/versions/1/infer", infer_body());
  ASSERT_TRUE(infer);
  EXPECT_EQ(infer->status, 200) << infer->body;
  EXPECT_EQ(infer->body, post("/v2/models/heart-disease/infer", infer_body())->body);
  EXPECT_NE(infer->body.find("\"model_version\":\"1\""), std::string::npos) << infer->body;
  auto other = post("/v2/models/heart-disease/versions/2/infer", infer_body());
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
}

// The v2 route refuses a category the model never saw as /predict and gRPC do (serving/api_json.hpp).
TEST_F(ModelApiTest, V2InferRefusesAnUnknownCategory) {
  std::string body = infer_body();
  const std::string thal = R"("thal", "shape": [2], "datatype": "FP64", "data": [2, 1])";
  body.replace(body.find(thal), thal.size(), R"("thal", "shape": [2], "datatype": "FP64", "data": [2, 7])");
  auto r = post("/v2/models/heart-disease/infer", body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find(R"("thal[1]":"unknown category 7: expected one of 0, 1, 2, 3")"), std::string::npos)
      << r->body;
}

// The tensor's datatype and shape, the requested outputs and the id are read as the gRPC service reads
// them (serving/infer_inputs.hpp): what one transport refuses, the other does too. Before, REST ignored
// them, and a shape of [3] over one value, a BYTES tensor of numbers or 0.5 as an INT32 got 200.
TEST_F(ModelApiTest, V2InferChecksDatatypeShapeAndOutputsAsGrpcDoes) {
  const auto refused = [&](const std::string& body, const std::string& expected) {
    auto r = post("/v2/models/heart-disease/infer", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body << "\n" << r->body;
    EXPECT_NE(r->body.find(expected), std::string::npos) << body << "\n" << r->body;
  };
  const std::string shape_form = R"("age":"shape must be [N] or [N, 1]")";
  refused(infer_body("[57, 63]", R"("shape": [3], "datatype": "FP64")"),
          R"("age":"shape says 3 values, the tensor has 2")");
  refused(infer_body("[57, 63]", R"("shape": [9223372036854775807], "datatype": "FP64")"),
          "shape says 9223372036854775807 values");
  refused(infer_body("[57, 63]", R"("shape": [2, 2], "datatype": "FP64")"), shape_form);
  refused(infer_body("[57, 63]", R"("shape": [], "datatype": "FP64")"), shape_form);
  refused(infer_body("[57, 63]", R"("shape": "2", "datatype": "FP64")"), shape_form);
  refused(infer_body("[57, 63]", R"("shape": [-2], "datatype": "FP64")"), shape_form);
  refused(infer_body("[57, 63]", R"("datatype": "FP64")"), shape_form);
  refused(infer_body("[[57, 63]]", R"("shape": [1], "datatype": "FP64")"),
          R"("age":"\"data\" must be [v, ...] or [[v], ...]")");
  refused(infer_body("[57, 63]", R"("shape": [2], "datatype": "BYTES")"),
          R"("age":"datatype must be FP64, FP32, INT64 or INT32, got \"BYTES\"")");
  refused(infer_body("[57, 63]", R"("shape": [2], "datatype": 5)"), R"("age":"missing \"datatype\")");
  refused(infer_body("[57, 63]", R"("shape": [2])"), R"("age":"missing \"datatype\")");
  refused(infer_body("[57, 63.5]", R"("shape": [2], "datatype": "INT32")"),
          R"x("age[1]":"must be a whole number (datatype INT32)")x");
  refused(
      infer_body("[57, 63]", R"("shape": [2], "datatype": "FP64")", R"(, "outputs": [{"name": "logits"}])"),
      R"("outputs":"unknown output \"logits\"")");
  refused(infer_body("[57, 63]", R"("shape": [2], "datatype": "FP64")", R"(, "outputs": "probability")"),
          R"("outputs":"must be an array")");
  refused(R"({"id": 7, "inputs": []})", R"("id":"must be a string")");

  // The forms the protocol allows: [N] and [N, 1], flat or nested data, integer datatypes with whole
  // values, and only the outputs asked for.
  for (const char* tensor :
       {R"("shape": [2], "datatype": "INT64")", R"("shape": [2, 1], "datatype": "FP32")"}) {
    auto r = post("/v2/models/heart-disease/infer", infer_body("[[57], [63]]", tensor));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << tensor << "\n" << r->body;
  }
  auto only =
      post("/v2/models/heart-disease/infer", infer_body("[57, 63]", R"("shape": [2], "datatype": "FP64")",
                                                        R"(, "outputs": [{"name": "diagnosis"}])"));
  ASSERT_TRUE(only);
  EXPECT_EQ(only->status, 200) << only->body;
  EXPECT_NE(only->body.find("\"name\":\"diagnosis\""), std::string::npos) << only->body;
  EXPECT_EQ(only->body.find("\"name\":\"probability\""), std::string::npos) << only->body;
}

TEST_F(ModelApiTest, MetricsCountRequestsByRouteAndStatus) {
  ASSERT_TRUE(post("/predict", kPayload));
  ASSERT_TRUE(post("/predict", kPayload));
  ASSERT_TRUE(post("/predict", "{"));
  ASSERT_TRUE(get("/nowhere"));
  // A request is counted once its answer's write completes, which may be after the client read it: scrape
  // until all four are counted (or 10 s, then the checks below say what is missing).
  auto counted_all = [](const std::string& m) {
    return m.find("cicada_http_request_duration_seconds_count{route=\"/predict\"} 3\n") !=
               std::string::npos &&
           m.find("route=\"unmatched\",code=\"404\"} 1\n") != std::string::npos;
  };
  auto r = get("/metrics");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (r && !counted_all(r->body) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    r = get("/metrics");
  }
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
  const std::string& m = r->body;
  EXPECT_NE(m.find("cicada_http_requests_total{route=\"/predict\",code=\"200\"} 2\n"), std::string::npos)
      << m;
  EXPECT_NE(m.find("cicada_http_requests_total{route=\"/predict\",code=\"400\"} 1\n"), std::string::npos)
      << m;
  EXPECT_NE(m.find("cicada_http_requests_total{route=\"unmatched\",code=\"404\"} 1\n"), std::string::npos)
      << m;
  EXPECT_NE(m.find("cicada_http_request_duration_seconds_bucket{route=\"/predict\",le=\"+Inf\"} 3\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("cicada_http_request_duration_seconds_count{route=\"/predict\"} 3\n"), std::string::npos)
      << m;
  EXPECT_NE(m.find("# TYPE cicada_http_request_duration_seconds histogram"), std::string::npos);
  // The scrape itself is in flight while the text is rendered.
  EXPECT_NE(m.find("cicada_http_requests_in_flight 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("cicada_http_requests_rejected_total 0\n"), std::string::npos) << m;
}

// The value of an unlabelled sample `name` in a Prometheus text, or -1 when it is not there.
double sample(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::strtod(text.c_str() + at + name.size() + 2, nullptr);
}

TEST_F(ModelApiTest, MetricsCarryTheProcessCpuTimeAndResidentMemory) {
  // The server runs in this process: its CPU time is this process's, read on both sides of the scrape.
  const double cpu_before = std::chrono::duration<double>(ProcessUsage::cpu_time()).count();
  auto r = get("/metrics");
  const double cpu_after = std::chrono::duration<double>(ProcessUsage::cpu_time()).count();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const std::string& m = r->body;
  EXPECT_NE(m.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos) << m;
  EXPECT_NE(m.find("# TYPE process_resident_memory_bytes gauge\n"), std::string::npos) << m;
  const double cpu = sample(m, "process_cpu_seconds_total");
  EXPECT_GE(cpu, cpu_before - 1e-6) << m;
  EXPECT_LE(cpu, cpu_after + 1e-6) << m;
  const double rss = sample(m, "process_resident_memory_bytes");
  EXPECT_GT(rss, 1 << 20) << m;  // a process with a model loaded holds more than 1 MB
  EXPECT_LT(rss, 64.0 * (1ull << 30)) << m;
}

}  // namespace
}  // namespace cicada::serving::test
