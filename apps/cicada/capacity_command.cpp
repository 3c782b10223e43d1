#include "capacity_command.hpp"

// GCC 12 sees a false null dereference inside CLI11's string helpers at -O2.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <tuple>

#include "base/duration.hpp"
#include "base/log.hpp"
#include "base/process_usage.hpp"
#include "capacity_history.hpp"
#include "capacity_web.hpp"
#include "client_options.hpp"
#include "distributed_options.hpp"
#include "distributed_run.hpp"
#include "history_cli.hpp"
#include "not_blank_check.hpp"
#include "positive_check.hpp"
#include "report/capacity_html.hpp"
#include "report/capacity_json.hpp"
#include "report/console_tables.hpp"
#include "report/prometheus_text.hpp"
#include "runner/arrival_polling.hpp"
#include "runner/capacity_run.hpp"
#include "runner/capacity_search.hpp"
#include "runner/local_runner.hpp"
#include "runner/polling_load.hpp"
#include "runner/run_queue_wait.hpp"
#include "runner/stages.hpp"
#include "scenario/arrival_distribution.hpp"
#include "scenario_source.hpp"
#include "server_metrics_probe.hpp"
#include "shape_options.hpp"

namespace cicada::app {
namespace {

constexpr int kUsageError = 2;

struct CapacityOptions {
  std::string scenario_file;
  std::string host;
  std::vector<std::string> slos;
  std::string mode = "rate";
  double start = 10;
  double step = 0;
  double factor = 3;
  double precision_percent = 5;
  int max_steps = 40;
  int repeat = 1;
  std::string warmup = "1s";
  std::string window = "auto";
  int stable_windows = 3;
  double stability_percent = 10;
  int max_windows = 10;
  std::string server_metrics;
  DistributedOptions distributed;  // --master: the search drives a fleet of workers
  int max_inflight = 1000;
  std::string arrival_distribution;  // --arrival-distribution; empty: the scenario's, else constant
  int threads = 0;
  unsigned long long seed = 0;
  std::string json_file;
  std::string html_file;
  std::string loglevel = "WARNING";
  std::string history_db = ".cicada/history.db";
  bool no_history = false;
  CapacityWebFlags web;
  // The HTTP client flags (client_options.hpp: --connect-timeout, --insecure...); the rest is set below.
  runner::RunOptions run = search_defaults();

