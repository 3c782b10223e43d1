#pragma once
// RunControl: the one control loop of a load test, local or distributed (Locust's Runner, written once).
//
// Each tick, on the thread that calls run(): the run time and stop requests; the shape's target (users
// or an arrival rate) and its stage marks; targets from other threads (the web UI, a master); the
// warm-up; the backend's ramp; and once a second the stats: the backend's deltas are merged into the
// Aggregate, the second is closed and a snapshot is published for observers. The backend
// (run_backend.hpp) runs the users, in this process or on workers.
//
// stop(), set_users(), set_arrival_rate(), set_max_inflight(), stop_after(), reset_stats() and the readings
// may be called from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runner/run_backend.hpp"
#include "runner/run_options.hpp"
#include "runner/run_state.hpp"
#include "stats/aggregate.hpp"
#include "stats/snapshot.hpp"

namespace cicada::runner {

class RunControl {
 public:
  explicit RunControl(RunBackend& backend);
  ~RunControl();

  // Runs one test to its end: the run time, the shape's end, stop(), or a backend that cannot go on.
  // on_second gets each closed second's snapshot. A control may run one test after another (a master
  // serving the web UI); each starts with fresh stats.
  void run(const RunOptions& options, const std::function<void(const stats::Snapshot&)>& on_second);

  void stop() { stop_requested_.store(true); }
  // stop(), and no waiting for --stop-timeout either (a second Ctrl-C): the stats so far are kept.
  void stop_now() {
    hurry_.store(true);
    stop_requested_.store(true);
  }
  bool stop_requested() const { return stop_requested_.load(); }
  // Between two runs: the next run's stop() and targets are its own.
  void rearm();
  // A new user target; shares as RunBackend::set_users.
  void set_users(int users, double spawn_rate, TypeShares shares = {});
  // Open model: a new total arrival rate, or --max-inflight, from now on (ignored in a closed model).
  void set_arrival_rate(double per_second) { pending_arrival_rate_.store(std::max(0.0, per_second)); }
  void set_max_inflight(std::size_t total) { pending_max_inflight_.store(std::max<std::size_t>(1, total)); }
  // A new run time counted from now (a swarm with run_time sent to a running test, as Locust's web UI
  // schedules its stop run_time after the swarm): the test ends that long after this call, and no longer
  // at the run time it started with. Before run(): from the run's start.
  void stop_after(std::chrono::microseconds from_now) {
    pending_stop_after_us_.store(std::max<std::int64_t>(0, from_now.count()));
  }
  // Zeroes the stats. The published snapshot is the cleared one at once (stats/snapshot_reset.hpp), as
  // Locust's reset is: a reader right after sees no request from before. The Aggregate itself is reset on
  // the control thread at its next second, dropping the deltas it then takes.
  void reset_stats();
  // Sees each second's deltas, and the final ones, before they are merged (a worker ships them to its
  // master). Set before run().
  void set_delta_listener(std::function<void(const std::vector<stats::StatsDelta>&)> listener) {
    delta_listener_ = std::move(listener);
  }

  RunState state() const { return state_.load(); }
  // How the last run() ended, for the reports (docs/ci.md, run.ended_by): "run_time" (--run-time),
  // "shape_end" (the load shape or stages ended), "stopped" (stop() or stop_now(): the front end knows
  // why), "workers_lost" (a fleet with no worker left); "" before a run ended. Read on run()'s thread.
  const char* ended_by() const { return ended_by_; }
  bool open_model() const { return open_model_.load(); }
  double arrival_rate() const { return arrival_rate_.load(); }
  // Closed model: the users the test ramps to now (Locust's runner.target_user_count); none before its
  // first ramp. Thread-safe.
  std::optional<int> target_users() const {
    const int t = target_users_.load();
    return t >= 0 ? std::optional<int>(t) : std::nullopt;
  }
  // The users running now, as the control loop last changed them (Locust's runner.user_count, which is
  // live: a snapshot's is up to a second old, and 0 before the first second closes); none before a run.
  // Thread-safe.
  std::optional<int> live_users() const;
  // The latest published snapshot (at most a second old); null before the first run.
  std::shared_ptr<const stats::Snapshot> snapshot() const;

 private:
  void set_state(RunState s);
  void begin_shape(MonoTime started);
  bool follow_shape(MonoTime started, MonoTime now);  // false: the shape ended the test
  void apply_target(const ShapeTarget& target);
  void apply_pending(MonoTime now);
  void collect_second(bool final);
  void publish();

  RunBackend& backend_;
  RunOptions options_;
  const char* ended_by_ = "";
  std::function<void(const std::vector<stats::StatsDelta>&)> delta_listener_;
  std::unique_ptr<stats::Aggregate> aggregate_;

  // Requests from other threads.
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> hurry_{false};  // stop_now(): the backend's stop waits no longer
  std::atomic<bool> reset_requested_{false};
  std::mutex control_mutex_;
  struct UserTarget {
    int users;
    double spawn_rate;
    TypeShares shares;
  };
  std::optional<UserTarget> pending_target_;             // guarded by control_mutex_
  std::atomic<double> pending_arrival_rate_{-1.0};       // < 0: none
  std::atomic<std::size_t> pending_max_inflight_{0};     // 0: none
  std::atomic<std::int64_t> pending_stop_after_us_{-1};  // < 0: none

  // Control-thread state of the current test (atomics: other threads read them).
  std::atomic<RunState> state_{RunState::kReady};
  std::atomic<bool> open_model_{false};
  std::atomic<double> arrival_rate_{0};
  std::atomic<int> target_users_{-1};  // -1: the test has not ramped yet
  std::atomic<int> live_users_{-1};    // -1: no run yet
  bool said_user_cap_ = false;         // the warning that fixed counts cap the users, once a run
  std::optional<MonoTime> deadline_;   // the run time's end; none: until stopped
  std::optional<ShapeTarget> last_shape_target_;
  // The user types the shape named last (sorted, once each): a target naming the same set, in any order,
  // or none (which keeps them, as Locust) is no change.
  std::optional<std::vector<std::string>> named_in_effect_;
  // Whether the target names types other than those in effect (and makes them the ones in effect).
  bool names_other_types(const ShapeTarget& target);
  std::optional<std::string> stage_;

  // Guards snapshot_, and reset_requested_'s setting by other threads: a second published after a reset
  // was asked for never shows the samples from before it.
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const stats::Snapshot> snapshot_;
};

}  // namespace cicada::runner
