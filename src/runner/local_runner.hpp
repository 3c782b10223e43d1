#pragma once
// LocalRunner: runs one load test in this process (Locust's LocalRunner): the one control loop
// (run_control.hpp) over this process's event-loop threads (local_backend.hpp).
//
// The calling thread of run() is the control thread. stop(), set_users(), set_arrival_rate(),
// set_max_inflight() and reset_stats() may be called from any thread (signal watcher, web UI).
// A light header: no Asio, no OpenSSL (the loops and clients are behind LocalBackend).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "cicada/user.hpp"
#include "runner/run_backend.hpp"
#include "runner/run_options.hpp"
#include "runner/run_state.hpp"
#include "runner/user_mix.hpp"
#include "stats/delta.hpp"
#include "stats/snapshot.hpp"

namespace cicada::runner {

class LocalBackend;
class RunControl;

// Applies the tag filters (and --equal-weights) to `scenario` and checks it can run with `options` (users,
// spawn rate, a host for every user type); LocalRunner::prepare and a distributed master call it.
Result<void> check_runnable(Scenario& scenario, const RunOptions& options);

class LocalRunner {
 public:
  LocalRunner(Scenario scenario, RunOptions options);
  ~LocalRunner();

  // Applies tag filters and checks the scenario can run (a host for every user type...). Call first.
  Result<void> prepare();

  // Runs until the run time is over, the shape ends or stop() is called. on_second runs on this thread
  // after each second of stats with the fresh snapshot (headless console, CSV autosave).
  void run(const std::function<void(const stats::Snapshot&)>& on_second);

  void stop();
  // stop() without waiting for --stop-timeout (a second Ctrl-C); the stats so far are kept.
  void stop_now();
  // A new user target. shares (run_backend.hpp: fixed counts, weighted counts; empty: keep) replace those
  // types' in the same step, starting or stopping users of those types to match: a distributed worker's
  // new share after a worker joined or was lost. Fixed-count users come first within the target. Before
  // run(), the test's first target.
  void set_users(int users, double spawn_rate, TypeShares shares = {});
  // Open model: a new total --max-inflight from now on (each loop gets its share, at least 1); thread-safe.
  void set_max_inflight(std::size_t total);
  // Open model: a new total arrival rate (iterations/s) from now on; thread-safe. Ignored in a
  // closed-model run (the model is chosen by the shape's first target, see RunOptions::shape).
  void set_arrival_rate(double per_second);
  bool open_model() const;
  // Open model: the total arrival rate (iterations/s) the runner is following now; thread-safe.
  double arrival_rate() const;
  std::optional<int> target_users() const;  // RunControl::target_users
  std::optional<int> live_users() const;    // RunControl::live_users
  // The test ends from_now after this call (RunControl::stop_after); thread-safe.
  void stop_after(std::chrono::microseconds from_now);
  void reset_stats();
  // Distributed worker (src/distributed): sees each second's deltas, and the final ones, on the control
  // thread before they are merged, so they can be shipped to the master. Set before run().
  void set_delta_listener(std::function<void(const std::vector<stats::StatsDelta>&)> listener);

  RunState state() const;
  const char* ended_by() const;  // RunControl::ended_by
  // The latest published snapshot (at most a second old); thread-safe.
  std::shared_ptr<const stats::Snapshot> snapshot() const;
  const Scenario& scenario() const { return scenario_; }
  const RunOptions& options() const { return options_; }
  std::uint64_t seed() const { return seed_; }

 private:
  Scenario scenario_;
  RunOptions options_;
  std::uint64_t seed_ = 0;
  std::vector<TaskPicker> pickers_;
  std::unique_ptr<LocalBackend> backend_;  // made by prepare()
  std::unique_ptr<RunControl> control_;    // made by prepare()
};

}  // namespace cicada::runner
