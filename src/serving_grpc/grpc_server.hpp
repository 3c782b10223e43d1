#pragma once
// GrpcInferenceServer: cicada-model's Open Inference Protocol v2 over gRPC (`serve --grpc-port`):
// ServerLive, ServerReady, ServerMetadata, ModelReady, ModelMetadata and ModelInfer for its one model,
// with the REST API's checks and limits:
//   - a bad ModelInfer is INVALID_ARGUMENT and its message names every offending input, in the REST
//     API's words (serving/infer_inputs.hpp: "invalid inference request: age[0]: out of range [..]");
//   - another model name or version: NOT_FOUND; a message above max_message_bytes: RESOURCE_EXHAUSTED
//     (gRPC's own check);
//   - more than max_inflight calls admitted and not yet ended: RESOURCE_EXHAUSTED at once (the REST
//     port's 503), however busy the workers are, and UNAVAILABLE for calls that arrive while the server
//     stops.
// Metrics: each call that ends is counted in the REST API's ApiMetrics under the route it mirrors
// (ModelInfer under /v2/models/<name>/infer, ModelMetadata under /v2/models/<name>, ...) with the HTTP
// status of the same meaning (OK 200, INVALID_ARGUMENT 400, NOT_FOUND 404, RESOURCE_EXHAUSTED and
// UNAVAILABLE 503, DEADLINE_EXCEEDED 504, CANCELLED 499: a call whose client gave up counts too), so
// /metrics keeps one set of counters whichever transport a client uses.
//
// Threads: `threads` front threads, each draining one completion queue (taking calls, refusing them at
// the limit, reporting them), and `threads` workers running the admitted calls in arrival order. Front
// thread i writes ApiMetrics slot first_metrics_slot + i, so the REST workers' slots come first.
// gRPC headers stay in grpc_server.cpp, so including this costs nothing.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "serving/api_metrics.hpp"
#include "serving/model.hpp"
#include "serving/simulated_cost.hpp"

namespace cicada::serving {

struct GrpcServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: an ephemeral port, see GrpcInferenceServer::port()
  std::size_t threads = 1;
  std::size_t max_inflight = 1024;
  std::size_t max_message_bytes = 1 << 20;
  std::chrono::milliseconds shutdown_grace{10000};
  // A new connection's TLS handshake and HTTP/2 preface must come within first_request_timeout; a
  // connection with no call open for idle_timeout is sent GOAWAY and closed (gRPC's own defaults: 120 s,
  // and never), as the REST port's --first-request-timeout and --request-timeout bound its connections.
  std::chrono::milliseconds first_request_timeout{3000};
  std::chrono::milliseconds idle_timeout{10000};
  // TLS (a client dials grpcs://): PEM files of the certificate (its chain after it) and its private key,
  // both or neither; without them the port is plaintext (h2c). cicada-model serve passes its
  // --tls-cert/--tls-key, which the REST port has already checked (a readable pair that matches).
  std::string tls_cert_file;
  std::string tls_key_file;
  // Calls one connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS; gRPC's default is none):
  // one client's unread answers (its window at 0) grew the server by 200 MB over 20,000 calls.
  std::uint32_t max_streams = 100;
};

class GrpcInferenceServer {
 public:
  // model and metrics must outlive the server; metrics may be null. router: the REST routes, read here
  // only, to find the metric label of each call.
  GrpcInferenceServer(GrpcServerOptions options, const Model& model, const http::Router& router,
                      ApiMetrics* metrics, std::size_t first_metrics_slot, SimulatedCost cost = {});
  ~GrpcInferenceServer();  // stop() and wait()
  GrpcInferenceServer(const GrpcInferenceServer&) = delete;
  GrpcInferenceServer& operator=(const GrpcInferenceServer&) = delete;

  Result<void> start();
  std::uint16_t port() const;
  // "127.0.0.1:PORT", what a gRPC client dials (over TLS when tls() is true).
  std::string address() const;
  bool tls() const;
  // Calls in progress (the in-flight gauge of this listener).
  std::size_t inflight() const;

  // Graceful: refuse new calls, let running and queued ones finish within shutdown_grace. From any
  // thread; idempotent. Returns how many admitted calls were still waiting for a worker when the grace ran
  // out: gRPC had cancelled them, so they were not run (0 on a second call).
  std::size_t stop();
  void wait();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cicada::serving
