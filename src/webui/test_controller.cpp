#include "webui/test_controller.hpp"

#include <fmt/format.h>

#include <utility>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "runner/load_description.hpp"
#include "runner/stages.hpp"
#include "stats/aggregate.hpp"

namespace cicada::webui {
std::string_view to_string(LoadMode mode) {
  switch (mode) {
    case LoadMode::kUsers:
      return "users";
    case LoadMode::kArrivalRate:
      return "arrival_rate";
    case LoadMode::kStages:
      return "stages";
    case LoadMode::kShape:
      return "shape";
  }
  return "users";
}

TestController::TestController(Scenario scenario, runner::RunOptions base, TestListener* listener,
                               runner::TestRunSource* source)
    : scenario_(std::move(scenario)),
      base_(std::move(base)),
      listener_(listener),
      source_(source != nullptr ? source : &local_source_) {
  info_.host = base_.host;
  info_.users = base_.users;
  info_.spawn_rate = base_.spawn_rate;
  info_.max_inflight = base_.max_inflight;
  if (shape_controlled()) info_.load_mode = LoadMode::kShape;
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

// A running test takes new users (closed model) or a new arrival rate (open model); its shape, if any,
// takes over again at its next stage.
Result<void> TestController::retarget(const SwarmRequest& request) {
  if (!request.stages.empty()) return make_error("a test is running: stop it before starting new stages");
  if (runner_->open_model()) {
    if (!request.arrival_rate) return make_error("this test runs an arrival rate: give arrival_rate");
    if (request.poisson_arrivals && *request.poisson_arrivals != info_.load.poisson_arrivals)
      return make_error("the arrival distribution is fixed for a running test: stop it to change it");
    runner_->set_arrival_rate(*request.arrival_rate);
    info_.load.arrival_rate = *request.arrival_rate;
    return {};
  }
  if (request.arrival_rate) return make_error("this test runs users: stop it to start an arrival rate");
  runner_->set_users(request.users, request.spawn_rate);
  info_.users = request.users;
  info_.spawn_rate = request.spawn_rate;
  info_.load.users = request.users;
  info_.load.spawn_rate = request.spawn_rate;
  return {};
}

// What drives a new test, for the reports: the configured shape as the app described it, or the
// request's stages, arrival rate or users.
report::RunLoad TestController::load_of(LoadMode mode, const SwarmRequest& request,
                                        const runner::RunOptions& options) const {
  report::RunLoad load = mode == LoadMode::kShape ? base_load_ : report::RunLoad{};
  load.users = options.users;
  load.spawn_rate = options.spawn_rate;
  if (mode == LoadMode::kStages) {
    load.mode = "stages";
    load.stages = request.stages;
    if (runner::opens_with_arrival_rate(options.shape)) load.max_inflight = options.max_inflight;
  } else if (mode == LoadMode::kArrivalRate) {
    load.mode = "arrival_rate";
    load.arrival_rate = *request.arrival_rate;
    load.max_inflight = options.max_inflight;
  }
  // The form's arrival distribution, or the command line's --arrival-distribution.
  load.poisson_arrivals = load.max_inflight > 0 && options.poisson_arrivals;
  return load;
}

// The load of a new test (choose_load) and its arrival distribution.
Result<LoadMode> TestController::apply_load(const SwarmRequest& request, runner::RunOptions& options) const {
  auto mode = choose_load(request, options);
  if (!mode) return mode;
  if (runner::opens_with_arrival_rate(options.shape ? options.shape : scenario_.shape)) {
    if (request.poisson_arrivals) options.poisson_arrivals = *request.poisson_arrivals;
    return mode;
  }
  // Users have no arrivals. Asking for Poisson ones is refused, as the command line refuses it; the form's
  // echo of the command line's default is not a request, and is dropped with it (else the history and an
  // older worker would be told of an option this test does not use).
  if (request.poisson_arrivals.value_or(false) && !base_.poisson_arrivals)
    return make_error("arrival_distribution poisson is for the open model: an arrival rate or rate stages");
  options.poisson_arrivals = false;
  return mode;
}

// The load of a new test: the configured shape, or the request's stages, arrival rate or users.
Result<LoadMode> TestController::choose_load(const SwarmRequest& request, runner::RunOptions& options) const {
  if (request.max_inflight) options.max_inflight = *request.max_inflight;
  if (shape_controlled()) {
    if (!request.stages.empty() || request.arrival_rate)
      return make_error(
          "the load shape is set by the scenario or the command line; stages and "
          "arrival_rate cannot replace it");
    return LoadMode::kShape;
  }
  if (!request.stages.empty() && request.arrival_rate)
    return make_error("give stages or arrival_rate, not both (rates go in stages as 30s:200/s)");
  if (!request.stages.empty()) {
    auto stages = runner::parse_stages(request.stages);
    if (!stages) return make_error("stages: " + stages.error().message);
    options.shape = runner::stages_shape(std::move(*stages), request.spawn_rate);
    return LoadMode::kStages;
  }
  if (request.arrival_rate) {
    options.shape = runner::constant_rate_shape(*request.arrival_rate);
    return LoadMode::kArrivalRate;
  }
  return LoadMode::kUsers;
}

Result<void> TestController::swarm(const SwarmRequest& request) {
  std::lock_guard life(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (running_ && runner_ && !stop_requested_) return retarget(request);
  }
  // The previous test has ended, or was asked to and ends within its stop timeout: reap its thread.
  if (test_thread_.joinable()) test_thread_.join();

  runner::RunOptions options = base_;
  options.users = request.users;
  options.spawn_rate = request.spawn_rate;
  if (!request.host.empty()) options.host = request.host;
  options.run_time = request.run_time;
  options.reset_stats = base_.reset_stats;
  auto mode = apply_load(request, options);
  if (!mode) return make_error(mode.error().message);
  auto made = source_->make(scenario_, options);
  if (!made) return made.error();
  std::shared_ptr<runner::TestRun> next = std::move(*made);
  log::info("Starting a test from the web UI: {}, host {}",
            *mode == LoadMode::kUsers ? fmt::format("{} users at {:.2f}/s", options.users, options.spawn_rate)
                                      : std::string(to_string(*mode)),
            options.host);
  {
    std::lock_guard lock(mutex_);
    runner_ = next;
    running_ = true;
    stop_requested_ = false;
    cleared_ = false;
    info_ = TestInfo{options.host,
                     options.users,
                     options.spawn_rate,
                     options.run_time,
                     *mode,
                     request.stages,
                     options.max_inflight,
                     unix_seconds_now_f(),
                     0,
                     load_of(*mode, request, options)};
  }
  if (listener_ != nullptr) listener_->on_test_start(next->description());
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
  if (!running_ || !runner_) return;
  stop_requested_ = true;
  runner_->stop();
}

void TestController::stop_now() {
  std::lock_guard lock(mutex_);
  if (!running_ || !runner_) return;
  stop_requested_ = true;
  runner_->stop_now();
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
  if (!running_) return runner::RunState::kStopped;
  // Asked to stop: stopping from the answer on, though the runner's own state may lag a moment.
  if (stop_requested_) return runner::RunState::kStopping;
  if (s == runner::RunState::kReady) return runner::RunState::kSpawning;
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

std::string TestController::shape_description() const {
  runner::RunOptions options = base_;
  if (!options.shape) options.shape = scenario_.shape;
  return options.shape ? runner::describe_load(options) : "";
}

bool TestController::shape_open_model() const {
  return runner::opens_with_arrival_rate(base_.shape ? base_.shape : scenario_.shape);
}

std::optional<double> TestController::arrival_rate() const {
  std::lock_guard lock(mutex_);
  if (!runner_ || !runner_->open_model()) return std::nullopt;
  return runner_->arrival_rate();
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
