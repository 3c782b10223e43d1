#include "capacity_command.hpp"

// GCC 12 sees a false null dereference inside CLI11's string helpers at -O2.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/duration.hpp"
#include "base/log.hpp"
#include "capacity_history.hpp"
#include "capacity_web.hpp"
#include "history_cli.hpp"
#include "report/capacity_html.hpp"
#include "report/capacity_json.hpp"
#include "runner/capacity_search.hpp"
#include "scenario_source.hpp"

namespace cicada::app {
namespace {

constexpr int kUsageError = 2;

struct CapacityOptions {
  std::string scenario_file;
  std::string host;
  std::vector<std::string> slos;
  std::string mode = "rate";
  double start = 10;
  double step = 10;
  double factor = 0;
  int max_steps = 20;
  std::string warmup = "3s";
  std::string hold = "10s";
  int max_inflight = 1000;
  int threads = 0;
  unsigned long long seed = 0;
  std::string json_file;
  std::string html_file;
  std::string loglevel = "WARNING";
  std::string history_db = ".cicada/history.db";
  bool no_history = false;
  CapacityWebFlags web;
};

std::string point_line(const runner::CapacityPlan& plan, const runner::CapacityPoint& p) {
  return fmt::format(
      "step {:>2}  {:>12}  {:>9.1f} req/s  p50 {:>8.1f} ms  p95 {:>8.1f} ms  p99 {:>8.1f} ms  "
      "fail {:>6.2f}%{}{}",
      p.step, runner::format_load(plan, p.load), p.throughput_rps,
      static_cast<double>(p.percentiles_us[0]) / 1000.0, static_cast<double>(p.percentiles_us[5]) / 1000.0,
      static_cast<double>(p.percentiles_us[7]) / 1000.0, p.fail_ratio * 100.0,
      p.dropped ? fmt::format("  dropped {}", p.dropped) : "", p.within_slo ? "" : "  <- " + p.violated);
}

// The search's settings and outcome as the history's configuration JSON (capacity_history.hpp).
std::string history_config(const CapacityOptions& o, const runner::RunOptions& ro,
                           const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  nlohmann::json slos = nlohmann::json::array();
  for (const auto& text : o.slos) slos.push_back(text);
  nlohmann::json j = {
      {"kind", "capacity"},
      {"scenario", o.scenario_file},
      {"host", ro.host},
      {"mode", o.mode},
      {"slos", slos},
      {"start", plan.start},
      {"step", plan.step},
      {"factor", plan.factor},
      {"max_steps", plan.max_steps},
      {"warmup_s", plan.warmup.count()},
      {"hold_s", plan.hold.count()},
      {"max_inflight", ro.max_inflight},
      {"threads", ro.threads},
      {"seed", r.seed},
      {"result", report::capacity_curve_json(plan, r)},
  };
  return j.dump();
}

}  // namespace

int run_capacity_command(int argc, char** argv) {
  CLI::App app{
      "cicada capacity: raise the load step by step until an objective is crossed or throughput "
      "stops growing; prints each step, then the highest sustainable load"};
  CapacityOptions o;
  app.add_option("-f,--scenario", o.scenario_file, "Scenario file (.yaml)")->required();
  app.add_option("-H,--host", o.host, "Base URL of the system under test");
  app.add_option("--slo", o.slos, "Objective, repeatable: 'p95 < 50ms', 'avg < 20ms', 'fail_ratio < 1%'")
      ->required();
  app.add_option("--mode", o.mode, "rate: step the arrival rate (open model); users: step users")
      ->check(CLI::IsMember({"rate", "users"}))
      ->capture_default_str();
  app.add_option("--start", o.start, "Load of the first step (iterations/s or users)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--step", o.step, "Load added per step")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--factor", o.factor, "Multiply the load by this per step instead (e.g. 1.5)");
  app.add_option("--max-steps", o.max_steps, "Give up after this many steps")->capture_default_str();
  app.add_option("--warmup", o.warmup, "Per step: time before measuring")->capture_default_str();
  app.add_option("--hold", o.hold, "Per step: time measured")->capture_default_str();
  app.add_option("--max-inflight", o.max_inflight, "Open model: iterations running at once at most")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Event loop threads (default: one per usable CPU)");
  app.add_option("--seed", o.seed, "Seed of every user's random stream");
  app.add_option("--json", o.json_file, "Write the throughput-latency curve to this JSON file");
  app.add_option("--html", o.html_file, "Write the throughput-latency curve and the steps to this HTML file");
  app.add_option("-L,--loglevel", o.loglevel, "DEBUG, INFO, WARNING, ERROR or CRITICAL")
      ->capture_default_str();
  add_history_db_option(app, o.history_db);
  app.add_flag("--no-history", o.no_history, "Do not record the search in the run history");
  add_capacity_web_flags(app, o.web);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  auto fail = [](const std::string& message) {
    std::cerr << "cicada capacity: " << message << "\n";
    return kUsageError;
  };
  log::Level level;
  if (!log::parse_level(o.loglevel, level)) return fail("--loglevel: unknown level " + o.loglevel);
  log::set_level(level);
  std::vector<runner::Slo> slos;
  for (const auto& text : o.slos) {
    auto slo = runner::parse_slo(text);
    if (!slo) return fail(slo.error().message);
    slos.push_back(*slo);
  }
  runner::CapacityPlan plan;
  plan.open_model = o.mode == "rate";
  plan.start = o.start;
  plan.step = o.step;
  plan.factor = o.factor;
  plan.max_steps = o.max_steps;
  auto warmup = parse_duration(o.warmup);
  auto hold = parse_duration(o.hold);
  if (!warmup) return fail("--warmup: " + warmup.error().message);
  if (!hold) return fail("--hold: " + hold.error().message);
  plan.warmup = std::chrono::duration_cast<std::chrono::seconds>(*warmup);
  plan.hold = std::chrono::duration_cast<std::chrono::seconds>(*hold);
  if (plan.hold.count() < 1) return fail("--hold must be at least 1s");

  auto loaded = load_scenario_file(o.scenario_file);
  if (!loaded) return fail(loaded.error().message);
  runner::RunOptions ro;
  ro.host = !o.host.empty() ? o.host : loaded->scenario.default_host;
  ro.threads = static_cast<std::size_t>(o.threads);
  ro.seed = o.seed;
  ro.max_inflight = static_cast<std::size_t>(std::max(1, o.max_inflight));
  ro.keep_entry_history = false;
  ro.stop_timeout = std::chrono::seconds(2);

  std::cout << fmt::format(
      "Capacity search: {} from {}, {} per step, objectives:", o.mode, runner::format_load(plan, plan.start),
      plan.factor > 1 ? fmt::format("x{:g}", plan.factor) : fmt::format("+{:g}", plan.step));
  for (const auto& s : slos) std::cout << " [" << s.text << "]";
  std::cout << "\n" << std::flush;
  std::unique_ptr<CapacityWeb> web;
  if (!o.web.headless) {
    auto started = CapacityWeb::start(o.web, {o.scenario_file, ro.host, o.slos, plan});
    if (!started) {
      std::cerr << "cicada capacity: " << started.error().message << "\n";
      return 1;
    }
    web = std::move(*started);
  }
  const double started_unix_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto result = runner::run_capacity_search(std::move(loaded->scenario), ro, plan, slos,
                                                  [&](const runner::CapacityPoint& p) {
                                                    std::cout << point_line(plan, p) << "\n" << std::flush;
                                                    if (web) web->board().add_step(p);
                                                  });
  if (web) web->board().finish(result);
  if (result.curve.empty()) return fail(result.stop_reason);
  std::cout << "Stopped: " << result.stop_reason << "\n";
  if (result.found) {
    std::cout << fmt::format("Maximum sustainable load: {} ({:.1f} req/s, p95 {:.1f} ms)\n",
                             runner::format_load(plan, result.best.load), result.best.throughput_rps,
                             static_cast<double>(result.best.percentiles_us[5]) / 1000.0);
  } else {
    std::cout << "No step met every objective: lower --start.\n";
  }
  if (!o.json_file.empty()) {
    std::ofstream file(o.json_file, std::ios::trunc);
    file << report::capacity_curve_json(plan, result).dump(2) << "\n";
    if (!file) return fail("cannot write " + o.json_file);
  }
  if (!o.html_file.empty()) {
    std::ofstream file(o.html_file, std::ios::trunc);
    file << report::capacity_html(plan, result, {o.scenario_file, ro.host, o.slos});
    if (!file) return fail("cannot write " + o.html_file);
  }
  const int exit_code = result.found ? 0 : 1;
  if (!o.no_history) {
    const CapacityRecord record{o.scenario_file, ro.host, history_config(o, ro, plan, result), started_unix_s,
                                !plan.open_model && result.found ? static_cast<int>(result.best.load) : 0};
    if (auto id = record_capacity_search(o.history_db, record, result, exit_code))
      std::cout << fmt::format("Recorded as run {} in {}: `cicada history show {}`\n", *id, o.history_db,
                               *id);
    else
      log::error("run history ({}): {}; the search is not recorded", o.history_db, id.error().message);
  }
  if (web) web->serve_until_quit(o.web.autoquit_s);
  return exit_code;
}

}  // namespace cicada::app
