#pragma once
// TestController: the web UI's lifecycle of tests (Locust's UI-driven runner). Ready until the first
// swarm; a swarm while a test runs changes its users and spawn rate (and its run time); stop ends the test
// (state stopped) and a later swarm starts a fresh test in the same process. A swarm while a test is
// stopping is checked at once and started by the test's thread once the stop is done: no request of the
// web server ever waits for a test to end.
//
// Why a new LocalRunner per test instead of a restartable runner: LocalRunner is one run from start to
// stop (its loops, users and Aggregate are built for that run), and other features (load shapes, arrival
// rate) grow inside it. Wrapping it keeps the runner simple and gives every test fresh stats, as Locust
// does on a new start.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "cicada/user.hpp"
#include "report/run_load.hpp"
#include "runner/run_description.hpp"
#include "runner/run_options.hpp"
#include "runner/run_state.hpp"
#include "runner/test_run.hpp"
#include "scenario/task_ratio.hpp"
#include "stats/snapshot.hpp"

namespace cicada::webui {

// What POST /swarm asks for. The load is one of: users at a spawn rate (Locust's fields), a constant
// arrival rate (the open model), or stages in the --stages syntax (users or rates). When the scenario or
// the command line defines the shape, the request's load is ignored and the shape runs (as Locust does
// with a LoadTestShape).
struct SwarmRequest {
  int users = 1;
  double spawn_rate = 1;
  std::string host;  // empty: keep the current host
  std::optional<std::chrono::microseconds> run_time;
  std::optional<double> arrival_rate;       // iterations per second
  std::string stages;                       // "30s:10@5,1m:100" or "30s:50/s,1m:50..200/s"
  std::optional<std::size_t> max_inflight;  // open model; none: the command line's
  std::optional<bool> poisson_arrivals;     // open model: Poisson (true) or paced; none: the command line's
  // With --class-picker (TestController::enable_class_picker): the user types to run (none: the command
  // line's, else all), and the shape: the scenario's by its name, or "Default" (none: the form's load).
  std::vector<std::string> user_classes;
  std::optional<std::string> shape_class;
};

// How a test's load is driven, as the UI shows it.
enum class LoadMode { kUsers, kArrivalRate, kStages, kShape };
std::string_view to_string(LoadMode mode);  // "users", "arrival_rate", "stages", "shape"

// What a swarm did: started a new test, changed the running one, or (the previous test still stopping)
// will start the new test once the stop is done.
enum class SwarmOutcome { kStarted, kRetargeted, kQueued };
struct SwarmResult {
  SwarmOutcome outcome = SwarmOutcome::kStarted;
  std::string host;  // the host of the test started, changed or queued
  LoadMode load_mode = LoadMode::kUsers;
  std::vector<std::string> user_classes;  // the user types that test runs
};

// The configuration of the latest test, for reports and the UI.
struct TestInfo {
  std::string host;
  int users = 0;
  double spawn_rate = 0;
  std::optional<std::chrono::microseconds> run_time;
  LoadMode load_mode = LoadMode::kUsers;
  std::string stages;            // LoadMode::kStages: as the request gave them
  std::size_t max_inflight = 0;  // open model: iterations running at once at most
  double start_unix_s = 0;       // 0: no test yet
  double end_unix_s = 0;         // 0: still running (or none)
  report::RunLoad load;          // what drives the test, for reports (report/run_load.hpp); follows edits
  std::vector<std::string> user_classes;  // the user types it runs, in the scenario's order
  std::string shape_class;                // --class-picker: the shape it runs, or "Default"
};

// Hooks, called on the test's control thread (the runner's); on_test_start on the thread that starts the
// test (a swarm's, or the test thread for a start that waited for the previous test to stop). Must be
// quick and must not call back into the controller's swarm/stop (they may wait for this thread).
class TestListener {
 public:
  virtual ~TestListener() = default;
  virtual void on_test_start(const runner::RunDescription&) {}
  virtual void on_second(const stats::Snapshot&) {}
  virtual void on_test_end(const stats::Snapshot&, const TestInfo&) {}
};

class TestController {
 public:
  // base: the command line's options (threads, tags, timeouts, seed, host...); users, spawn rate, host
  // and run time are replaced by each swarm. listener may be null and must outlive the controller.
  // source makes each test's run (a distributed master's, say); null: a LocalRunner in this process. It
  // must outlive the controller.
  TestController(Scenario scenario, runner::RunOptions base, TestListener* listener = nullptr,
                 runner::TestRunSource* source = nullptr);
  ~TestController();  // stops a running test and waits for it
  TestController(const TestController&) = delete;
  TestController& operator=(const TestController&) = delete;

