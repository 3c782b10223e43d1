#pragma once
// MasterSession: a master that serves the web UI. Its workers stay connected between tests (a thread
// pumps heartbeats and hellos while no test runs), and each test the UI starts is a TestRun on the same
// MasterRunner, so the web layer drives a fleet exactly as it drives a LocalRunner (runner/test_run.hpp).
//
// The master's ZeroMQ socket belongs to one thread at a time: the pump thread between tests, the test's
// thread during run(). A test takes the socket over by pausing the pump (under mutex_, which also
// publishes the socket's state to the other thread) and hands it back when it ends.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "distributed/master_runner.hpp"
#include "runner/run_description.hpp"
#include "runner/test_run.hpp"

namespace cicada::distributed {

class MasterSession;

// One test of the fleet as a front end drives it: the master's run, with its socket taken from the
// session's pump when there is one (the web UI), or the master's alone (headless).
class MasterTestRun final : public runner::TestRun {
 public:
  MasterTestRun(MasterRunner& master, runner::RunDescription description, MasterSession* session = nullptr)
      : master_(master), session_(session), description_(std::move(description)) {}

  void run(const std::function<void(const stats::Snapshot&)>& on_second) override;
  void stop() override { master_.stop(); }
  void stop_now() override { master_.stop_now(); }
  void set_users(int users, double spawn_rate) override { master_.set_users(users, spawn_rate); }
  void stop_after(std::chrono::microseconds from_now) override { master_.stop_after(from_now); }
  void reset_stats() override { master_.reset_stats(); }
  // Until run() begins, the master still shows the previous test: this one is ready, with no stats.
  runner::RunState state() const override {
    return begun_.load() ? master_.state() : runner::RunState::kReady;
  }
  std::shared_ptr<const stats::Snapshot> snapshot() const override {
    return begun_.load() ? master_.snapshot() : nullptr;
  }
  const char* ended_by() const override { return master_.ended_by(); }
  bool open_model() const override { return master_.open_model(); }
  double arrival_rate() const override { return master_.arrival_rate(); }
  void set_arrival_rate(double per_second) override { master_.set_arrival_rate(per_second); }
  void set_max_inflight(std::size_t total) override { master_.set_max_inflight(total); }
  // Until run() begins, the master still has the previous test's target.
  std::optional<int> ramp_target() const override {
    return begun_.load() ? master_.target_users() : std::nullopt;
  }
  std::optional<int> live_users() const override {
    return begun_.load() ? master_.live_users() : std::nullopt;
  }
  const runner::RunDescription& description() const override { return description_; }

 private:
  MasterRunner& master_;
  MasterSession* session_;
  runner::RunDescription description_;
  std::atomic<bool> begun_{false};
};

// The description of a fleet test of `scenario` with `options`, or why it cannot run (tags, hosts). The
// seed is chosen here when none was given: the one observers report is the one workers derive theirs from.
Result<runner::RunDescription> describe_fleet_test(Scenario scenario, const runner::RunOptions& options);

class MasterSession final : public runner::TestRunSource {
 public:
  // master must be bound, and outlive the session.
  explicit MasterSession(MasterRunner& master);
  ~MasterSession() override;  // stops the pump (call quit_workers on the master afterwards)
  MasterSession(const MasterSession&) = delete;
  MasterSession& operator=(const MasterSession&) = delete;

  // Starts the pump thread.
  void start();
  // Stops the pump thread; the socket is the caller's again (to quit the workers). Idempotent.
  void stop();

  // A test of the fleet; an error when no worker is connected, when one would ignore an option the test
  // sets (MasterRunner::check_workers), or when the options cannot run (runner::check_runnable: tags, hosts).
  Result<std::shared_ptr<runner::TestRun>> make(const Scenario& scenario,
                                                const runner::RunOptions& options) override;
  // What make() checks before it makes the run (workers connected, options they know, check_runnable).
  Result<void> check(const Scenario& scenario, const runner::RunOptions& options) const override;
  std::optional<std::vector<runner::WorkerStatus>> workers() const override {
    return master_.worker_statuses();
  }

  // Runs one test with the socket taken from the pump (MasterTestRun::run).
  void run_test(const runner::RunDescription& test,
                const std::function<void(const stats::Snapshot&)>& on_second);

 private:
  void pump_loop();
  // The fleet's part of check(): workers connected, and every one knows the options.
  Result<void> check_fleet(const runner::RunOptions& options) const;

  MasterRunner& master_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool test_running_ = false;  // the test's thread owns (or wants) the socket
  bool pumping_ = false;       // the pump thread is using the socket
  bool stopping_ = false;
  std::thread pump_;
};

}  // namespace cicada::distributed
