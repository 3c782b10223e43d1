// cicada-model serve: load a model directory and answer the model API over HTTP until SIGTERM/SIGINT.
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>

#include "base/log.hpp"
#include "commands.hpp"
#include "http/server/http_server.hpp"
#include "serving/api_metrics.hpp"
#include "serving/api_routes.hpp"
#include "serving/model.hpp"
#ifdef CICADA_HAVE_GRPC
#include "serving_grpc/grpc_server.hpp"
#endif

namespace cicada::model_app {
namespace {

struct ServeOptions {
  std::string model_dir;
  http::ServerOptions server;
  double request_timeout_s = 10;
  double first_request_timeout_s = 3;
  std::int64_t simulated_cost_us = 0;  // testing aid: see serving/simulated_cost.hpp
  std::string simulated_cost_mode = "spin";
  int grpc_port = -1;  // -1: no gRPC listener
  bool no_http2 = false;
};

int run_serve(const ServeOptions& options) {
  auto model = serving::Model::load(options.model_dir);
  if (!model) {
    fmt::print(stderr, "cicada-model: {}\n", model.error().message);
    return 1;
  }
  http::ServerOptions server_options = options.server;
  if (server_options.threads == 0) server_options.threads = std::max(1u, std::thread::hardware_concurrency());
  // Both were range-checked at parse time (seconds_in), so the conversions cannot overflow.
  server_options.request_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.request_timeout_s * 1000));
  server_options.first_request_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.first_request_timeout_s * 1000));
  server_options.http2 = !options.no_http2;

  // Signals are taken synchronously by this thread (sigwait), so block them before the server starts
  // threads: every thread inherits the mask and none is interrupted in the middle of a request.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const serving::ApiMetrics* metrics_view = nullptr;
  http::Router router;
  serving::SimulatedCost cost{
      std::chrono::microseconds(options.simulated_cost_us),
      serving::parse_cost_mode(options.simulated_cost_mode).value_or(serving::CostMode::kSpin)};
  serving::add_model_api(router, *model, &metrics_view, cost);
  // The gRPC listener's threads get metric slots after the REST workers' (serving_grpc/grpc_server.hpp).
  const std::size_t grpc_threads = options.grpc_port >= 0 ? server_options.threads : 0;
  serving::ApiMetrics metrics(server_options.threads + grpc_threads, router);
  metrics_view = &metrics;
#ifdef CICADA_HAVE_GRPC
  std::unique_ptr<serving::GrpcInferenceServer> grpc;
  if (options.grpc_port >= 0) {
    serving::GrpcServerOptions grpc_options{
        server_options.host,
        static_cast<std::uint16_t>(options.grpc_port),
        grpc_threads,
        server_options.max_inflight,
        server_options.max_body_bytes,
        server_options.shutdown_grace,
        std::min(server_options.first_request_timeout, server_options.request_timeout),
        server_options.request_timeout,
        server_options.tls_cert_file,
        server_options.tls_key_file,
        server_options.http2_max_streams};
    grpc = std::make_unique<serving::GrpcInferenceServer>(grpc_options, *model, router, &metrics,
                                                          server_options.threads, cost);
  }
#else
  if (options.grpc_port >= 0) {
    fmt::print(stderr, "cicada-model: --grpc-port: this build has no gRPC (libgrpc++-dev was missing)\n");
    return 2;
  }
#endif
  http::HttpServer server(server_options, std::move(router), &metrics);
#ifdef CICADA_HAVE_GRPC
  metrics.set_inflight_source([&server, &grpc] { return server.inflight() + (grpc ? grpc->inflight() : 0); });
#else
  metrics.set_inflight_source([&server] { return server.inflight(); });
#endif
  if (auto started = server.start(); !started) {
    fmt::print(stderr, "cicada-model: {}\n", started.error().message);
    return 1;
  }
  // One line with the real address, so scripts and tests can use --port 0.
  fmt::print("cicada-model: serving {} on {}\n", model->name(), server.url());
#ifdef CICADA_HAVE_GRPC
  if (grpc) {
    if (auto started = grpc->start(); !started) {
      fmt::print(stderr, "cicada-model: {}\n", started.error().message);
      return 1;
    }
    fmt::print("cicada-model: serving {} over gRPC on {}{}\n", model->name(), grpc->address(),
               grpc->tls() ? fmt::format(" with TLS (grpcs://{})", grpc->address()) : "");
  }
