#include "distributed/master_session.hpp"

#include <atomic>
#include <random>

namespace cicada::distributed {
namespace {

using namespace std::chrono_literals;

// How long the pump waits for a message before it lets a starting test take the socket.
constexpr auto kPumpWait = 50ms;

// The user types the test runs, as chosen for it (its description's scenario) and dealt to the workers.
TypePlan test_types(const runner::RunDescription& test) {
  return type_plan_of(test.scenario, test.options.tags, test.options.exclude_tags);
}

}  // namespace

MasterSession::MasterSession(MasterRunner& master) : master_(master) {}

MasterSession::~MasterSession() { stop(); }

void MasterSession::start() {
  pump_ = std::thread([this] { pump_loop(); });
}

void MasterSession::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (pump_.joinable()) pump_.join();
}

void MasterSession::pump_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [&] { return !test_running_ || stopping_; });
    if (stopping_) return;
    pumping_ = true;
    lock.unlock();
    master_.pump(kPumpWait);  // a starting test waits at most kPumpWait for the socket
    lock.lock();
    pumping_ = false;
    cv_.notify_all();
  }
}

void MasterTestRun::run(const std::function<void(const stats::Snapshot&)>& on_second) {
  begun_.store(true);
  if (session_ != nullptr) return session_->run_test(description_, on_second);
  master_.set_options(description_.options);
  master_.set_types(test_types(description_));
  master_.run(on_second);
}

Result<runner::RunDescription> describe_fleet_test(Scenario scenario, const runner::RunOptions& options) {
  if (auto r = runner::check_runnable(scenario, options); !r) return r.error();
  const std::uint64_t seed = options.seed ? options.seed : (std::random_device{}() | 1);
  return runner::describe_run(std::move(scenario), options, seed);
}

Result<void> MasterSession::check_fleet(const runner::RunOptions& options) const {
  if (master_.worker_count() == 0)
    return make_error("no worker is connected yet: start workers with cicada --worker --master-host HOST");
  return master_.check_workers(options);
}

Result<void> MasterSession::check(const Scenario& scenario, const runner::RunOptions& options) const {
  if (auto r = check_fleet(options); !r) return r;
  return TestRunSource::check(scenario, options);  // check_runnable, as a local source checks
}

Result<std::shared_ptr<runner::TestRun>> MasterSession::make(const Scenario& scenario,
                                                             const runner::RunOptions& options) {
  if (auto r = check_fleet(options); !r) return r.error();
  auto description = describe_fleet_test(scenario, options);  // check_runnable first
  if (!description) return description.error();
  master_.rearm();  // a stop() from now on is this test's
  return std::shared_ptr<runner::TestRun>(
      std::make_shared<MasterTestRun>(master_, std::move(*description), this));
}

void MasterSession::run_test(const runner::RunDescription& test,
                             const std::function<void(const stats::Snapshot&)>& on_second) {
  {
    std::unique_lock lock(mutex_);
    test_running_ = true;
    cv_.wait(lock, [&] { return !pumping_; });
  }
  master_.set_options(test.options);
  master_.set_types(test_types(test));
  master_.run(on_second);
  {
    std::lock_guard lock(mutex_);
    test_running_ = false;
  }
  cv_.notify_all();
}

}  // namespace cicada::distributed
