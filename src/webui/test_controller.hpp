#pragma once
// TestController: the web UI's lifecycle of tests (Locust's UI-driven runner). Ready until the first
// swarm; a swarm while a test runs changes its users and spawn rate; stop ends the test (state stopped) and
// a later swarm starts a fresh test in the same process.
//
// Why a new LocalRunner per test instead of a restartable runner: LocalRunner is one run from start to
// stop (its loops, users and Aggregate are built for that run), and other features (load shapes, arrival
// rate) grow inside it. Wrapping it keeps the runner simple and gives every test fresh stats, as Locust
// does on a new start.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

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
};

// How a test's load is driven, as the UI shows it.
enum class LoadMode { kUsers, kArrivalRate, kStages, kShape };
std::string_view to_string(LoadMode mode);  // "users", "arrival_rate", "stages", "shape"

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
};

// Hooks, called on the test's control thread (the runner's). Must be quick and must not call back into
// the controller's swarm/stop (they may wait for this thread).
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

  // Starts a test, or retargets the running one (its users, or its arrival rate in the open model).
  // Fails (and changes nothing) on a bad request, e.g. a host without http:// or malformed stages.
  Result<void> swarm(const SwarmRequest& request);
  void stop();
  // stop() without waiting for --stop-timeout (a second Ctrl-C).
  void stop_now();
  // Zeroes stats, failures and exceptions (the running test's, or the last finished one's).
  void reset_stats();

  runner::RunState state() const;
  bool started() const;  // a test has been started in this process
  // The latest stats: the running test's (at most a second old), the last test's final ones, or an empty
  // snapshot before the first test or after a reset of a finished test. Never null.
  std::shared_ptr<const stats::Snapshot> snapshot() const;
  TestInfo info() const;
  // A distributed master's workers (connected now, between tests too); nullopt in a single process.
  std::optional<std::vector<runner::WorkerStatus>> workers() const { return source_->workers(); }
  const Scenario& scenario() const { return scenario_; }
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
  bool shape_controlled() const { return base_.shape || scenario_.shape; }
  // Whether that shape starts with an arrival rate (the open model): the form then offers its arrivals.
  bool shape_open_model() const;
  // That shape's start, e.g. "arrival rate 50/s, max in-flight 1000 (stage 1/2: 50/s)"; "" without one.
  std::string shape_description() const;
  // The running (or last) test is an open-model one: its current arrival rate; none otherwise.
  std::optional<double> arrival_rate() const;

  // Blocks until no test is running (returns at once when none is), or until timeout.
  bool wait_idle(std::chrono::milliseconds timeout);

 private:
  void run_test(std::shared_ptr<runner::TestRun> runner);
  Result<void> retarget(const SwarmRequest& request);  // mutex_ held, a test running
  Result<LoadMode> apply_load(const SwarmRequest& request, runner::RunOptions& options) const;
  Result<LoadMode> choose_load(const SwarmRequest& request, runner::RunOptions& options) const;
  report::RunLoad load_of(LoadMode mode, const SwarmRequest& request,
                          const runner::RunOptions& options) const;
  static std::shared_ptr<const stats::Snapshot> empty_snapshot();

  Scenario scenario_;
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
  // stop() or stop_now() asked the running test to end: a swarm then waits for it and starts a new test,
  // where it retargeted the stopping one (answered "Swarming started", then lost when the stop finished).
  bool stop_requested_ = false;
  bool cleared_ = false;  // reset after the test ended: show empty stats
  TestInfo info_;
};

}  // namespace cicada::webui
