#include "web_command.hpp"

#include <atomic>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>

#include "base/log.hpp"
#include "console_observer.hpp"
#include "report/locust_csv.hpp"
#include "report/run_verdict.hpp"
#include "scenario_source.hpp"
#include "signal_watcher.hpp"
#include "tracking_observers.hpp"
#include "web_html_observer.hpp"
#include "web_tracking.hpp"
#include "webui/web_api.hpp"
#include "webui/web_ui.hpp"

namespace cicada::app {
namespace {

using namespace std::chrono_literals;

// What the app adds to each test of the UI: a locustfile's test_start and test_stop listeners, --html and
// --csv files, and the end time for --autoquit.
class AppTestListener final : public webui::TestListener {
 public:
  AppTestListener(const CliOptions& o, const scenario::LoadedScenario& loaded,
                  std::vector<report::Threshold> thresholds)
      : o_(o),
        scenario_file_(o.scenario_file),
        fire_test_start_(loaded.on_test_start),
        fire_test_stop_(loaded.on_test_stop),
        tracking_(o, std::move(thresholds)) {}

  void on_test_start(const runner::RunDescription& run) override {
    if (fire_test_start_) fire_test_start_();  // each start from the UI, before its users, as Locust
    std::lock_guard lock(mutex_);
    tracking_.on_test_start(run, controller_ ? controller_->info().load : report::RunLoad{});
    // A new test has new stats: a new writer, so the history file starts over as in a new run.
    if (o_.print_stats) console_.emplace(o_.only_summary);  // its seconds count from this test's start
    if (!o_.csv_prefix.empty()) {
      csv_.emplace(o_.csv_prefix, o_.csv_full_history);
      write_csv(report::snapshot_before_the_run());  // the files exist from the test's first moment
    }
    ended_ = false;
  }
  void on_second(const stats::Snapshot& snap) override {
    std::lock_guard lock(mutex_);
    tracking_.on_second(snap);
    if (csv_) write_csv(snap);                // every second, as Locust
    if (console_) console_->on_second(snap);  // --print-stats: every 2 s, as a headless run
  }
  void on_test_end(const stats::Snapshot& snap, const webui::TestInfo&) override {
    if (fire_test_stop_) fire_test_stop_();
    std::lock_guard lock(mutex_);
    tracking_.on_test_end(snap);
    if (csv_) write_csv(snap);
    // The same settings as the UI's own /stats/report (the test's info is final by now).
    if (!o_.web.html_file.empty() && controller_)
      write_html_report(o_.web.html_file,
                        report::html_report(snap, webui::make_report_info(*controller_, scenario_file_)));
    ended_ = true;
    ended_at_ = std::chrono::steady_clock::now();
  }
  // The controller whose tests this listener follows (for each test's load).
  void watch(const webui::TestController& controller) { controller_ = &controller; }
  // When the latest test ended, if it has.
  std::optional<std::chrono::steady_clock::time_point> ended_at() {
    std::lock_guard lock(mutex_);
    return ended_ ? std::optional(ended_at_) : std::nullopt;
  }

 private:
  void write_csv(const stats::Snapshot& snap) {
    if (auto r = csv_->write(snap); !r) log::error("writing CSV files: {}", r.error().message);
  }

