#pragma once
// MasterSession: a master that serves the web UI. Its workers stay connected between tests (a thread
// pumps heartbeats and hellos while no test runs), and each test the UI starts is a TestRun on the same
// MasterRunner, so the web layer drives a fleet exactly as it drives a LocalRunner (runner/test_run.hpp).
//
// The master's ZeroMQ socket belongs to one thread at a time: the pump thread between tests, the test's
// thread during run(). A test takes the socket over by pausing the pump (under mutex_, which also
// publishes the socket's state to the other thread) and hands it back when it ends.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "distributed/master_runner.hpp"
#include "runner/test_run.hpp"

namespace cicada::distributed {

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

  // A test of the fleet; an error when no worker is connected, or when the options cannot run here
  // (checked on a stand-in LocalRunner, which also describes the test to observers).
  Result<std::shared_ptr<runner::TestRun>> make(const Scenario& scenario,
                                                const runner::RunOptions& options) override;
  std::optional<std::vector<runner::WorkerStatus>> workers() const override {
    return master_.worker_statuses();
  }

  // Runs one test with the socket taken from the pump (MasterTestRun::run).
  void run_test(const runner::RunOptions& options,
                const std::function<void(const stats::Snapshot&)>& on_second);

 private:
  void pump_loop();

  MasterRunner& master_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool test_running_ = false;  // the test's thread owns (or wants) the socket
  bool pumping_ = false;       // the pump thread is using the socket
  bool stopping_ = false;
  std::thread pump_;
};

}  // namespace cicada::distributed
