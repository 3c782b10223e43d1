#include "client_options.hpp"

#include <CLI/CLI.hpp>

#include "base/byte_size.hpp"
#include "base/log.hpp"
#include "duration_flag.hpp"
#include "http/client/shared_client_state.hpp"
#include "runner/local_backend.hpp"

namespace cicada::app {

void add_client_flags(CLI::App& app, runner::RunOptions& run) {
  add_duration_flag(app, "--connect-timeout", run.connect_timeout,
                    "Connecting (DNS, TCP and TLS) fails after this long (default 10s)");
  add_duration_flag(
      app, "--request-timeout", run.request_timeout,
      "A request fails when its response is not complete this long after it was due (default 60s)");
  app.add_option("--max-redirects", run.max_redirects,
                 "Redirect hops followed per request (default 10; 0: none)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--insecure", run.insecure,
               "Do not verify TLS certificates (verification is on by default, as in Python requests)");
  app.add_flag("--http2", run.http2,
               "Speak HTTP/2: TLS with ALPN h2 on https:// (a server that does not choose h2 fails the "
               "request), h2c with prior knowledge on http://; one connection per user");
  // The default is the command's (`cicada capacity`: on), said in the help.
  app.add_flag(
      "--io-uring,!--no-io-uring", run.io_uring,
      std::string("Send and receive plain HTTP/1.1 through io_uring (one ring per event loop) instead "
                  "of epoll: less CPU per request; falls back to epoll with a warning where the "
                  "kernel refuses (default: ") +
          (run.io_uring ? "on; --no-io-uring: epoll)" : "off)"));
  app.add_option("--ca-bundle", run.ca_bundle,
                 "PEM file of CA certificates to trust instead of the system's");
  app.add_option("--client-cert", run.client_cert, "PEM client certificate (chain) for mutual TLS");
  app.add_option("--client-key", run.client_key, "PEM private key of --client-cert");
  app.add_option_function<std::string>(
         "--max-body-size",
         [&run](const std::string& text) {
           auto bytes = parse_byte_size(text);
           if (!bytes) throw CLI::ValidationError("--max-body-size", bytes.error().message);
           run.max_body_bytes = *bytes;
         },
         "Response body bytes kept per response for checks, e.g. 1MiB (default); longer bodies are "
         "counted in full but kept only up to this")
      ->type_name("SIZE");
}

Result<void> check_client_options(const runner::RunOptions& run, const Scenario& scenario) {
  if (run.connect_timeout.count() <= 0) return make_error("--connect-timeout must be longer than 0");
  if (run.request_timeout.count() <= 0) return make_error("--request-timeout must be longer than 0");
  if (std::string problem = http::check_tls_files(runner::client_config(run)); !problem.empty())
    return make_error(problem);
  if (run.insecure) log::warning("--insecure: TLS certificates are not verified");
  for (const auto& type : scenario.user_types) {
    if (type.client.empty()) continue;
    if (std::string problem = http::check_tls_files(runner::client_config(run, type.client));
        !problem.empty())
      return make_error("user type " + type.name + " (client settings): " + problem);
    if (type.client.verify_tls == false && !run.insecure)
      log::warning("user type {}: TLS certificates are not verified (client: insecure: true)", type.name);
  }
  return {};
}

}  // namespace cicada::app
