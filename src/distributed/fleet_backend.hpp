#pragma once
// FleetBackend: a distributed master's workers as the control loop's backend (runner/run_backend.hpp).
// It shares the users or the arrival rate out (dispatch.hpp), and shares them again when a worker joins,
// leaves or goes missing; it forwards the workers' per-second StatsDeltas to the loop, which merges them
// (histograms merge by adding counts, so percentiles are those of one process that saw every sample);
// it sends a heartbeat every second and marks a worker missing after `worker_timeout` of silence. Stats
// already merged from a lost worker stay; a missing worker that speaks again is re-admitted with a fresh
// share (as Locust's master takes back a missing worker that heartbeats), its stats merged exactly once. The
// fleet outlives its tests: between them pump() keeps the workers (hellos, heartbeats). One thread at a time
// uses it (the socket's).
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "distributed/dispatch.hpp"
#include "distributed/transport.hpp"
#include "distributed/worker_option_support.hpp"
#include "distributed/worker_table.hpp"
#include "runner/run_backend.hpp"
#include "runner/run_options.hpp"
#include "runner/worker_status.hpp"
#include "scenario/custom_messages.hpp"

namespace cicada::distributed {

// A worker that could not run the test (it sent an error: bad scenario, C++ compile error...).
struct FailedWorker {
  std::string id;
  std::string message;  // the worker's own words
};

struct MasterOptions {
  std::string bind_host = "*";
  int bind_port = kDefaultMasterPort;  // 0: any free port (tests)
  int expect_workers = 1;              // workers to wait for before the test starts
  std::optional<std::chrono::milliseconds> expect_workers_max_wait;  // none: wait forever
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds worker_timeout{3000};  // silent this long: missing
  // A locustfile's custom messages (runner.send_message): what its workers send is delivered here, what
  // the master's code sends is taken from here and sent on. None: a worker's custom messages are dropped.
  std::shared_ptr<scenario::CustomMessages> messages;
};

class FleetBackend final : public runner::RunBackend {
 public:
  FleetBackend(ScenarioPayload scenario, MasterOptions master);
  ~FleetBackend() override;

  Result<void> bind();
  int port() const { return socket_.port(); }
  // Waits until expect_workers workers said hello; an error after expect_workers_max_wait, or once
  // stop_requested is set.
  Result<void> wait_for_workers(const std::atomic<bool>& stop_requested);
  // Between tests: hellos, heartbeats, missing workers, waiting at most `wait` for a message.
  void pump(std::chrono::milliseconds wait);
  // Tells every worker to exit (headless runs end with their workers, as in Locust).
  void quit_workers();
  // The options the next test's workers get in their Start (the seed already chosen).
  void set_options(runner::RunOptions options) { options_ = std::move(options); }
  // The next test's user types (dispatch.hpp type_plan_of): which each worker keeps, the fixed counts
  // shared over the live workers (again on every join and loss, so the fleet runs each count once rather
  // than once per worker), and Locust's order of the weighted types, in which each worker is told its
  // users of each (split_weighted_counts). Between tests, as set_options.
  void set_types(TypePlan types) {
    base_types_ = types;
    types_ = std::move(types);
    named_types_.reset();
  }

  std::size_t worker_count() const { return worker_count_.load(); }
  std::size_t missing_workers() const { return workers_.missing_count(); }
  // The connected workers as the UI lists them (refreshed every heartbeat and on joins and leaves);
  // thread-safe.
  std::vector<runner::WorkerStatus> worker_statuses() const;
  // The workers that sent an error for the last test, in order.
  const std::vector<FailedWorker>& failed_workers() const { return failed_; }
  // ok, or why a test with `options` must not start on the connected workers: one of them would ignore an
  // option it sets (worker_option_support.hpp); thread-safe. A worker joining later is checked before its
  // `start`, and dropped as failed if it would ignore one.
  Result<void> check_workers(const runner::RunOptions& options) const;

  // runner::RunBackend
  void begin() override;
  void state_changed(runner::RunState s) override { state_.store(s); }
  void set_users(int users, double spawn_rate, const runner::TypeShares& shares, MonoTime now) override;
  bool spawn_step(MonoTime now) override;
  void start_arrivals(MonoTime origin, double rate, std::size_t max_inflight) override;
  void set_arrival_rate(double rate) override;
  void set_max_inflight(std::size_t total) override;
  int reported_users() const override { return workers_.reported_users(); }
  std::map<std::string, int> users_by_type() const override;
  std::optional<int> user_cap() const override;
  std::vector<stats::StatsDelta> take_deltas(bool final) override;
  std::chrono::milliseconds close_grace() const override;
  std::uint32_t lost_workers() const override { return lost_this_test_.load(); }
  std::uint64_t lost_worker_users() const override { return lost_users_this_test_.load(); }
  bool wait(MonoTime until) override;
  void stop(std::chrono::microseconds stop_timeout, const std::atomic<bool>& hurry) override;

 private:
  void handle(Message&& message, MonoTime now);
  void on_hello(const std::string& id, const Hello& hello, MonoTime now);
  void fail_worker(const std::string& id, const std::string& message);  // quits it; the caller rebalances
  // A missing worker spoke again: re-admitted (WorkerTable::readmit), given a fresh share or told to stop.
  void readmitted(WorkerInfo& worker, MonoTime now);
  void drop_workers_missing_options();
  void start_worker(WorkerInfo& worker, double arrival_share, runner::TypeShares shares);
  void rebalance();
  void log_fixed_shares(const std::vector<std::map<std::string, int>>& shares) const;  // each worker's
  void heartbeat(MonoTime now);
  void workers_changed();  // after a join, leave or heartbeat: counts and statuses for other threads
  // What the master's code sent (MasterOptions::messages), to the worker named or to every live worker.
  void send_custom_messages();

  ScenarioPayload scenario_;
  runner::RunOptions options_;
  TypePlan types_;       // what the workers are dealt: base_types_, or its named_plan
  TypePlan base_types_;  // set_types'
  // The user types the load shape named last (runner::TypeShares::named_types): types_ is their plan.
  std::optional<std::vector<std::string>> named_types_;
  MasterOptions master_;
  MasterSocket socket_;
  WorkerTable workers_;
  std::atomic<std::size_t> worker_count_{0};
  MonoTime last_heartbeat_{};
  MonoTime last_pass_{};  // the last call of heartbeat(): a long gap is the master's own pause

  // The current test, as the control loop set it (the state is read by the pump thread too).
  std::atomic<runner::RunState> state_{runner::RunState::kReady};
  std::uint64_t test_id_ = 0;  // 0 until the first test
  int target_users_ = 0;
  double spawn_rate_ = 1;
  bool open_model_ = false;
  double arrival_rate_ = 0;
  std::vector<stats::StatsDelta> deltas_;  // from the workers, merged by the loop at its next second

  mutable std::mutex statuses_mutex_;
  std::vector<runner::WorkerStatus> statuses_;          // guarded by statuses_mutex_
  std::vector<WorkerHello> hellos_;                     // guarded by statuses_mutex_: for check_workers
  std::atomic<std::uint32_t> lost_this_test_{0};        // workers gone silent since begin(), not back
  std::atomic<std::uint64_t> lost_users_this_test_{0};  // the users they last reported
  std::vector<FailedWorker> failed_;
};

}  // namespace cicada::distributed
