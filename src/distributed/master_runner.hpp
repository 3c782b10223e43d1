#pragma once
// MasterRunner: runs one load test on remote workers (Locust's MasterRunner) and offers the app what
// LocalRunner offers (run(on_second), stop, set_users, reset_stats, state, snapshot), so the console,
// CSV, history and threshold observers see a distributed run exactly as a local one.
//
// It owns the Aggregate: every worker's per-second StatsDelta is merged into it, so percentiles are
// those of one process that saw every sample (histograms merge by adding counts). It shares the users
// out (dispatch.hpp) and shares them again when a worker joins, leaves or goes missing; it sends a
// heartbeat every second and marks a worker missing after `worker_timeout` of silence; stats already
// merged from a lost worker stay. Everything happens on the thread that calls run(), except stop(),
// set_users() and reset_stats(), which any thread may call.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "distributed/transport.hpp"
#include "distributed/worker_table.hpp"
#include "runner/run_options.hpp"
#include "runner/run_state.hpp"
#include "runner/worker_status.hpp"
#include "stats/aggregate.hpp"

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
  // The scenario's user types with a fixed count (dispatch.hpp fixed_counts_of): shared over the live
  // workers (again on every join and loss), so the fleet runs each count once rather than once per worker.
  std::map<std::string, int> fixed_counts;
};

class MasterRunner {
 public:
  MasterRunner(ScenarioPayload scenario, runner::RunOptions options, MasterOptions master);
  ~MasterRunner();

  Result<void> bind();
  int port() const { return socket_.port(); }
  // Waits until expect_workers workers said hello; an error after expect_workers_max_wait, or when
  // stop() is called meanwhile.
  Result<void> wait_for_workers();

  // Runs the test to its end (run time, shape end, stop(), or every worker gone).
  void run(const std::function<void(const stats::Snapshot&)>& on_second);
  // Tells every worker to exit (headless runs end with their workers, as in Locust).
  void quit_workers();

  void stop() { stop_requested_.store(true); }
  void set_users(int users, double spawn_rate);
  void reset_stats() { reset_requested_.store(true); }
  // Open model (the shape's first target has an arrival rate): the fleet's total iterations per second,
  // shared over the workers like users and shared again when one joins or leaves; thread-safe.
  bool open_model() const { return open_model_.load(); }
  double arrival_rate() const { return arrival_rate_.load(); }
  void set_arrival_rate(double per_second) { pending_arrival_rate_.store(std::max(0.0, per_second)); }
  runner::RunState state() const { return state_.load(); }
  std::shared_ptr<const stats::Snapshot> snapshot() const;
  std::size_t worker_count() const { return worker_count_.load(); }
  std::size_t missing_workers() const { return workers_.missing_count(); }
  // The connected workers as the UI lists them (refreshed every heartbeat and on joins and leaves);
  // thread-safe.
  std::vector<runner::WorkerStatus> worker_statuses() const;
  // The workers that sent an error for the last run(), in order; read after run().
  const std::vector<FailedWorker>& failed_workers() const { return failed_; }

  // A master serving the web UI runs tests one after another (master_session.hpp). Between them, with no
  // run() going on: the next test's options, forgetting the last test's stop, and pump() keeps the
  // workers (hellos, heartbeats, missing ones), waiting at most `wait` for a message.
  void set_options(runner::RunOptions options) { options_ = std::move(options); }
  void rearm() { stop_requested_.store(false); }
  void pump(std::chrono::milliseconds wait);

 private:
  void handle(Message&& message, MonoTime now);
  void on_hello(const std::string& id, const Hello& hello, MonoTime now);
  void start_worker(WorkerInfo& worker, double arrival_share, std::map<std::string, int> fixed_counts);
  void rebalance();
  void log_fixed_shares(std::size_t workers) const;
  void heartbeat(MonoTime now);
  void follow_shape(MonoTime started, MonoTime now);
  void close_second();
  void stop_workers();
  void publish();
  void workers_changed();  // after a join, leave or heartbeat: counts and statuses for other threads

  ScenarioPayload scenario_;
  runner::RunOptions options_;
  MasterOptions master_;
  MasterSocket socket_;
  WorkerTable workers_;
  std::atomic<std::size_t> worker_count_{0};
  std::unique_ptr<stats::Aggregate> aggregate_;

  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> reset_requested_{false};
  std::mutex control_mutex_;
  std::optional<std::pair<int, double>> pending_target_;
  std::atomic<double> pending_arrival_rate_{-1.0};  // < 0: none

  std::atomic<runner::RunState> state_{runner::RunState::kReady};
  std::uint64_t test_id_ = 0;  // 0 until run()
  int target_users_ = 0;
  double spawn_rate_ = 1;
  std::atomic<bool> open_model_{false};
  std::atomic<double> arrival_rate_{0};
  std::optional<ShapeTarget> last_shape_target_;
  MonoTime last_heartbeat_{};

  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const stats::Snapshot> snapshot_;
  std::vector<runner::WorkerStatus> statuses_;  // guarded by snapshot_mutex_
  std::vector<FailedWorker> failed_;
};

}  // namespace cicada::distributed
