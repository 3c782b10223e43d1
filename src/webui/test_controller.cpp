#include "webui/test_controller.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "runner/equal_weights.hpp"
#include "runner/load_description.hpp"
#include "runner/stages.hpp"
#include "runner/tag_filter.hpp"
#include "runner/user_type_filter.hpp"
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
  auto first = test_scenario(SwarmRequest{});  // what a start with no choice runs
  current_ = std::make_shared<const Scenario>(first ? std::move(*first) : scenario_);
}

void TestController::enable_class_picker() {
  picker_ = true;
  std::lock_guard lock(mutex_);
  current_ = std::make_shared<const Scenario>(*test_scenario(SwarmRequest{}));
  if (!runs_shape(SwarmRequest{}) && info_.load_mode == LoadMode::kShape) info_.load_mode = LoadMode::kUsers;
}

std::vector<std::string> TestController::available_user_classes() const {
  std::vector<std::string> names;
  for (const auto& t : scenario_.user_types) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  return names;
}

std::string TestController::scenario_shape_name() const {
  return scenario_.shape_name.empty() ? kDefaultShapeName : scenario_.shape_name;
}

std::vector<std::string> TestController::available_shape_classes() const {
  std::vector<std::string> names{"Default"};
  // A shape from the command line (or YAML stages) runs whatever is picked: the scenario's is not offered.
  if (scenario_.shape && !base_.shape) names.push_back(scenario_shape_name());
  return names;
}

bool TestController::runs_shape(const SwarmRequest& request) const {
  if (base_.shape) return true;
  if (!scenario_.shape) return false;
  if (!picker_) return true;
  return request.shape_class && *request.shape_class != "Default" &&
         *request.shape_class == scenario_shape_name();
}

Result<void> TestController::check_picks(const SwarmRequest& request) const {
  if (!picker_) {
    // Locust ignores them without its picker; a test would then run every class, so a pick is refused.
    if (!request.user_classes.empty() || (request.shape_class && *request.shape_class != "Default"))
      return make_error("user_classes and shape_class pick what a test runs only with --class-picker");
    return {};
  }
  const auto shapes = available_shape_classes();
  if (request.shape_class && std::find(shapes.begin(), shapes.end(), *request.shape_class) == shapes.end()) {
    std::string known;
    for (const auto& name : shapes) known += (known.empty() ? "" : ", ") + name;
    return make_error(
        fmt::format("shape_class {}: the scenario's shape classes are {}", *request.shape_class, known));
  }
  Scenario copy = scenario_;
  return runner::keep_user_types(copy, request.user_classes);
}

// The user types and shape a new test runs: the scenario's, or with --class-picker the request's picks
// (no class picked: all of them, as Locust's).
Result<Scenario> TestController::test_scenario(const SwarmRequest& request) const {
  // The picks were checked already (swarm() calls check_picks first; a start with no choice has none).
  Scenario test = scenario_;
  // As the run weighs them (check_runnable does it again), for the task ratios of /tasks too.
  if (base_.equal_weights) runner::assign_equal_weights(test);
  if (!picker_) return test;
  if (!runs_shape(request) || base_.shape) test.shape = {};  // a command line's shape runs on its own
  if (auto r = runner::keep_user_types(test, request.user_classes); !r) return r.error();
  return test;
}

std::string TestController::shape_class_of(const Scenario& test) const {
  return picker_ && test.shape ? scenario_shape_name() : "Default";
}

std::vector<std::string> TestController::StartPlan::type_names() const {
  // The types that run: the tag filter drops a type left with no task (the run applies it likewise).
  Scenario runnable = scenario;
  (void)runner::apply_tag_filter(runnable, options.tags, options.exclude_tags);
  std::vector<std::string> names;
  for (const auto& t : runnable.user_types) names.push_back(t.name);
  return names;
}

std::shared_ptr<const Scenario> TestController::scenario() const {
  std::lock_guard lock(mutex_);
  return current_;
}

TestController::~TestController() {
  std::lock_guard life(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    cancel_queued();
    if (runner_) runner_->stop();
  }
  if (test_thread_.joinable()) test_thread_.join();
}

std::shared_ptr<const stats::Snapshot> TestController::empty_snapshot() {
  const double now = unix_seconds_now_f();
  return std::make_shared<const stats::Snapshot>(stats::Aggregate(now).snapshot(now));
}