  // A search must offer more than the target can take, so its generator's cost per request decides how far
  // it can see: io_uring by default (--no-io-uring: epoll). Against cicada-model on one core the search
  // found the server's limit (65,700/s, its core full) where epoll's one loop saturated first at
  // 45,000-57,300/s (bench/RESULTS.md, "Capacity search"). `cicada` keeps epoll by default: at low rates
  // the ring's extra pass per request (the idle check, then the request) adds microseconds to latency.
  static runner::RunOptions search_defaults() {
    runner::RunOptions r;
    r.io_uring = true;
    return r;
  }
};

// An objective's figure the line's columns (p50, p95, p99) do not already show: "  p99.9 61.20 ms", "  avg
// 3.10 ms", so a met step shows what met it too. A percentile the step did not keep (p97) is left out:
// a crossed step's reason still quotes it.
std::string objective_columns(const std::vector<runner::Slo>& slos, const runner::CapacityPoint& p) {
  std::string out;
  for (const auto& slo : slos) {
    const std::string name = slo.text.substr(0, slo.text.find_first_of(" <"));
    if (slo.kind == runner::Slo::Kind::kAverage)
      out += fmt::format("  {} {:.2f} ms", name, p.avg_us / 1000.0);
    if (slo.kind != runner::Slo::Kind::kPercentile) continue;
    if (slo.quantile == 0.50 || slo.quantile == 0.95 || slo.quantile == 0.99) continue;
    for (std::size_t i = 0; i < stats::kReportedQuantiles.size(); ++i)
      if (std::abs(stats::kReportedQuantiles[i] - slo.quantile) < 1e-9)
        out += fmt::format("  {} {:.2f} ms", name, static_cast<double>(p.percentiles_us[i]) / 1000.0);
  }
  return out;
}

std::string point_line(const runner::CapacityPlan& plan, const std::vector<runner::Slo>& slos,
                       const runner::CapacityPoint& p) {
  std::string server;
  for (const auto& [name, value] : p.server)
    server += fmt::format("  {} {}", name, report::server_figure_text(name, value));
  // A step in which no request completed (a target that hangs) measured no latency and no ratio: "-",
  // not zeros that read as measurements.
  const bool measured = p.throughput_rps > 0;
  auto ms = [&](std::size_t i) {
    return measured ? fmt::format("{:>7.2f}", static_cast<double>(p.percentiles_us[i]) / 1000.0)
                    : fmt::format("{:>7}", "-");
  };
  return fmt::format(
      "step {:>2}  {:>12}  {:>9.1f} req/s  goodput {:>9.1f} req/s  p50 {} ms  p95 {} ms  p99 {} ms{}  fail "
      "{}  "
      "cpu {} wait {}{}{}  {} windows{}{}{}{}{}",
      p.step, runner::format_load(plan, p.load), p.throughput_rps, p.goodput_rps, ms(0), ms(5), ms(7),
      measured ? objective_columns(slos, p) : std::string(),
      measured ? fmt::format("{:>5.2f}%", p.fail_ratio * 100.0) : fmt::format("{:>6}", "-"),
      p.generator_cpu >= 0 ? fmt::format("{:>3.0f}%", p.generator_cpu * 100) : std::string("N/A"),
      p.generator_cpu_wait >= 0 ? fmt::format("{:>3.0f}%", p.generator_cpu_wait * 100) : std::string("N/A"),
      p.generator_busy >= 0 ? fmt::format(" busy {:>3.0f}%", p.generator_busy * 100) : std::string(),
      p.inflight_cap > 0 ? fmt::format(" cap {:>4}", p.inflight_cap) : std::string(), p.windows.size(),
      p.stable ? " stable" : "", runner::step_note(p).empty() ? "" : "  (" + runner::step_note(p) + ")",
      p.dropped ? fmt::format("  dropped {}", p.dropped) : "", p.within_slo ? "" : "  <- " + p.violated,
      server.empty() ? "" : "\n          server:" + server);
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
      {"server_metrics", o.server_metrics},
      {"max_inflight", ro.max_inflight},
      {"threads", ro.threads},
      {"io_uring", ro.io_uring},
      {"seed", r.seed},
      {"result", report::capacity_curve_json(plan, r)},
  };
  j.update(report::capacity_plan_json(plan));  // the plan's keys at the top level, as stored so far
  return j.dump();
}

}  // namespace