  // Starts a test, or retargets the running one (its users, or its arrival rate in the open model, and
  // with a run_time its end: run_time from now, as Locust's UI). While a test stops, the new one starts
  // when it has (kQueued; a later swarm replaces it, a stop cancels it). Fails (and changes nothing) on a
  // bad request, e.g. a host without http://, malformed stages, or another host for a running test (its
  // users stay connected to theirs).
  Result<SwarmResult> swarm(const SwarmRequest& request);
  // Ends the running test, and cancels a start still waiting for it.
  void stop();
  // stop() without waiting for --stop-timeout (a second Ctrl-C).
  void stop_now();
  // Zeroes stats, failures and exceptions (the running test's, or the last finished one's).
  void reset_stats();

  runner::RunState state() const;
  bool started() const;  // a test has been started in this process
  // Counts the tests started in this process (0 before the first): pages see that a new test began,
  // whoever started it.
  std::uint64_t test_id() const;
  // The latest stats: the running test's (at most a second old), the last test's final ones, or an empty
  // snapshot before the first test or after a reset of a finished test. Never null.
  std::shared_ptr<const stats::Snapshot> snapshot() const;
  // The running (or last) test's users now (runner::TestRun::live_users); none before the first test.
  std::optional<int> live_users() const;
  TestInfo info() const;
  // A distributed master's workers (connected now, between tests too); nullopt in a single process.
  std::optional<std::vector<runner::WorkerStatus>> workers() const { return source_->workers(); }
  // Locust's --class-picker (call before the first swarm): each test runs the user types its swarm picks
  // (none picked: all, as Locust's) and the scenario's own shape only when the swarm picks it by name
  // (shape_class; "Default" or none: the swarm's users, rate or stages). A shape from the command line (or
  // YAML stages) is not the scenario's: it runs whatever is picked, as without the picker.
  void enable_class_picker();
  bool class_picker() const { return picker_; }
  // The picker's choices, as Locust's form lists them: every user type by name (sorted), and "Default"
  // then the scenario's shape by name (scenario_shape_name) when it has one the command line does not
  // replace.
  std::vector<std::string> available_user_classes() const;
  std::vector<std::string> available_shape_classes() const;
  std::string scenario_shape_name() const;  // Scenario::shape_name, or kDefaultShapeName
  // ok, or why the request's picks cannot be run (an unknown class or shape; picks without the picker).
  Result<void> check_picks(const SwarmRequest& request) const;
  // The latest test's scenario (before the first: what a start with no choice runs). Never null.
  std::shared_ptr<const Scenario> scenario() const;
  std::string default_host() const { return base_.host; }
  const runner::RunOptions& base_options() const { return base_; }
  // What a configured shape is, in the reports' terms (the app knows where it came from); call before
  // the first swarm.
  void set_base_load(report::RunLoad load) { base_load_ = std::move(load); }
  // A locustfile's task sets opened into their tasks (scenario::LoadedScenario::task_sets), for the task
  // ratio tables; call before the first swarm.
  void set_task_sets(scenario::TaskSets sets) { task_sets_ = std::move(sets); }
  const scenario::TaskSets& task_sets() const { return task_sets_; }
  // The scenario (a C++ shape, YAML stages or arrival_rate) or the command line (--stages,
  // --arrival-rate) defines the load: a swarm runs that shape and cannot set another load.
  bool shape_controlled() const { return runs_shape(SwarmRequest{}); }
  // Whether `request` starts a test that runs the configured shape: the command line's, or the scenario's
  // (with --class-picker, only when the request picks it).
  bool runs_shape(const SwarmRequest& request) const;
  // Whether that shape starts with an arrival rate (the open model): the form then offers its arrivals.
  bool shape_open_model() const;
  // That shape's start, e.g. "arrival rate 50/s, max in-flight 1000 (stage 1/2: 50/s)"; "" without one.
  std::string shape_description() const;
  // The running (or last) test is an open-model one: its current arrival rate; none otherwise.
  std::optional<double> arrival_rate() const;

