#include "distributed/master_session.hpp"

#include <atomic>

namespace cicada::distributed {
namespace {

using namespace std::chrono_literals;

// How long the pump waits for a message before it lets a starting test take the socket.
constexpr auto kPumpWait = 50ms;

// One test of the fleet, as the web layer drives it.
class MasterTestRun final : public runner::TestRun {
 public:
  MasterTestRun(MasterSession& session, MasterRunner& master, std::unique_ptr<runner::LocalRunner> stand_in)
      : session_(session), master_(master), stand_in_(std::move(stand_in)), options_(stand_in_->options()) {
    options_.seed = stand_in_->seed();  // the seed observers report is the one the workers derive theirs from
  }

  void run(const std::function<void(const stats::Snapshot&)>& on_second) override {
    begun_.store(true);
    session_.run_test(options_, on_second);
  }
  void stop() override { master_.stop(); }
  void set_users(int users, double spawn_rate) override { master_.set_users(users, spawn_rate); }
  void reset_stats() override { master_.reset_stats(); }
  // Until run() begins, the master still shows the previous test: this one is ready, with no stats.
  runner::RunState state() const override {
    return begun_.load() ? master_.state() : runner::RunState::kReady;
  }
  std::shared_ptr<const stats::Snapshot> snapshot() const override {
    return begun_.load() ? master_.snapshot() : nullptr;
  }
  bool open_model() const override { return master_.open_model(); }
  double arrival_rate() const override { return master_.arrival_rate(); }
  void set_arrival_rate(double per_second) override { master_.set_arrival_rate(per_second); }
  runner::LocalRunner& described_by() override { return *stand_in_; }

 private:
  MasterSession& session_;
  MasterRunner& master_;
  std::unique_ptr<runner::LocalRunner> stand_in_;
  runner::RunOptions options_;
  std::atomic<bool> begun_{false};
};

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

Result<std::shared_ptr<runner::TestRun>> MasterSession::make(const Scenario& scenario,
                                                             const runner::RunOptions& options) {
  if (master_.worker_count() == 0)
    return make_error("no worker is connected yet: start workers with cicada --worker --master-host HOST");
  runner::RunOptions ro = options;
  if (!ro.shape) ro.shape = scenario.shape;  // the master follows a C++ scenario's shape for the fleet
  auto stand_in = std::make_unique<runner::LocalRunner>(scenario, ro);
  if (auto r = stand_in->prepare(); !r) return r.error();
  master_.rearm();  // a stop() from now on is this test's
  return std::shared_ptr<runner::TestRun>(
      std::make_shared<MasterTestRun>(*this, master_, std::move(stand_in)));
}

void MasterSession::run_test(const runner::RunOptions& options,
                             const std::function<void(const stats::Snapshot&)>& on_second) {
  {
    std::unique_lock lock(mutex_);
    test_running_ = true;
    cv_.wait(lock, [&] { return !pumping_; });
  }
  master_.set_options(options);
  master_.run(on_second);
  {
    std::lock_guard lock(mutex_);
    test_running_ = false;
  }
  cv_.notify_all();
}

}  // namespace cicada::distributed
