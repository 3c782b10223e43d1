#include "capacity_web.hpp"

// GCC 12 sees a false null dereference inside CLI11's string helpers at -O2.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "base/log.hpp"
#include "web_options.hpp"

namespace cicada::app {
namespace {

std::atomic<int> g_capacity_signal{0};
extern "C" void on_capacity_signal(int sig) { g_capacity_signal.store(sig); }

}  // namespace

void add_capacity_web_flags(CLI::App& app, CapacityWebFlags& f) {
  app.add_flag("--headless", f.headless, "Print the steps only; do not serve the web UI");
  add_web_server_flags(app, f.server);
  app.add_option("--autoquit", f.autoquit_s,
                 "Quit this many seconds after the search ends (default: on Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
}

Result<std::unique_ptr<CapacityWeb>> CapacityWeb::start(const CapacityWebFlags& flags,
                                                        webui::CapacitySetup setup) {
  const webui::CapacityUiOptions& options = flags.server;
  std::unique_ptr<CapacityWeb> web(new CapacityWeb(std::move(setup), options));
  if (auto r = web->ui_.start(); !r) return make_error("web UI: " + web_start_error(r.error().message));
  std::cout << "cicada web UI: " << web->ui_.url() << std::endl;
  return web;
}

void CapacityWeb::serve_until_quit(double autoquit_s) {
  // Installed only now: Ctrl-C during the search ends the process at once, as in a headless search.
  std::signal(SIGINT, on_capacity_signal);
  std::signal(SIGTERM, on_capacity_signal);
  // On stdout, whatever the log level (capacity's default shows warnings only): a user who did not ask for
  // --headless must learn why the command has not returned.
  std::cout
      << (autoquit_s >= 0
              ? fmt::format("The search is over; its results stay served at {} for {:g} s (--autoquit), "
                            "or until Ctrl-C\n",
                            ui_.url(), autoquit_s)
              : fmt::format("The search is over; its results stay served at {} until Ctrl-C (--autoquit "
                            "SECONDS ends the process by itself, --headless runs without the web UI)\n",
                            ui_.url()))
      << std::flush;
  const auto ended = std::chrono::steady_clock::now();
  while (g_capacity_signal.load() == 0) {
    if (autoquit_s >= 0 &&
        std::chrono::steady_clock::now() - ended >= std::chrono::duration<double>(autoquit_s))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ui_.stop();
}

}  // namespace cicada::app
