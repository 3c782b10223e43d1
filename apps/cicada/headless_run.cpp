#include "headless_run.hpp"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include "base/clock.hpp"
#include "base/duration.hpp"
#include "base/log.hpp"
#include "report/console_tables.hpp"
#include "report/locust_csv.hpp"
#include "runner/local_runner.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::app {
namespace {

// Set by SIGINT/SIGTERM; a watcher thread turns it into runner.stop() (signal handlers may only
// touch lock-free atomics).
std::atomic<int> g_signal{0};
extern "C" void on_signal(int sig) { g_signal.store(sig); }

constexpr int kUsageError = 2;

bool any_errors(const stats::Snapshot& s) { return s.total.num_failures > 0 || !s.exceptions.empty(); }

// Every few seconds: current rates; at the end: whole-run rates, percentiles and the error report,
// as Locust prints them.
void print_tables(const stats::Snapshot& snap, bool final) {
  std::cout << report::console_stats_table(snap, !final);
  if (final) {
    std::cout << report::console_percentiles_table(snap);
    std::cout << report::console_failures_table(snap);
  }
  std::cout.flush();
}

}  // namespace

int run_headless(const CliOptions& o) {
  log::Level level;
  if (!log::parse_level(o.loglevel, level)) {
    std::cerr << "cicada: --loglevel must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got '" << o.loglevel
              << "'\n";
    return kUsageError;
  }
  log::set_level(level);
  if (!o.headless) {
    std::cerr << "cicada: the web UI is not available in this build yet: add --headless\n";
    return kUsageError;
  }
  const std::filesystem::path file = o.scenario_file;
  const auto ext = file.extension().string();
  if (ext != ".yaml" && ext != ".yml") {
    std::cerr << "cicada: " << o.scenario_file << ": unsupported scenario type '" << ext
              << "' (use a .yaml scenario; see docs/scenarios.md)\n";
    return kUsageError;
  }
  auto loaded = scenario::load_yaml_scenario(file);
  if (!loaded) {
    std::cerr << "cicada: " << loaded.error().message << "\n";
    return kUsageError;
  }
  runner::RunOptions ro;
  const auto& settings = loaded->settings;
  ro.host = o.host_given || loaded->scenario.default_host.empty() ? o.host : loaded->scenario.default_host;
  ro.users = o.users_given || !settings.users ? o.users : *settings.users;
  ro.spawn_rate = o.spawn_rate_given || !settings.spawn_rate ? o.spawn_rate : *settings.spawn_rate;
  if (!o.run_time.empty()) {
    auto d = parse_duration(o.run_time);
    if (!d) {
      std::cerr << "cicada: -t/--run-time: " << d.error().message << "\n";
      return kUsageError;
    }
    ro.run_time = *d;
  }
  if (!o.run_time_given && settings.run_time) ro.run_time = *settings.run_time;
  ro.stop_timeout = std::chrono::microseconds(static_cast<std::int64_t>(o.stop_timeout_s * 1e6));
  ro.tags = o.tags;
  ro.exclude_tags = o.exclude_tags;
  ro.reset_stats = o.reset_stats;
  ro.threads = static_cast<std::size_t>(o.threads);
  ro.seed = o.seed;
  ro.keep_entry_history = o.csv_full_history;

  runner::LocalRunner runner(std::move(loaded->scenario), ro);
  if (auto r = runner.prepare(); !r) {
    std::cerr << "cicada: " << r.error().message << "\n";
    return kUsageError;
  }
  if (ro.run_time) log::info("Run time limit set to {}", format_duration(*ro.run_time));
  log::info("Starting cicada: {} users, host {}, seed {}", ro.users, ro.host, runner.seed());

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done.load()) {
      if (int sig = g_signal.load()) {
        log::info("Got {}, stopping: the results measured so far will be written",
                  sig == SIGINT ? "SIGINT" : "SIGTERM");
        runner.stop();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  int seconds = 0;
  // One writer for the whole run: it appends only the new history blocks each time.
  report::LocustCsvWriter csv(o.csv_prefix, o.csv_full_history);
  auto write_csvs = [&](const stats::Snapshot& snap) {
    if (o.csv_prefix.empty()) return;
    if (auto r = csv.write(snap); !r) {
      log::error("writing CSV files: {}", r.error().message);
    }
  };
  runner.run([&](const stats::Snapshot& snap) {
    ++seconds;
    if (!o.only_summary && seconds % 2 == 0) print_tables(snap, false);
    if (seconds % 5 == 0) write_csvs(snap);  // a killed run still leaves recent CSVs behind
  });
  done.store(true);
  watcher.join();

  auto snap = runner.snapshot();
  write_csvs(*snap);
  print_tables(*snap, true);
  const int code = any_errors(*snap) ? o.exit_code_on_error : 0;
  log::info("Shutting down (exit code {})", code);
  return code;
}

}  // namespace cicada::app
