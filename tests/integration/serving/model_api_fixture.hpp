#pragma once
// A real model (trained in-process on data/heart-disease.csv, once per test binary) behind a real
// HttpServer on an ephemeral loopback port, wired exactly as `cicada-model serve` wires it.
#include <gtest/gtest.h>

#include <memory>
#include <numeric>

#include "http/server/http_server.hpp"
#include "raw_http.hpp"
#include "serving/api_metrics.hpp"
#include "serving/api_routes.hpp"
#include "serving/dataset.hpp"
#include "serving/model.hpp"
#include "serving/trainer.hpp"

namespace cicada::serving::test {

inline const Model& trained_model() {
  static const Model model = [] {
    auto data =
        read_csv(std::string(CICADA_SOURCE_DIR) + "/data/heart-disease.csv", DatasetSpec::heart_disease());
    if (!data) throw std::runtime_error(data.error().message);
    std::vector<std::size_t> rows(data->rows());
    std::iota(rows.begin(), rows.end(), 0);
    auto params = TrainParams{}.resolved();
    auto fitted = fit_pipeline(*data, rows, *params);
    if (!fitted) throw std::runtime_error(fitted.error().message);
    auto m =
        Model::from_parts("heart-disease", "1", schema_of(*data), fitted->preprocessing, fitted->evaluator);
    if (!m) throw std::runtime_error(m.error().message);
    return std::move(m).value();
  }();
  return model;
}

// The model API and its metrics on a real server on an ephemeral port, as `cicada-model serve` wires them.
// start() sets the port (0), 2 threads, 64 KiB bodies and the request timeout (500 ms unless changed); the
// rest is the caller's.
struct ModelServer {
  void start(http::ServerOptions options) {
    options.port = 0;
    options.threads = 2;
    options.max_body_bytes = 64 * 1024;
    options.request_timeout = request_timeout;
    server.reset();
    http::Router router;
    add_model_api(router, trained_model(), &metrics_view);
    metrics = std::make_unique<ApiMetrics>(options.threads, router);
    metrics_view = metrics.get();
    server = std::make_unique<http::HttpServer>(options, std::move(router), metrics.get());
    metrics->set_inflight_source([this] { return server->inflight(); });
    auto started = server->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
  }

  std::chrono::milliseconds request_timeout{500};
  const ApiMetrics* metrics_view = nullptr;
  std::unique_ptr<ApiMetrics> metrics;
  std::unique_ptr<http::HttpServer> server;
};

class ModelApiTest : public ::testing::Test {
 protected:
  void SetUp() override { start(http::ServerOptions{}); }

  void start(http::ServerOptions options) {
    model_.start(std::move(options));
    server_ = model_.server.get();
    metrics_ = model_.metrics.get();
    port_ = server_ == nullptr ? 0 : server_->port();
  }

  std::optional<cicada::test::RawResponse> post(std::string_view path, std::string_view body,
                                                std::string_view content_type = "application/json") {
    return cicada::test::round_trip(port_, cicada::test::make_request("POST", path, body, content_type));
  }
  std::optional<cicada::test::RawResponse> get(std::string_view path) {
    return cicada::test::round_trip(port_, cicada::test::make_request("GET", path));
  }

  ModelServer model_;
  http::HttpServer* server_ = nullptr;
  ApiMetrics* metrics_ = nullptr;
  std::uint16_t port_ = 0;
};

// data/payload.json, the sample request.
inline constexpr std::string_view kPayload =
    R"({"sex": 0, "cp": 1, "restecg": 0, "ca": 1, "slope": 1, "thal": 2, "age": 57, "trestbps": 130,
        "chol": 236, "fbs": 0, "thalach": 174, "exang": 0, "oldpeak": 0.0})";

// kPayload as (field, value) pairs, for requests built field by field (the gRPC tests).
inline const std::vector<std::pair<std::string, double>>& payload_row() {
  static const std::vector<std::pair<std::string, double>> row = {
      {"sex", 0},       {"cp", 1},    {"restecg", 0},    {"ca", 1},     {"slope", 1},
      {"thal", 2},      {"age", 57},  {"trestbps", 130}, {"chol", 236}, {"fbs", 0},
      {"thalach", 174}, {"exang", 0}, {"oldpeak", 0.0}};
  return row;
}

// kPayload with one field's value text replaced ("age", "null") or, with value empty, removed.
inline std::string payload_with(std::string_view field, std::string_view value) {
  std::string p(kPayload);
  std::string key = "\"" + std::string(field) + "\": ";
  auto at = p.find(key);
  auto end = p.find_first_of(",}", at);
  if (value.empty()) {
    auto start = at;
    if (p[end] == ',') ++end;
    p.erase(start, end - start);
  } else {
    p.replace(at + key.size(), end - at - key.size(), value);
  }
  return p;
}

}  // namespace cicada::serving::test