// A running test takes new users (closed model) or a new arrival rate (open model), and a run time from
// now; its shape, if any, takes over again at its next stage. Every check comes before any change.
Result<SwarmResult> TestController::retarget(const SwarmRequest& request) {
  if (!request.host.empty() && request.host != info_.host)
    return make_error(fmt::format(
        "the host of a running test cannot change (its users are connected to {}): stop the test, then "
        "start a new one with the other host",
        info_.host));
  if (!request.stages.empty()) return make_error("a test is running: stop it before starting new stages");
  // The class picker's choices are the test's: Locust's form sends them again with an edit, unchanged.
  if (!request.user_classes.empty()) {
    auto asked = request.user_classes, running = info_.user_classes;
    std::sort(asked.begin(), asked.end());
    std::sort(running.begin(), running.end());
    asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
    if (asked != running)
      return make_error("the user classes of a running test cannot change: stop it, then start a new one");
  }
  if (request.shape_class && *request.shape_class != info_.shape_class)
    return make_error("the shape class of a running test cannot change: stop it, then start a new one");
  if (runner_->open_model()) {
    if (!request.arrival_rate) return make_error("this test runs an arrival rate: give arrival_rate");
    if (request.poisson_arrivals && *request.poisson_arrivals != info_.load.poisson_arrivals)
      return make_error("the arrival distribution is fixed for a running test: stop it to change it");
    runner_->set_arrival_rate(*request.arrival_rate);
    info_.load.arrival_rate = *request.arrival_rate;
  } else {
    if (request.arrival_rate) return make_error("this test runs users: stop it to start an arrival rate");
    runner_->set_users(request.users, request.spawn_rate);
    info_.users = request.users;
    info_.spawn_rate = request.spawn_rate;
    info_.load.users = request.users;
    info_.load.spawn_rate = request.spawn_rate;
  }
  if (request.run_time) {
    runner_->stop_after(*request.run_time);
    // The reports' run time: from the test's start to its new end.
    const double elapsed_s = std::max(0.0, unix_seconds_now_f() - info_.start_unix_s);
    info_.run_time =
        *request.run_time + std::chrono::microseconds(static_cast<std::int64_t>(elapsed_s * 1e6));
  }
  return SwarmResult{SwarmOutcome::kRetargeted, info_.host, info_.load_mode, info_.user_classes};
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
Result<LoadMode> TestController::apply_load(const SwarmRequest& request, const Scenario& test,
                                            runner::RunOptions& options) const {
  auto mode = choose_load(request, test, options);
  if (!mode) return mode;
  if (runner::opens_with_arrival_rate(options.shape ? options.shape : test.shape)) {
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
Result<LoadMode> TestController::choose_load(const SwarmRequest& request, const Scenario& test,
                                             runner::RunOptions& options) const {
  if (request.max_inflight) options.max_inflight = *request.max_inflight;
  if (base_.shape || test.shape) {
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

// A new test's options and load, checked as its source will check them: nothing is made yet.
Result<TestController::StartPlan> TestController::plan_start(const SwarmRequest& request) const {
  auto test = test_scenario(request);
  if (!test) return test.error();
  StartPlan plan{std::move(*test), request, base_, LoadMode::kUsers};
  runner::RunOptions& options = plan.options;
  options.users = request.users;
  options.spawn_rate = request.spawn_rate;
  if (!request.host.empty()) options.host = request.host;
  options.run_time = request.run_time;
  auto mode = apply_load(request, plan.scenario, options);
  if (!mode) return make_error(mode.error().message);
  plan.mode = *mode;
  if (auto r = source_->check(plan.scenario, options); !r) return r.error();
  return plan;
}

// The new test becomes the current one (mutex_ held): fresh stats, its settings for the reports.
void TestController::install(std::shared_ptr<runner::TestRun> next, const StartPlan& plan) {
  const runner::RunOptions& options = plan.options;
  log::info("Starting a test from the web UI: {}, host {}",
            plan.mode == LoadMode::kUsers
                ? fmt::format("{} users at {:.2f}/s", options.users, options.spawn_rate)
                : std::string(to_string(plan.mode)),
            options.host);
  runner_ = std::move(next);
  running_ = true;
  stop_requested_ = false;
  cleared_ = false;
  ++test_id_;
  info_ = TestInfo{options.host,
                   options.users,
                   options.spawn_rate,
                   options.run_time,
                   plan.mode,
                   plan.request.stages,
                   options.max_inflight,
                   unix_seconds_now_f(),
                   0,
                   load_of(plan.mode, plan.request, options),
                   plan.type_names(),
                   shape_class_of(plan.scenario)};
  current_ = std::make_shared<const Scenario>(plan.scenario);
}

bool TestController::stopping() const {
  if (stop_requested_) return true;
  const auto s = runner_->state();
  return s == runner::RunState::kStopping || s == runner::RunState::kStopped;
}

Result<SwarmResult> TestController::swarm(const SwarmRequest& request) {
  if (auto r = check_picks(request); !r) return r.error();
  std::lock_guard life(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (running_ && runner_ && !stopping()) return retarget(request);
  }
  auto plan = plan_start(request);
  if (!plan) return plan.error();
  {
    std::lock_guard lock(mutex_);
    if (running_) {
      // Still stopping (within its --stop-timeout): the test thread starts this test when the stop is
      // done. Waiting here held the web server's only thread, and every page with it.
      queued_ = std::move(*plan);
      ++queue_ticket_;
      log::info("A new test starts once the previous one has stopped");
      return SwarmResult{SwarmOutcome::kQueued, queued_->options.host, queued_->mode, queued_->type_names()};
    }
  }
  // The previous test's thread has nothing left to do: reap it.
  if (test_thread_.joinable()) test_thread_.join();
  auto made = source_->make(plan->scenario, plan->options);
  if (!made) return made.error();
  std::shared_ptr<runner::TestRun> next = std::move(*made);
  {
    std::lock_guard lock(mutex_);
    install(next, *plan);
  }
  if (listener_ != nullptr) listener_->on_test_start(next->description());
  test_thread_ = std::thread([this, next] { run_tests(next); });
  return SwarmResult{SwarmOutcome::kStarted, plan->options.host, plan->mode, plan->type_names()};
}

void TestController::run_tests(std::shared_ptr<runner::TestRun> runner) {
  while (runner) {
    runner->run([this](const stats::Snapshot& snap) {
      if (listener_ != nullptr) listener_->on_second(snap);
    });
    end_test(*runner);
    runner = next_test();
  }
}

void TestController::end_test(runner::TestRun& runner) {
  TestInfo info;
  {
    std::lock_guard lock(mutex_);
    info_.end_unix_s = unix_seconds_now_f();
    info = info_;
  }
  log::info("Test stopped");
  if (listener_ != nullptr) listener_->on_test_end(*runner.snapshot(), info);
}

std::shared_ptr<runner::TestRun> TestController::next_test() {
  for (;;) {
    std::optional<StartPlan> plan;
    std::uint64_t ticket = 0;
    {
      std::lock_guard lock(mutex_);
      if (!queued_) {
        running_ = false;
        idle_cv_.notify_all();
        return nullptr;
      }
      plan = std::move(queued_);
      queued_.reset();
      ticket = queue_ticket_;
    }
    auto made = source_->make(plan->scenario, plan->options);
    if (!made) {
      // Checked when it was asked for; what changed since (a master's workers gone) is logged.
      log::error("The test asked for while the previous one stopped cannot start: {}", made.error().message);
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      if (ticket != queue_ticket_) continue;  // stopped, or a newer swarm, meanwhile: this run is not wanted
      install(*made, *plan);
    }
    if (listener_ != nullptr) listener_->on_test_start((*made)->description());
    return *made;
  }
}

void TestController::cancel_queued() {
  queued_.reset();
  ++queue_ticket_;
}

void TestController::stop() {
  std::lock_guard lock(mutex_);
  cancel_queued();
  if (!running_ || !runner_) return;
  stop_requested_ = true;
  runner_->stop();
}

void TestController::stop_now() {
  std::lock_guard lock(mutex_);
  cancel_queued();
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

std::uint64_t TestController::test_id() const {
  std::lock_guard lock(mutex_);
  return test_id_;
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

std::optional<int> TestController::live_users() const {
  std::shared_ptr<runner::TestRun> runner;
  {
    std::lock_guard lock(mutex_);
    runner = runner_;
  }
  return runner ? runner->live_users() : std::nullopt;
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
