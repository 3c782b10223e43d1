#include "web_options.hpp"

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

namespace cicada::app {

void add_web_server_flags(CLI::App& app, std::string& host, int& port, std::string& auth) {
  app.add_option("--web-host", host, "Address the web UI listens on (default 127.0.0.1)");
  app.add_option("-P,--web-port", port, "Port of the web UI (default 8089; 0: any free port, printed)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--web-auth", auth, "Basic authentication for the web UI, as user:password")
      ->check([](const std::string& v) {
        return v.find(':') == std::string::npos ? std::string("must be user:password") : std::string();
      });
}

void add_web_flags(CLI::App& app, CliOptions& o) {
  WebOptions& w = o.web;
  add_web_server_flags(app, w.host, w.port, w.auth);
  app.add_flag("--autostart", w.autostart,
               "Start the test at once (with -u, -r, -t) while serving the web UI");
  app.add_option("--autoquit", w.autoquit_s, "With --autostart: quit this many seconds after the test ends")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--html", w.html_file, "Write the HTML report to FILE when the test ends");
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
