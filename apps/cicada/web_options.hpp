#pragma once
// Settings of the web UI mode (cicada without --headless) and of the HTML report, kept in their own struct
// inside CliOptions so the feature's flags live in one file.
#include <string>

#include "webui/ui_listen.hpp"

namespace CLI {
class App;
}

namespace cicada::app {

struct CliOptions;

struct WebOptions {
  webui::UiListen server;     // --web-host, --web-port/-P, --web-auth, --tls-cert, --tls-key
  bool autostart = false;     // --autostart: start the test at once with -u/-r/-t
  double autoquit_s = -1;     // --autoquit S: quit S seconds after an autostarted test ends; <0: never
  std::string html_file;      // --html FILE: write the HTML report at the end of each test
  int metrics_port = -1;      // --metrics-port: headless runs serve /metrics there; -1: not; 0: any
  bool class_picker = false;  // --class-picker: each test from the UI picks its user classes and shape
};

// Adds the server's flags (add_web_server_flags), --autostart, --autoquit, --html, --metrics-port and
// --class-picker.
void add_web_flags(CLI::App& app, CliOptions& o);
// Adds only the server's flags --web-host, --web-port/-P, --web-auth, --tls-cert and --tls-key (also used
// by `cicada capacity`).
void add_web_server_flags(CLI::App& app, webui::UiListen& server);

// Why a web UI did not start, as the user reads it: the server's message, with a hint for a port in use.
std::string web_start_error(const std::string& message);

}  // namespace cicada::app
