#pragma once
// TestRun: one load test as a front end drives it (the headless CLI, the web UI), whether its users run
// in this process (LocalRunner) or on a distributed master's workers (distributed/master_session.hpp).
// Front ends talk to this interface only, so `cicada` and `cicada --master` run the same observers and
// serve the same UI with the same code. Observers get description() and snapshots, never a runner.
//
// TestRunSource makes the runs: one per test started from the UI. A source may also know a fleet of
// workers that outlives its tests (a master): the UI shows them between tests too.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "cicada/user.hpp"
#include "runner/local_runner.hpp"
#include "runner/run_description.hpp"
#include "runner/run_options.hpp"
#include "runner/run_state.hpp"
#include "runner/worker_status.hpp"
#include "stats/snapshot.hpp"

namespace cicada::runner {

class TestRun {
 public:
  virtual ~TestRun() = default;
  // Runs the test to its end on the calling thread; on_second gets each closed second's snapshot.
  virtual void run(const std::function<void(const stats::Snapshot&)>& on_second) = 0;
  // Thread-safe controls and readings, as LocalRunner's.
  virtual void stop() = 0;
  // stop() without waiting for --stop-timeout (a second Ctrl-C): what was measured so far is kept.
  virtual void stop_now() = 0;
  virtual void set_users(int users, double spawn_rate) = 0;
  // The test ends from_now after this call (RunControl::stop_after), whatever run time it started with.
  virtual void stop_after(std::chrono::microseconds from_now) = 0;
  virtual void reset_stats() = 0;
  virtual RunState state() const = 0;
  // How the test ended (RunControl::ended_by): "run_time", "shape_end", "stopped", "workers_lost".
  virtual const char* ended_by() const = 0;
  virtual std::shared_ptr<const stats::Snapshot> snapshot() const = 0;
  // Open model (arrival rate): whether this test runs one, and a new total rate (iterations/s) from now on.
  virtual bool open_model() const = 0;
  // Its current total arrival rate (iterations/s); 0 from a run that cannot tell.
  virtual double arrival_rate() const { return 0; }
  virtual void set_arrival_rate(double per_second) = 0;
  // Open model: a new cap on iterations in flight, the fleet's total (a capacity search's steps).
  virtual void set_max_inflight(std::size_t total) = 0;
  // Closed model: the users the test ramps to now; none before its first ramp.
  virtual std::optional<int> ramp_target() const = 0;
  // Locust's runner.target_user_count: the users the test ramps to now, or its -u before its first ramp.
  int target_users() const { return ramp_target().value_or(description().options.users); }
  // Locust's runner.user_count: the users running now (RunControl::live_users); none before the run.
  virtual std::optional<int> live_users() const = 0;
  // What the test runs (scenario, options with the seed it uses, open or closed model), for observers.
  virtual const RunDescription& description() const = 0;
};

class TestRunSource {
 public:
  virtual ~TestRunSource() = default;
  // A prepared test of `scenario` with `options`, or why it cannot start (bad host, no workers...).
  virtual Result<std::shared_ptr<TestRun>> make(const Scenario& scenario, const RunOptions& options) = 0;
  // Why make() would refuse these options now, without making anything (a start that must wait for the
  // previous test to stop is checked at once, and made later): check_runnable, and a source's own terms.
  virtual Result<void> check(const Scenario& scenario, const RunOptions& options) const {
    Scenario copy = scenario;
    return check_runnable(copy, options);
  }
  // The workers, for a distributed source; nullopt for a local one.
  virtual std::optional<std::vector<WorkerStatus>> workers() const { return std::nullopt; }
};

// The single-process test: a LocalRunner behind the interface.
class LocalTestRun final : public TestRun {
 public:
  LocalTestRun(Scenario scenario, RunOptions options) : runner_(std::move(scenario), std::move(options)) {}
  Result<void> prepare() {
    if (auto r = runner_.prepare(); !r) return r;
    description_ = describe_run(runner_.scenario(), runner_.options(), runner_.seed());
    return {};
  }

  void run(const std::function<void(const stats::Snapshot&)>& on_second) override { runner_.run(on_second); }
  void stop() override { runner_.stop(); }
  void stop_now() override { runner_.stop_now(); }
  void set_users(int users, double spawn_rate) override { runner_.set_users(users, spawn_rate); }
  void stop_after(std::chrono::microseconds from_now) override { runner_.stop_after(from_now); }
  void reset_stats() override { runner_.reset_stats(); }
  RunState state() const override { return runner_.state(); }
  const char* ended_by() const override { return runner_.ended_by(); }
  std::shared_ptr<const stats::Snapshot> snapshot() const override { return runner_.snapshot(); }
  bool open_model() const override { return runner_.open_model(); }
  double arrival_rate() const override { return runner_.arrival_rate(); }
  void set_arrival_rate(double per_second) override { runner_.set_arrival_rate(per_second); }
  void set_max_inflight(std::size_t total) override { runner_.set_max_inflight(total); }
  std::optional<int> ramp_target() const override { return runner_.target_users(); }
  std::optional<int> live_users() const override { return runner_.live_users(); }
  const RunDescription& description() const override { return description_; }

 private:
  LocalRunner runner_;
  RunDescription description_;
};

// Makes LocalTestRuns: the source of a single-process `cicada`.
class LocalTestRunSource final : public TestRunSource {
 public:
  Result<std::shared_ptr<TestRun>> make(const Scenario& scenario, const RunOptions& options) override {
    auto run = std::make_shared<LocalTestRun>(scenario, options);
    if (auto r = run->prepare(); !r) return r.error();
    return std::shared_ptr<TestRun>(std::move(run));
  }
};

}  // namespace cicada::runner
