#include "client_options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>

#include "base/ascii.hpp"
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

Result<std::size_t> parse_byte_size(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data())
    return make_error("'" + std::string(text) + "' is not a size (e.g. 1MiB, 512KB, 100000)");
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  std::uint64_t scale = 1;
  if (unit.empty() || equals_nocase(unit, "b")) {
    scale = 1;
  } else if (equals_nocase(unit, "k") || equals_nocase(unit, "kb") || equals_nocase(unit, "kib")) {
    scale = 1ull << 10;
  } else if (equals_nocase(unit, "m") || equals_nocase(unit, "mb") || equals_nocase(unit, "mib")) {
    scale = 1ull << 20;
  } else if (equals_nocase(unit, "g") || equals_nocase(unit, "gb") || equals_nocase(unit, "gib")) {
    scale = 1ull << 30;
  } else {
    return make_error("'" + std::string(text) + "': unknown unit '" + std::string(unit) +
                      "' (B, KB, MB, GB)");
  }
  return static_cast<std::size_t>(value * scale);
}

Result<void> check_client_options(const runner::RunOptions& run) {
  if (run.connect_timeout.count() <= 0) return make_error("--connect-timeout must be longer than 0");
  if (run.request_timeout.count() <= 0) return make_error("--request-timeout must be longer than 0");
  if (std::string problem = http::check_tls_files(runner::client_config(run)); !problem.empty())
    return make_error(problem);
  if (run.insecure) log::warning("--insecure: TLS certificates are not verified");
  return {};
}

}  // namespace cicada::app
