#include "webui/test_controller.hpp"

#include <utility>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "stats/aggregate.hpp"

namespace cicada::webui {

TestController::TestController(Scenario scenario, runner::RunOptions base, TestListener* listener,
                               runner::TestRunSource* source)
    : scenario_(std::move(scenario)),
      base_(std::move(base)),
      listener_(listener),
      source_(source != nullptr ? source : &local_source_) {
  info_.host = base_.host;
  info_.users = base_.users;
  info_.spawn_rate = base_.spawn_rate;
}

TestController::~TestController() {
  std::lock_guard life(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (runner_) runner_->stop();
  }
  if (test_thread_.joinable()) test_thread_.join();
}

std::shared_ptr<const stats::Snapshot> TestController::empty_snapshot() {
  const double now = unix_seconds_now_f();
  return std::make_shared<const stats::Snapshot>(stats::Aggregate(now).snapshot(now));
}

Result<void> TestController::swarm(const SwarmRequest& request) {
  std::lock_guard life(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (running_ && runner_) {
      runner_->set_users(request.users, request.spawn_rate);
      info_.users = request.users;
      info_.spawn_rate = request.spawn_rate;
      return {};
    }
  }
  if (test_thread_.joinable()) test_thread_.join();  // the previous test has ended; reap its thread

  runner::RunOptions options = base_;
  options.users = request.users;
  options.spawn_rate = request.spawn_rate;
  if (!request.host.empty()) options.host = request.host;
  options.run_time = request.run_time;
  options.reset_stats = base_.reset_stats;
  auto made = source_->make(scenario_, options);
  if (!made) return made.error();
  std::shared_ptr<runner::TestRun> next = std::move(*made);
  log::info("Starting a test from the web UI: {} users at {:.2f}/s, host {}", options.users,
            options.spawn_rate, options.host);
  {
    std::lock_guard lock(mutex_);
    runner_ = next;
    running_ = true;
    cleared_ = false;
    info_ =
        TestInfo{options.host, options.users, options.spawn_rate, options.run_time, unix_seconds_now_f(), 0};
  }
  if (listener_ != nullptr) listener_->on_test_start(next->described_by());
  test_thread_ = std::thread([this, next] { run_test(next); });
  return {};
}

void TestController::run_test(std::shared_ptr<runner::TestRun> runner) {
  runner->run([this](const stats::Snapshot& snap) {
    if (listener_ != nullptr) listener_->on_second(snap);
  });
  TestInfo info;
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    info_.end_unix_s = unix_seconds_now_f();
    info = info_;
  }
  log::info("Test stopped");
  if (listener_ != nullptr) listener_->on_test_end(*runner->snapshot(), info);
  idle_cv_.notify_all();
}

void TestController::stop() {
  std::lock_guard lock(mutex_);
  if (running_ && runner_) runner_->stop();
}

void TestController::reset_stats() {
  std::lock_guard lock(mutex_);
  if (running_ && runner_) {
    runner_->reset_stats();
  } else {
    cleared_ = true;
  }
}

runner::RunState TestController::state() const {
  std::lock_guard lock(mutex_);
  if (!runner_) return runner::RunState::kReady;
  const auto s = runner_->state();
  // Between swarm() and the test thread entering run(), the new runner still says ready.
  if (running_ && s == runner::RunState::kReady) return runner::RunState::kSpawning;
  if (!running_) return runner::RunState::kStopped;
  return s;
}

bool TestController::started() const {
  std::lock_guard lock(mutex_);
  return runner_ != nullptr;
}

std::shared_ptr<const stats::Snapshot> TestController::snapshot() const {
  std::shared_ptr<runner::TestRun> runner;
  {
    std::lock_guard lock(mutex_);
    if (!cleared_) runner = runner_;
  }
  std::shared_ptr<const stats::Snapshot> snap = runner ? runner->snapshot() : nullptr;
  return snap ? snap : empty_snapshot();
}

TestInfo TestController::info() const {
  std::lock_guard lock(mutex_);
  return info_;
}

bool TestController::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, timeout, [&] { return !running_; });
}

}  // namespace cicada::webui