  const CliOptions& o_;
  const webui::TestController* controller_ = nullptr;
  std::string scenario_file_;
  std::function<void()> fire_test_start_, fire_test_stop_;
  std::mutex mutex_;
  std::optional<report::LocustCsvWriter> csv_;
  std::optional<ConsoleObserver> console_;  // --print-stats
  WebTestTracking tracking_;
  bool ended_ = false;
  std::chrono::steady_clock::time_point ended_at_{};
};

}  // namespace

int run_web_ui(const CliOptions& o, scenario::LoadedScenario loaded, const runner::RunOptions& ro,
               const report::RunLoad& load, runner::TestRunSource* runs) {
  // As Locust: a quit after the test only means something for a test the process starts itself.
  if (o.web.autoquit_s >= 0 && !o.web.autostart) {
    std::cerr << "cicada: --autoquit is only meaningful in combination with --autostart\n";
    return 2;
  }
  // Thresholds are checked before the UI starts, as before a headless run: a bad one is a usage error.
  auto thresholds = collect_thresholds(o, loaded);
  if (!thresholds) {
    std::cerr << "cicada: " << thresholds.error().message << "\n";
    return 2;
  }
  AppTestListener listener(o, loaded, std::move(*thresholds));
  webui::WebUiOptions wo;
  static_cast<webui::UiListen&>(wo) = o.web.server;
  wo.scenario_file = o.scenario_file;
  wo.runs = runs;
  wo.base_load = load;
  runner::RunOptions base = ro;
  base.keep_entry_history = true;  // the UI's full-history download has every entry
  webui::WebUi ui(std::move(loaded.scenario), base, wo, &listener);
  listener.watch(ui.controller());
  if (o.web.class_picker) {
    ui.controller().enable_class_picker();
    log::info(
        "Running with the UserClass Picker Enabled: each test runs the user classes its start form picks");
  }
  ui.controller().set_task_sets(loaded.task_sets);
  if (auto r = ui.start(); !r) {  // a port in use is a usage error (exit 2), as every other flag's
    std::cerr << "cicada: web UI: " << web_start_error(r.error().message) << "\n";
    return 2;
  }
  // One line on stdout with the address, so scripts and tests can use --web-port 0.
  std::cout << "cicada web UI: " << ui.url() << std::endl;
  log::info("Starting web interface at {} (press Ctrl-C to quit)", ui.url());

  // runner.quit() from a locustfile ends the process as Ctrl-C does (stopping a running test first).
  std::atomic<bool> quit{false};
  if (loaded.bind_run) {
    const webui::TestController& controller = ui.controller();
    scenario::RunView view;
    view.quit = [&quit] { quit.store(true); };
    view.state = [&controller] { return std::string(runner::to_string(controller.state())); };
    view.snapshot = [&controller] { return controller.snapshot(); };
    view.target_users = [&controller] { return controller.info().users; };
    view.live_users = [&controller] { return controller.live_users(); };
    view.workers = [&controller] {
      return controller.workers().value_or(std::vector<runner::WorkerStatus>{});
    };
    loaded.bind_run(std::move(view));
  }
  if (o.web.autostart) {
    webui::SwarmRequest s;  // a shape from the scenario or the command line runs instead of -u/-r
    s.users = ro.users;
    s.spawn_rate = ro.spawn_rate;
    s.run_time = ro.run_time;
    if (o.web.class_picker) {  // as Locust's automatic start: the command line's classes, and the shape
      s.user_classes = o.user_classes;
      const auto shapes = ui.controller().available_shape_classes();
      s.shape_class = shapes.back();  // "Default" when there is no shape to pick
    }
    if (auto r = ui.controller().swarm(s); !r) {
      std::cerr << "cicada: " << r.error().message << "\n";
      if (loaded.bind_run) loaded.bind_run({});
      ui.stop();
      return 2;
    }
  }
  SignalWatcher watcher([&] { quit.store(true); }, [&] { ui.controller().stop_now(); });
  while (!quit.load()) {
    if (o.web.autostart && o.web.autoquit_s >= 0) {
      if (auto ended = listener.ended_at(); ended && std::chrono::steady_clock::now() - *ended >=
                                                         std::chrono::duration<double>(o.web.autoquit_s)) {
        log::info("--autoquit: the test ended {} s ago, quitting", o.web.autoquit_s);
        break;
      }
    }
    std::this_thread::sleep_for(50ms);
  }
  ui.stop();
  if (loaded.on_quit) loaded.on_quit();  // a locustfile's quitting listeners
  if (loaded.bind_run) loaded.bind_run({});
  const auto snap = ui.controller().snapshot();
  // Locust prints the last test's summary tables when its UI quits, as a headless run ends.
  if (ui.controller().started()) ConsoleObserver(true).on_finish(*snap);
  const bool failed = !report::run_failure_reasons(*snap).empty();
  const int code = scenario_exit_code(loaded, failed ? o.exit_code_on_error : 0);
  log::info("Shutting down (exit code {})", code);
  if (loaded.on_exit) loaded.on_exit(code);  // a locustfile's quit listeners, last
  return code;
}

}  // namespace cicada::app