int run_capacity_command(int argc, char** argv) {
  CLI::App app{
      "cicada capacity: find the highest load the target sustains within the objectives: the load grows "
      "geometrically until an objective fails, then is bisected to --precision; each step is measured "
      "until consecutive windows agree. Prints each step, then the answer",
      "cicada capacity"};
  // The exit codes a CI job reads (runner::capacity_exit_code), where a run's differ (3 is a threshold
  // there).
  app.footer(
      "\nExit codes: 0 the target's limit found; 1 no load met the objectives; 2 bad usage; 3 the load "
      "generator saturated (the answer is a lower bound); 4 --max-steps ended the search before any step "
      "failed (a lower bound); 5 the answer's step met a fail_ratio objective without requests enough to "
      "show it (unproven)");
  CapacityOptions o;
  app.add_option("-f,--scenario", o.scenario_file, "Scenario file: .yaml, .cpp or a Locust .py locustfile")
      ->required();
  app.add_option("-H,--host", o.host, "Base URL of the system under test");
  app.add_option("--slo", o.slos, "Objective, repeatable: 'p95 < 50ms', 'avg < 20ms', 'fail_ratio < 1%'")
      ->required()
      ->check(kNotBlank);
  app.add_option("--mode", o.mode, "rate: step the arrival rate (open model); users: step users")
      ->check(CLI::IsMember({"rate", "users"}))
      ->capture_default_str();
  app.add_option("--start", o.start, "Load of the first step (iterations/s or users)")
      ->check(kAboveZero)
      ->capture_default_str();
  app.add_option("--factor", o.factor, "Growth of the load per step until a step fails (> 1)")
      ->check(CLI::Range(1.01, 1000.0))
      ->capture_default_str();
  app.add_option("--precision", o.precision_percent,
                 "Bisect until the failing load is within this many percent above the answer (0: no "
                 "bisection)")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  app.add_option("--step", o.step,
                 "A fixed plan instead: add this load per step, stop at the first failing step")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-steps", o.max_steps,
                 "Give up after this many steps (per repeat); exit code 4 when no step had failed by then")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--repeat", o.repeat, "Search this many times; the answer is the median, with the spread")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--warmup", o.warmup, "Per step: time before measuring")->capture_default_str();
  app.add_option("--window,--hold", o.window, "One measurement window (auto: about 100 requests, 1 to 5 s)")
      ->capture_default_str();
  app.add_option("--stable-windows", o.stable_windows, "Consecutive windows that must agree")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--stability", o.stability_percent,
                 "Windows agree when throughput and latency are within this many percent of their mean")
      ->check(CLI::Range(0.1, 100.0))
      ->capture_default_str();
  app.add_option("--max-windows", o.max_windows,
                 "Windows per step before it is called unstable; also the most a step measures for its fail "
                 "ratio to show above or under a fail_ratio objective")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option(
      "--server-metrics", o.server_metrics,
      "Prometheus /metrics URL of the target, scraped at every window (http://127.0.0.1:PORT/metrics)");
  app.add_option("--max-inflight", o.max_inflight,
                 "Open model: iterations running at once at most; each step's cap follows the target "
                 "from 64 up to this (docs/metrics.md)")
      ->check(above_zero_at_most(runner::kMaxUsers))
      ->capture_default_str();
  add_arrival_distribution_flag(app, o.arrival_distribution);
  app.add_option("--threads", o.threads, "Event loop threads (default: one per usable CPU)");
  app.add_option("--seed", o.seed, "Seed of every user's random stream");
  app.add_option("--json", o.json_file, "Write the throughput-latency curve to this JSON file")
      ->check(kNotBlank);
  app.add_option("--html", o.html_file, "Write the throughput-latency curve and the steps to this HTML file")
      ->check(kNotBlank);
  app.add_option("-L,--loglevel", o.loglevel, "DEBUG, INFO, WARNING, ERROR or CRITICAL")
      ->capture_default_str();
  app.add_flag("--master", o.distributed.master,
               "Run the search on a master: the workers (`cicada --worker`) make the load, the step's load "
               "is the fleet's");
  add_master_flags(app, o.distributed);
  add_history_db_option(app, o.history_db);
  app.add_flag("--no-history", o.no_history, "Do not record the search in the run history");
  add_capacity_web_flags(app, o.web);
  add_client_flags(app, o.run);
  // Bad usage exits 2 whatever CLI11's own code for it (105 for a value out of range).
  if (const auto code = parse_subcommand(app, argc, argv)) return *code;
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
  plan.precision = o.precision_percent / 100.0;
  plan.max_steps = o.max_steps;
  plan.repeat = o.repeat;
  plan.stable_windows = o.stable_windows;
  plan.stability = o.stability_percent / 100.0;
  // Fewer windows than must agree would never settle a step: refused when asked for, the default raised.
  if (o.max_windows < o.stable_windows && app.count("--max-windows") > 0)
    return fail(fmt::format("--max-windows {} must be at least --stable-windows {}", o.max_windows,
                            o.stable_windows));
  plan.max_windows = std::max(o.max_windows, o.stable_windows);
  auto warmup = parse_duration(o.warmup);
  if (!warmup) return fail("--warmup: " + warmup.error().message);
  plan.warmup = std::chrono::duration_cast<std::chrono::seconds>(*warmup);
  if (o.window != "auto") {
    auto window = parse_duration(o.window);
    if (!window) return fail("--window: " + window.error().message);
    plan.window = std::chrono::duration_cast<std::chrono::seconds>(*window);
    if (plan.window.count() < 1) return fail("--window must be at least 1s");
  }
  std::unique_ptr<ServerMetricsProbe> server_probe;
  if (!o.server_metrics.empty()) {
    auto probe = ServerMetricsProbe::start(o.server_metrics);
    if (!probe) return fail("--server-metrics: " + probe.error().message);
    server_probe = std::move(*probe);
  }

  ScenarioChoice choice;
  choice.host = o.host;
  auto loaded = load_scenario_file(o.scenario_file, choice);
  if (!loaded) return fail(loaded.error().message);
  runner::RunOptions ro = o.run;
  ro.host = !o.host.empty() ? o.host : loaded->scenario.default_host;
  ro.threads = o.threads > 0 ? static_cast<std::size_t>(o.threads) : loaded->settings.threads.value_or(0);
  ro.seed = o.seed;
  ro.max_inflight = static_cast<std::size_t>(std::max(1, o.max_inflight));
  if (!o.arrival_distribution.empty() && !plan.open_model)
    return fail("--arrival-distribution: for --mode rate only (users in --mode users do not arrive)");
  // Only fixed-count types run no more users than their sum (as in Locust): a search by users would step
  // past it, the load flat, and answer a number of users that never ran.
  if (!plan.open_model && !loaded->scenario.user_types.empty() &&
      std::all_of(loaded->scenario.user_types.begin(), loaded->scenario.user_types.end(),
                  [](const UserType& t) { return t.fixed_count.has_value(); }))
    return fail("--mode users: every user type of " + o.scenario_file +
                " has a fixed count, so no more users than their sum ever run; search by arrival rate "
                "(--mode rate), or give a type a weight");
  // Users have no arrivals: a YAML arrival_distribution does not reach a search by users (nor the history
  // or workers, which would refuse an older worker for an option this search does not use).
  ro.poisson_arrivals = plan.open_model && poisson_arrivals(o.arrival_distribution, loaded->settings);
  plan.poisson_arrivals = ro.poisson_arrivals;
  ro.keep_entry_history = false;
  ro.stop_timeout = std::chrono::seconds(2);
  if (auto r = check_client_options(ro, loaded->scenario); !r) return fail(r.error().message);
  // The host and tags as a run checks them, before the search's header says it started.
  Scenario checked = loaded->scenario;  // the run filters its own copy by tags
  if (auto r = runner::check_runnable(checked, ro); !r) return fail(r.error().message);
  // The output files are opened now: a path that cannot be written is a usage error before the search,
  // not a failure after minutes of it.
  std::ofstream json_out, html_out;
  for (auto [flag, path, out] :
       {std::tuple{"--json", &o.json_file, &json_out}, {"--html", &o.html_file, &html_out}}) {
    if (path->empty()) continue;
    out->open(*path, std::ios::trunc);
    if (!*out) return fail(fmt::format("{}: cannot write {}: {}", flag, *path, std::strerror(errno)));
  }

  std::cout << fmt::format("Capacity search: {}{} from {}, {}, objectives:", o.mode,
                           plan.poisson_arrivals ? fmt::format(" ({})", scenario::kPoissonArrivalsLabel) : "",
                           runner::format_load(plan, plan.start),
                           plan.step > 0 ? fmt::format("+{:g} per step (fixed plan)", plan.step)
                                         : fmt::format("x{:g} per step, then bisection to ±{:g}%",
                                                       plan.factor, o.precision_percent));
  for (const auto& s : slos) std::cout << " [" << s.text << "]";
  std::cout << "\n" << std::flush;
  std::unique_ptr<CapacityWeb> web;
  if (!o.web.headless) {
    auto started = CapacityWeb::start(o.web, {o.scenario_file, ro.host, o.slos, plan});
    if (!started) {  // a port in use: exit 1 would say no load met the objectives
      std::cerr << "cicada capacity: " << started.error().message << "\n";
      return kUsageError;
    }
    web = std::move(*started);
  }
  const double started_unix_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  runner::CapacityProbes probes;
  ProcessUsage usage;
  const double cores = static_cast<double>(ro.threads ? ro.threads : runner::usable_cpus());
  probes.generator_cpu = [&] { return usage.cpu_percent() / 100.0 / cores; };
  // This process's loops sleep between arrivals below the polling rate, so there its CPU measures its work
  // (a fleet's loops are its workers', whose threads the master does not know: not judged there).
  if (!o.distributed.master) plan.open_cpu_valid_below = cores * runner::kPollingArrivalsPerLoop;
  if (server_probe) probes.server = [&] { return server_probe->sample(); };
  probes.on_step = [&, repeat = 1](const runner::CapacityPoint& p) mutable {
    if (p.repeat != repeat) {  // where each repeat's steps begin (the JSON has each step's repeat)
      repeat = p.repeat;
      std::cout << fmt::format("repeat {} of {}: from {}\n", p.repeat, plan.repeat,
                               runner::format_load(plan, p.load));
    }
    std::cout << point_line(plan, slos, p) << "\n" << std::flush;
    if (web) web->board().add_step(p);
  };
  // A step printed as met that a later probe found past the knee: said where it happens, not only in the
  // answer at the end.
  probes.on_step_revised = [&](const runner::CapacityPoint& p) {
    std::cout << fmt::format("step {:>2}  {:>12}  now failed: {}\n", p.step,
                             runner::format_load(plan, p.load), p.violated)
              << std::flush;
    if (web) web->board().revise_step(p);
  };
  Result<runner::CapacityResult> searched = make_error("the search did not run");
  if (o.distributed.master) {
    const int code = run_with_fleet(o.scenario_file, ro, o.distributed, [&](runner::TestRunSource& fleet) {
      // The busiest worker's CPU (% of one core, as its heartbeats say): in the closed model, a saturated
      // worker is a saturated generator.
      probes.generator_cpu = [&fleet] {
        double most = -1;
        for (const auto& w : fleet.workers().value_or(std::vector<runner::WorkerStatus>{}))
          most = std::max(most, w.cpu_percent / 100.0);
        return most;
      };
      searched = runner::run_capacity_search(fleet, loaded->scenario, ro, plan, slos, probes);
      return 0;
    });
    if (code != 0) return code;
  } else {
    runner::LocalTestRunSource source;
    // Only a local run's generator threads are this process's (a master's are its workers').
    runner::RunQueueWait run_queue;
    probes.generator_cpu_wait = [&run_queue] { return run_queue.sample(); };
    // Above the polling rate: the share of its loops' polled time that was work (polling_load.hpp);
    // unknown when they polled less than a tenth of a second in the window (they slept).
    probes.generator_busy = [last = runner::polling_load_total()]() mutable {
      const runner::PollingLoad now = runner::polling_load_total();
      const double busy = runner::polling_busy_share(last, now, 100'000'000);
      last = now;
      return busy;
    };
    searched = runner::run_capacity_search(source, loaded->scenario, ro, plan, slos, probes);
  }
  if (!searched) return fail(searched.error().message);
  const runner::CapacityResult& result = *searched;
  if (web) web->board().finish(result);
  if (result.curve.empty()) return fail(result.stop_reason);
  std::cout << "Stopped: " << result.stop_reason << "\n";
  const std::string bound = runner::saturated_bound_text(plan, result);
  if (result.found) {
    std::cout << runner::answer_label(result) << ": " << runner::answer_text(plan, result) << "\n";
  } else {
    std::cout << runner::no_answer_text(result) << ".\n";
  }
  if (!bound.empty()) std::cout << "Highest throughput within the objectives: " << bound << "\n";
  if (const std::string spread = runner::past_limit_spread_text(plan, result); !spread.empty())
    std::cout << "Note: " << spread << "\n";
  // What failed, as Locust's report says it: a refused connection or a 500 is the cause to fix, whatever
  // the load.
  if (result.final_stats) std::cout << report::console_failures_table(*result.final_stats);
  // A write that fails now (a full disk) is said, and the search's own exit code and history stay.
  auto write_out = [](std::ofstream& out, const char* flag, const std::string& path,
                      const std::string& text) {
    out << text;
    out.close();
    if (!out) log::error("{}: writing {} failed", flag, path);
  };
  if (json_out.is_open())
    write_out(json_out, "--json", o.json_file, report::capacity_curve_json(plan, result).dump(2) + "\n");
  if (html_out.is_open())
    write_out(html_out, "--html", o.html_file,
              report::capacity_html(plan, result, {o.scenario_file, ro.host, o.slos}));
  const int exit_code = runner::capacity_exit_code(result);
  if (!o.no_history) {
    const CapacityRecord record{o.scenario_file, ro.host, history_config(o, ro, plan, result), started_unix_s,
                                !plan.open_model && result.found ? static_cast<int>(result.best.load) : 0};
    if (auto id = record_capacity_search(o.history_db, record, result, exit_code))
      std::cout << fmt::format("Recorded as run {} in {}: `cicada history show {}`\n", *id, o.history_db,
                               *id);
    else
      log::error("run history ({}): {}; the search is not recorded", o.history_db, id.error().message);
  }
  // The answer is out before anything else happens: stdout is a pipe in CI (fully buffered), and a job
  // killed while the web UI still serves must not lose it.
  std::cout << std::flush;
  if (web) web->serve_until_quit(o.web.autoquit_s);
  return exit_code;
}

}  // namespace cicada::app
