#include "web_options.hpp"

#include <CLI/CLI.hpp>

#include "cli_options.hpp"
#include "not_blank_check.hpp"

namespace cicada::app {

void add_web_server_flags(CLI::App& app, webui::UiListen& server) {
  app.add_option("--web-host", server.host, "Address the web UI listens on (default 127.0.0.1)");
  app.add_option("-P,--web-port", server.port, "Port of the web UI (default 8089; 0: any free port, printed)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--web-auth", server.auth, "Basic authentication for the web UI, as user:password")
      ->check([](const std::string& v) {
        return v.find(':') == std::string::npos ? std::string("must be user:password") : std::string();
      });
  // Locust's flags; unlike Locust, one without the other is an error rather than a silent plain HTTP.
  app.add_option(
      "--tls-cert", server.tls_cert,
      "Serve the web UI over HTTPS with this PEM certificate (its chain after it); needs --tls-key");
  app.add_option("--tls-key", server.tls_key,
                 "The PEM private key of --tls-cert (without a passphrase); needs --tls-cert");
}

std::string web_start_error(const std::string& message) {
  // HttpServer::start() says "cannot listen on HOST:PORT (STEP): ..." when the address is taken or wrong;
  // a TLS identity it cannot use has its own words, which a port hint would only blur.
  if (message.starts_with("cannot listen on")) return message + " (-P 0 picks a free port)";
  return message;
}

void add_web_flags(CLI::App& app, CliOptions& o) {
  WebOptions& w = o.web;
  add_web_server_flags(app, w.server);
  app.add_flag("--autostart", w.autostart,
               "Start the test at once (with -u, -r, -t) while serving the web UI");
  app.add_option("--autoquit", w.autoquit_s, "With --autostart: quit this many seconds after the test ends")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--html", w.html_file, "Write the HTML report to FILE when the test ends")->check(kNotBlank);
  app.add_flag("--class-picker", w.class_picker,
               "Web UI: the start form picks the user classes (and the locustfile's shape class, if any) "
               "each test runs, from all of the scenario's");
  app.add_option(
         "--metrics-port", w.metrics_port,
         "Headless runs: serve Prometheus metrics at http://WEB_HOST:PORT/metrics while the test runs "
         "(0: any free port, printed). The web UI serves /metrics on its own port")
      ->check(CLI::Range(0, 65535));
}

}  // namespace cicada::app