#endif
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log::info("cicada-model: signal {}: finishing in-flight requests", signal_number);
#ifdef CICADA_HAVE_GRPC
  if (grpc) {
    if (const std::size_t not_run = grpc->stop(); not_run > 0)
      log::warning(
          "cicada-model: {} gRPC calls still waiting for a worker when the shutdown grace ran out "
          "were cancelled without running",
          not_run);
  }
#endif
  server.stop();
  server.wait();
  return 0;
}

// A finite number of seconds in [min_s, max_s]. (CLI::Range lets NaN through: every comparison is false.)
CLI::Validator seconds_in(double min_s, double max_s) {
  return CLI::Validator(
      [min_s, max_s](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v) || !std::isfinite(v) || v < min_s || v > max_s)
          return fmt::format("must be a number of seconds in [{:g}, {:g}], got {}", min_s, max_s, text);
        return {};
      },
      fmt::format("SECONDS in [{:g}, {:g}]", min_s, max_s));
}

}  // namespace

std::function<int()> add_serve_command(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  options->server.threads = 0;  // all cores
  CLI::App* cmd =
      app.add_subcommand("serve", "Serve a trained model over HTTP (/predict, Open Inference v2, /metrics)");
  cmd->add_option("--model", options->model_dir, "Model directory written by `cicada-model train`")
      ->required();
  cmd->add_option("--host", options->server.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", options->server.port, "Port to listen on (0: any free port, printed at start)")
      ->capture_default_str();
  // Every option is range-checked here: a value the server cannot honour is a usage error (exit 2), not a
  // server that drops every request (--request-timeout 0) or aborts (--threads 100000).
  cmd->add_option("--threads", options->server.threads, "Event-loop threads (default: all cores)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
  cmd->add_option("--max-inflight", options->server.max_inflight,
                  "Requests in progress before answering 503 + Retry-After")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  cmd->add_option("--max-connections", options->server.max_connections,
                  "Open connections at most; at the cap a new one closes the oldest idle one (lowered to fit "
                  "the open-files limit)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  cmd->add_option("--max-body", options->server.max_body_bytes, "Largest request body in bytes (413 beyond)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--request-timeout", options->request_timeout_s,
                  "Seconds a connection has to send a whole request (idle keep-alive included)")
      ->check(seconds_in(0.001, 3600))
      ->capture_default_str();
  cmd->add_option("--first-request-timeout", options->first_request_timeout_s,
                  "Seconds a new connection has to send its first whole request (at most --request-timeout)")
      ->check(seconds_in(0.001, 3600))
      ->capture_default_str();
  cmd->add_option("--simulated-cost-us", options->simulated_cost_us,
                  "Testing aid: each /predict and v2 infer request holds its thread this many microseconds "
                  "first (capacity about threads * 1e6 / N per second)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}))
      ->capture_default_str();
  cmd->add_option("--simulated-cost-mode", options->simulated_cost_mode,
                  "spin: burn CPU for the cost (a CPU-bound model); sleep: block the thread without CPU "
                  "(capacity holds on a busy machine)")
      ->check(CLI::IsMember({"spin", "sleep"}))
      ->capture_default_str();
  cmd->add_option("--grpc-port", options->grpc_port,
                  "Also serve the Open Inference Protocol v2 over gRPC on this port (0: any free port, "
                  "printed at start; default: no gRPC). Same validation, limits and /metrics as REST")
      ->check(CLI::Range(0, 65535));
  cmd->add_flag(
      "--no-http2", options->no_http2,
      "Serve HTTP/1.1 only: no HTTP/2 with prior knowledge (h2c), nor by ALPN over TLS, on the REST port");
  CLI::Option* tls_cert = cmd->add_option(
      "--tls-cert", options->server.tls_cert_file,
      "Serve the REST API over HTTPS (HTTP/1.1, or HTTP/2 by ALPN) with this PEM certificate (its chain "
      "after it), and the --grpc-port over TLS too; needs --tls-key");
  CLI::Option* tls_key =
      cmd->add_option("--tls-key", options->server.tls_key_file,
                      "The PEM private key of --tls-cert (without a passphrase); needs --tls-cert");
  tls_cert->needs(tls_key);  // one without the other is a usage error (exit 2), not plain HTTP
  tls_key->needs(tls_cert);
  return [options] { return run_serve(*options); };
}

}  // namespace cicada::model_app
