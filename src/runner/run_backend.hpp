#pragma once
// RunBackend: where a test's users run, as the one control loop (run_control.hpp) drives it. Two
// implementations: this process's event-loop threads (local_backend.hpp) and a distributed master's
// workers (distributed/fleet_backend.hpp). The loop decides *what* (targets from the shape or the UI,
// when a second closes, when the test ends); a backend does it *where* its users are, and owns them:
// users it stops are freed there.
//
// Every call comes from the control thread (the caller of RunControl::run).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "runner/run_state.hpp"
#include "stats/delta.hpp"

namespace cicada::runner {

// What a target of users says of its user types besides their number: a distributed worker's share.
struct TypeShares {
  // User type -> fixed count, replacing the scenario's; empty: keep them.
  std::map<std::string, int> fixed;
  // User type -> this worker's users of that weighted type (the master's walk of Locust's round robin,
  // distributed/dispatch.hpp), replacing the weights; empty: keep what decides now.
  std::map<std::string, int> weighted;
  // The load shape named these user types (ShapeTarget::user_types): the target's users are of them alone,
  // from now until another target names types. Resolved by the backend that deals users (a local run, a
  // master), never sent to a worker, which gets fixed and weighted above instead.
  std::optional<std::vector<std::string>> named_types;
};

class RunBackend {
 public:
  virtual ~RunBackend() = default;

  // The test begins (loops start; a fleet picks a new test id). The backend's users come later.
  virtual void begin() = 0;
  // The loop's state changed (a fleet tells its workers in heartbeats).
  virtual void state_changed(RunState) {}

  // Closed model: a new target of users reached at spawn_rate per second from `now`, with the types'
  // shares (fixed counts, a worker's weighted counts) in the same step.
  virtual void set_users(int users, double spawn_rate, const TypeShares& shares, MonoTime now) = 0;
  // Closed model, every tick: starts or stops users on the way to the target; true once the users running
  // are the target.
  virtual bool spawn_step(MonoTime now) = 0;

  // Open model: iterations start on schedule from `origin` at `rate` per second, at most max_inflight
  // running at once (in all); then a new rate or cap.
  virtual void start_arrivals(MonoTime origin, double rate, std::size_t max_inflight) = 0;
  virtual void set_arrival_rate(double rate) = 0;
  virtual void set_max_inflight(std::size_t total) = 0;

  // Users running (closed model) or iterations in flight (open model): the history's user count.
  virtual int reported_users() const = 0;
  // Closed model: the users started and not stopped, read from any thread, counted before a new user runs
  // its first line (so a user never reads a count without itself); none where only reports tell (a fleet).
  virtual std::optional<int> users_now() const { return std::nullopt; }
  // Closed model: the users of each type (every type, 0 included) once a ramp is done: those running here,
  // or a fleet's as dealt to its workers. For the "All users spawned" line, as Locust's.
  virtual std::map<std::string, int> users_by_type() const = 0;
  // Closed model: the most users that can run whatever the target, when every user type has a fixed count
  // (their sum, as in Locust); nullopt when a weighted type takes any number.
  virtual std::optional<int> user_cap() const { return std::nullopt; }
  // The stats since the last call; final: after stop(), everything that is left.
  virtual std::vector<stats::StatsDelta> take_deltas(bool final) = 0;
  // How long after a wall-clock second the loop closes it: a fleet waits for the workers' deltas of
  // that second to arrive.
  virtual std::chrono::milliseconds close_grace() const { return std::chrono::milliseconds(0); }
  // Workers lost during the current test (a fleet); published with each snapshot.
  virtual std::uint32_t lost_workers() const { return 0; }
  // The users (open model: iterations in flight) those workers last reported running: what was in flight
  // on them is not in the numbers.
  virtual std::uint64_t lost_worker_users() const { return 0; }
  // The backend's own work until `until` (a fleet: messages, heartbeats, lost workers). false: it cannot
  // go on (no worker left) and the test ends.
  virtual bool wait(MonoTime until) = 0;
  // Stops every user and iteration, gives them stop_timeout to finish their task, then kills those still
  // in one (cicada::UserKilled: the request in flight is cut and counted unanswered) and gives their on_stop
  // kOnStopAfterKill to run, as Locust kills each user's greenlet and runs its on_stop; then waits for the
  // last stats (take_deltas(true) returns them). Once `hurry` is set (a second Ctrl-C) it waits no longer:
  // what was measured until then is kept, tasks still running are cut.
  virtual void stop(std::chrono::microseconds stop_timeout, const std::atomic<bool>& hurry) = 0;
  // How long the killed users' on_stop may take. Locust waits for it without a bound; a run ends.
  static constexpr std::chrono::seconds kOnStopAfterKill{5};
};

}  // namespace cicada::runner
