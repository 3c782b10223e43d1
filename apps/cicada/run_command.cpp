#include "run_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "base/duration.hpp"
#include "base/log.hpp"
#include "client_options.hpp"
#include "console_observer.hpp"
#include "csv_observer.hpp"
#include "distributed/master_session.hpp"
#include "distributed_run.hpp"
#include "error_exit_observer.hpp"
#include "metrics_observer.hpp"
#include "observer_set.hpp"
#include "open_model_observer.hpp"
#include "output_paths.hpp"
#include "runner/test_run.hpp"
#include "runner/user_type_filter.hpp"
#include "scenario_source.hpp"
#include "signal_watcher.hpp"
#include "tracking_observers.hpp"
#include "user_listing.hpp"
#include "web_command.hpp"
#include "web_html_observer.hpp"

namespace cicada::app {
namespace {

constexpr int kUsageError = 2;

// The flags' options with the scenario's defaults for what no flag (or environment, or config) gave, and
// in `load` what the reports will say drives the run.
Result<runner::RunOptions> run_options(const CliOptions& o, const scenario::LoadedScenario& loaded,
                                       report::RunLoad& load) {
  runner::RunOptions ro = o.run;
  const auto& settings = loaded.settings;
  if (!o.was_given("host") && !loaded.scenario.default_host.empty()) ro.host = loaded.scenario.default_host;
  if (!o.was_given("users") && settings.users) ro.users = *settings.users;
  if (!o.was_given("spawn-rate") && settings.spawn_rate) ro.spawn_rate = *settings.spawn_rate;
  if (!o.was_given("run-time") && settings.run_time) ro.run_time = *settings.run_time;
  if (ro.warmup && ro.run_time && *ro.warmup >= *ro.run_time)
    return make_error(o.named("warmup") + " (" + format_duration(*ro.warmup) + ") must be shorter than " +
                      (o.was_given("run-time") ? o.named("run-time") : "the scenario's run time") + " (" +
                      format_duration(*ro.run_time) + "): nothing would be recorded");
  if (ro.threads == 0 && settings.threads) ro.threads = *settings.threads;
  auto counting = http::TokenCounting::parse(o.stream_tokens);
  if (!counting) return make_error(o.named("stream-tokens") + ": " + counting.error().message);
  ro.stream_tokens = std::move(*counting);
  ro.keep_entry_history = o.csv_full_history;
  if (auto r =
          apply_shape_options(o, settings, ro.spawn_rate, ro, static_cast<bool>(loaded.scenario.shape), load);
      !r)
    return r.error();
  if (o.distributed.master) load.workers = o.distributed.expect_workers;
  if (auto r = check_client_options(ro, loaded.scenario); !r) return r.error();
  ro.hooks = loaded.run_hooks;
  // A headless run ends with the test, and Locust's headless run says so.
  if (o.headless) ro.hooks.run_time_reached = [] { log::info("--run-time limit reached, shutting down"); };
  return ro;
}

// Observer order matters for the exit code: the first non-zero on_finish() result wins.
std::vector<std::unique_ptr<RunObserver>> make_observers(const CliOptions& o,
                                                         std::vector<report::Threshold> thresholds,
                                                         const report::RunLoad& load,
                                                         const scenario::TaskSets& task_sets) {
  std::vector<std::unique_ptr<RunObserver>> list;
  add_threshold_observer(list, std::move(thresholds), o);
  list.push_back(std::make_unique<ErrorExitObserver>(o.exit_code_on_error));
  if (!o.csv_prefix.empty()) list.push_back(std::make_unique<CsvObserver>(o.csv_prefix, o.csv_full_history));
  list.push_back(std::make_unique<ConsoleObserver>(o.only_summary));
  list.push_back(std::make_unique<OpenModelObserver>(o.csv_prefix));
  if (!o.web.html_file.empty())
    list.push_back(std::make_unique<HtmlReportObserver>(o.web.html_file, load, task_sets));
  add_history_observer(list, o, load);
  return list;
}

// --logfile: everything written to stderr (cicada's log and a locustfile's logging) goes to the file, as
// Locust's log does; the console stats stay on stdout.
bool redirect_log(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 || ::dup2(fd, STDERR_FILENO) < 0) {
    std::cerr << "cicada: --logfile " << path << ": " << std::strerror(errno) << "\n";
    if (fd >= 0) ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace

int run_load_test(const CliOptions& o) {
  log::Level level;
  if (!log::parse_level(o.loglevel, level)) {
    std::cerr << "cicada: --loglevel must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got '" << o.loglevel
              << "'\n";
    return kUsageError;
  }
  log::set_level(level);
  if (!o.logfile.empty() && !redirect_log(o.logfile)) return kUsageError;
  if (wants_user_listing(o)) return print_user_listing(o);
  if (o.distributed.worker) return run_worker(o);
  if (auto problem = output_path_problem(o)) {
    std::cerr << "cicada: " << *problem << "\n";
    return kUsageError;
  }
  // --class-picker (the web UI's): every user type stays loaded for the form to pick from; the command
  // line's user classes are what it shows picked, so they are checked here instead.
  const bool picker = o.web.class_picker && !o.headless;
  auto loaded =
      load_scenario_file(o.scenario_file, {picker ? std::vector<std::string>{} : o.user_classes, o.run.tags,
                                           o.run.exclude_tags, o.run.host, o.extra_args, &o});
  if (loaded && picker) {
    Scenario picked = loaded->scenario;
    if (auto r = runner::keep_user_types(picked, o.user_classes); !r) loaded = r.error();
  }
  if (!loaded) {
    std::cerr << "cicada: " << loaded.error().message << "\n";
    return kUsageError;
  }
  report::RunLoad load;
  auto ro = run_options(o, *loaded, load);
  if (!ro) {
    std::cerr << "cicada: " << ro.error().message << "\n";
    return kUsageError;
  }
  if (!o.headless && o.distributed.master) return run_master_web_ui(o, std::move(*loaded), *ro, load);
  if (!o.headless) return run_web_ui(o, std::move(*loaded), *ro, load);
  auto thresholds = collect_thresholds(o, *loaded);
  if (!thresholds) {
    std::cerr << "cicada: " << thresholds.error().message << "\n";
    return kUsageError;
  }
  std::optional<webui::MetricsServer> metrics;
  if (o.web.metrics_port >= 0) {
    metrics.emplace(o.web.server.host, static_cast<std::uint16_t>(o.web.metrics_port));
    if (auto r = metrics->start(); !r) {
      std::cerr << "cicada: --metrics-port: " << r.error().message << "\n";
      return kUsageError;
    }
    // One line on stdout with the address, so scripts and tests can use --metrics-port 0.
    std::cout << "cicada metrics: " << metrics->url() << "/metrics" << std::endl;
  }
  ObserverSet observers(make_observers(o, std::move(*thresholds), load, loaded->task_sets));
  if (metrics) observers.list().push_back(std::make_unique<MetricsObserver>(*metrics));
  if (o.distributed.master) {
    auto description = distributed::describe_fleet_test(std::move(loaded->scenario), *ro);
    if (!description) {
      std::cerr << "cicada: " << description.error().message << "\n";
      return kUsageError;
    }
    // A locustfile's test_start/test_stop fire on the master around the fleet's test (run_master), and
    // on each worker around its part, as in Locust; quitting once the workers are gone.
    int code = run_master(o, std::move(*description), observers, *loaded);
    if (loaded->on_quit) loaded->on_quit();
    // A usage error (a port in use): no test ran, and a quitting listener setting 0 must not hide it.
    if (code != kUsageError) code = scenario_exit_code(*loaded, code);
    code = observers.exit(code);
    if (loaded->on_exit) loaded->on_exit(code);
    return code;
  }
  runner::LocalTestRun run(std::move(loaded->scenario), *ro);
  if (auto r = run.prepare(); !r) {
    std::cerr << "cicada: " << r.error().message << "\n";
    return kUsageError;
  }
  // Locust's words: its run time is a whole number of seconds (parse_timespan); cicada's may have a fraction.
  if (ro->run_time) {
    const auto us = ro->run_time->count();
    if (us % 1'000'000 == 0)
      log::info("Run time limit set to {} seconds", us / 1'000'000);
    else
      log::info("Run time limit set to {:.3f} seconds", static_cast<double>(us) / 1e6);
  }
  log::info("{}", runner::start_line(run.description().options));
  int code = 0;
  {
    auto& cause = observers.stop_cause();
    SignalWatcher watcher(cause.noting("interrupted", [&] { run.stop(); }),
                          cause.noting("interrupted", [&] { run.stop_now(); }));
    if (loaded->bind_run) loaded->bind_run(run_view(run, cause.noting("quit", [&] { run.stop(); })));
    if (loaded->on_test_start) loaded->on_test_start();  // a locustfile's test_start listeners
    observe_run(run, observers);
    if (loaded->on_test_stop) loaded->on_test_stop();
    code = observers.finish(*run.snapshot());
  }
  if (loaded->on_quit) loaded->on_quit();
  if (loaded->bind_run) loaded->bind_run({});
  code = scenario_exit_code(*loaded, code);
  // Only now the records (history, --json, --junit): the quitting listeners may have changed the code.
  code = observers.exit(code);
  log::info("Shutting down (exit code {})", code);
  if (loaded->on_exit) loaded->on_exit(code);  // a locustfile's quit listeners, last
  return code;
}

}  // namespace cicada::app
