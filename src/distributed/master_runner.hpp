#pragma once
// MasterRunner: runs load tests on remote workers (Locust's MasterRunner): the one control loop
// (runner/run_control.hpp) with the fleet of workers as its backend (fleet_backend.hpp). The console,
// CSV, history and threshold observers see a distributed run exactly as a local one.
// Everything happens on the thread that calls run(), except stop(), set_users(), set_arrival_rate(),
// set_max_inflight(), stop_after() and reset_stats(), which any thread may call.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "distributed/fleet_backend.hpp"
#include "runner/run_control.hpp"

namespace cicada::distributed {

class MasterRunner {
 public:
  MasterRunner(ScenarioPayload scenario, runner::RunOptions options, MasterOptions master);
  ~MasterRunner();

  Result<void> bind() { return fleet_.bind(); }
  int port() const { return fleet_.port(); }
  // Waits until expect_workers workers said hello; an error after expect_workers_max_wait, or when
  // stop() is called meanwhile.
  Result<void> wait_for_workers() { return fleet_.wait_for_workers(stop_requested_); }

  // Runs the test to its end (run time, shape end, stop(), or every worker gone).
  void run(const std::function<void(const stats::Snapshot&)>& on_second);
  // Tells every worker to exit (headless runs end with their workers, as in Locust).
  void quit_workers() { fleet_.quit_workers(); }

  void stop() {
    stop_requested_.store(true);
    control_.stop();
  }
  // stop() without waiting for the workers' --stop-timeout (a second Ctrl-C).
  void stop_now() {
    stop_requested_.store(true);
    control_.stop_now();
  }
  void set_users(int users, double spawn_rate) { control_.set_users(users, spawn_rate); }
  void stop_after(std::chrono::microseconds from_now) { control_.stop_after(from_now); }
  void reset_stats() { control_.reset_stats(); }
  // Open model (the shape's first target has an arrival rate): the fleet's total iterations per second,
  // shared over the workers like users and shared again when one joins or leaves; thread-safe.
  bool open_model() const { return control_.open_model(); }
  double arrival_rate() const { return control_.arrival_rate(); }
  std::optional<int> target_users() const { return control_.target_users(); }
  std::optional<int> live_users() const { return control_.live_users(); }  // the workers' last reports
  void set_arrival_rate(double per_second) { control_.set_arrival_rate(per_second); }
  void set_max_inflight(std::size_t total) { control_.set_max_inflight(total); }
  runner::RunState state() const { return control_.state(); }
  const char* ended_by() const { return control_.ended_by(); }  // runner::RunControl::ended_by
  std::shared_ptr<const stats::Snapshot> snapshot() const { return control_.snapshot(); }
  std::size_t worker_count() const { return fleet_.worker_count(); }
  std::size_t missing_workers() const { return fleet_.missing_workers(); }
  std::vector<runner::WorkerStatus> worker_statuses() const { return fleet_.worker_statuses(); }
  // The workers that sent an error for the last run(), in order; read after run().
  const std::vector<FailedWorker>& failed_workers() const { return fleet_.failed_workers(); }
  // ok, or why a test with `options` must not start: a connected worker would ignore an option it sets
  // (an older cicada; worker_option_support.hpp). Asked before run(); thread-safe.
  Result<void> check_workers(const runner::RunOptions& options) const {
    return fleet_.check_workers(options);
  }

  // A master serving the web UI runs tests one after another (master_session.hpp). Between them, with no
  // run() going on: the next test's options, forgetting the last test's stop, and pump() keeps the
  // workers (hellos, heartbeats, missing ones), waiting at most `wait` for a message.
  void set_options(runner::RunOptions options) { options_ = std::move(options); }
  // The next test's user types (FleetBackend::set_types), with its options.
  void set_types(TypePlan types) { fleet_.set_types(std::move(types)); }
  void rearm() {
    stop_requested_.store(false);
    control_.rearm();
  }
  void pump(std::chrono::milliseconds wait) { fleet_.pump(wait); }

 private:
  runner::RunOptions options_;
  std::atomic<bool> stop_requested_{false};  // also before run(): while waiting for workers
  FleetBackend fleet_;
  runner::RunControl control_{fleet_};
};

}  // namespace cicada::distributed