  // Blocks until no test is running (returns at once when none is), or until timeout.
  bool wait_idle(std::chrono::milliseconds timeout);

 private:
  // A new test, checked and ready to be made.
  struct StartPlan {
    std::vector<std::string> type_names() const;  // of the types that run (tags applied)
    Scenario scenario;                            // the user types (and shape) the test runs
    SwarmRequest request;
    runner::RunOptions options;
    LoadMode mode = LoadMode::kUsers;
  };
  Result<StartPlan> plan_start(const SwarmRequest& request) const;
  void install(std::shared_ptr<runner::TestRun> next, const StartPlan& plan);  // mutex_ held
  bool stopping() const;  // mutex_ held: the running test was asked to stop or is ending by itself
  // The test thread: runs a test, then the one a swarm queued while it stopped, until none is left.
  void run_tests(std::shared_ptr<runner::TestRun> runner);
  void end_test(runner::TestRun& runner);
  std::shared_ptr<runner::TestRun> next_test();  // the queued test, made and installed; null: none
  void cancel_queued();                          // mutex_ held
  Result<SwarmResult> retarget(const SwarmRequest& request);          // mutex_ held, a test running
  Result<Scenario> test_scenario(const SwarmRequest& request) const;  // the types and shape it runs
  std::string shape_class_of(const Scenario& test) const;             // TestInfo::shape_class
  Result<LoadMode> apply_load(const SwarmRequest& request, const Scenario& test,
                              runner::RunOptions& options) const;
  Result<LoadMode> choose_load(const SwarmRequest& request, const Scenario& test,
                               runner::RunOptions& options) const;
  report::RunLoad load_of(LoadMode mode, const SwarmRequest& request,
                          const runner::RunOptions& options) const;
  static std::shared_ptr<const stats::Snapshot> empty_snapshot();

  Scenario scenario_;    // as loaded: every user type the tests may run, and the scenario's shape
  bool picker_ = false;  // --class-picker
  runner::RunOptions base_;
  TestListener* listener_;
  runner::LocalTestRunSource local_source_;
  runner::TestRunSource* source_;
  report::RunLoad base_load_;
  scenario::TaskSets task_sets_;

  std::mutex lifecycle_mutex_;  // serializes swarm/stop/destruction (may wait for the test thread)
  std::thread test_thread_;

  mutable std::mutex mutex_;  // guards the fields below; never held while waiting
  std::condition_variable idle_cv_;
  std::shared_ptr<runner::TestRun> runner_;
  bool running_ = false;
  // stop() or stop_now() asked the running test to end: a swarm then queues a new test, where it
  // retargeted the stopping one (answered "Swarming started", then lost when the stop finished).
  bool stop_requested_ = false;
  bool cleared_ = false;  // reset after the test ended: show empty stats
  TestInfo info_;
  std::shared_ptr<const Scenario> current_;  // the latest test's scenario
  std::uint64_t test_id_ = 0;
  // A swarm that came while the test stopped; the test thread starts it. Each queueing or cancelling
  // bumps queue_ticket_, so a run the thread made meanwhile for an older one is dropped.
  std::optional<StartPlan> queued_;
  std::uint64_t queue_ticket_ = 0;
};

}  // namespace cicada::webui
