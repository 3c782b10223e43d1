#pragma once
// Settings of the web UI mode (cicada without --headless) and of the HTML report, kept in their own struct
// inside CliOptions so the feature's flags live in one file.
#include <string>

namespace CLI {
class App;
}

namespace cicada::app {

struct CliOptions;

struct WebOptions {
  std::string host = "127.0.0.1";  // --web-host (Locust's default is every interface; ours is loopback)
  int port = 8089;                 // --web-port/-P; 0: an ephemeral port (the URL is printed)
  std::string auth;                // --web-auth user:password
  bool autostart = false;          // --autostart: start the test at once with -u/-r/-t
  double autoquit_s = -1;          // --autoquit S: quit S seconds after an autostarted test ends; <0: never
  std::string html_file;           // --html FILE: write the HTML report at the end of each test
  int metrics_port = -1;           // --metrics-port: headless runs serve /metrics there; -1: not; 0: any
  bool class_picker = false;       // --class-picker: each test from the UI picks its user classes and shape
};

// Adds --web-host, --web-port/-P, --web-auth, --autostart, --autoquit, --html, --metrics-port and
// --class-picker.
void add_web_flags(CLI::App& app, CliOptions& o);
// Adds only the server's flags --web-host, --web-port/-P and --web-auth (also used by `cicada capacity`).
void add_web_server_flags(CLI::App& app, std::string& host, int& port, std::string& auth);

}  // namespace cicada::app
