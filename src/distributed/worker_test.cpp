#include "distributed/worker_test.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/log.hpp"
#include "runner/stages.hpp"
#include "runner/user_type_filter.hpp"
#include "scenario/arrival_distribution.hpp"
#include "scenario/cpp_loader.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::distributed {
namespace {

// A C++ scenario is compiled from a file: write the master's text under this worker's own folder with
// the master's file name, so compiler messages name the file the user knows.
Result<scenario::LoadedScenario> load_cpp_text(const ScenarioPayload& payload) {
  const auto dir = std::filesystem::temp_directory_path() / ("cicada-worker-" + std::to_string(::getpid()));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto path = dir / std::filesystem::path(payload.file_name).filename();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << payload.text;
  if (!out.flush()) return make_error("cannot write the scenario to " + path.string());
  out.close();
  return scenario::load_cpp_scenario(path);
}

Result<scenario::LoadedScenario> load(const ScenarioPayload& payload, std::uint32_t worker_index,
                                      const ScenarioLoader& load_other) {
  if (payload.kind == "yaml") return scenario::load_yaml_scenario_text(payload.text, payload.file_name);
  if (payload.kind == "cpp") {
    auto loaded = load_cpp_text(payload);
    if (!loaded)
      return make_error("cannot compile the C++ scenario on this worker: " + loaded.error().message);
    return loaded;
  }
  if (load_other) return load_other(payload, worker_index);
  return make_error("unknown scenario kind '" + payload.kind + "' (this worker knows yaml and cpp)");
}

}  // namespace

std::uint64_t worker_seed(std::uint64_t seed, std::uint32_t index) {
  if (seed == 0) return 0;
  const std::uint64_t derived = seed ^ (0xD1B54A32D192ED03ull * (static_cast<std::uint64_t>(index) + 1));
  return derived ? derived : 1;
}

runner::RunOptions worker_run_options(const Start& start, std::size_t threads) {
  runner::RunOptions ro = start.options;
  // The master owns these: it shares the load out, ends the test, resets the stats it merges (a worker
  // resetting on its own would drop samples the master counts) and keeps the history.
  ro.users = start.users;
  ro.spawn_rate = start.spawn_rate > 0 ? start.spawn_rate : 1.0;
  ro.run_time.reset();
  ro.warmup.reset();
  ro.reset_stats = false;
  ro.keep_entry_history = false;  // this runner's totals are never read
  // This worker's own: its loops, and its seed derived from the run's and its index.
  ro.threads = threads;
  ro.seed = worker_seed(start.options.seed, start.worker_index);
  ro.shape = {};
  if (start.open_model) {
    ro.shape = runner::constant_rate_shape(start.arrival_rate);
    if (start.max_inflight > 0) ro.max_inflight = start.max_inflight;
  }
  return ro;
}

Result<std::unique_ptr<WorkerTest>> WorkerTest::start(const Start& start, std::size_t threads,
                                                      const ScenarioLoader& load_other) {
  auto loaded = load(start.scenario, start.worker_index, load_other);
  if (!loaded) return loaded.error();
  // The master's user types for this test only (its positional user classes, its class picker): in the
  // open model this worker picks among its types by weight, and would run one the master left out.
  if (auto r = runner::keep_user_types(loaded->scenario, start.user_types); !r)
    return make_error("the master's user types are not this worker's: " + r.error().message);
  runner::RunOptions ro =
      worker_run_options(start, threads > 0 ? threads : loaded->settings.threads.value_or(0));
  ro.hooks = std::move(loaded->run_hooks);  // this worker's own listeners (spawning_complete, test_stopping)
  // The master follows the load shape (a C++ scenario's too) and sends each worker its share of it.
  loaded->scenario.shape = {};
  for (auto& type : loaded->scenario.user_types) {
    if (auto it = start.fixed_counts.find(type.name); it != start.fixed_counts.end())
      type.fixed_count = it->second;
  }

  std::unique_ptr<WorkerTest> test(new WorkerTest());
  test->test_id_ = start.test_id;
  test->on_test_start_ = std::move(loaded->on_test_start);
  test->on_test_stop_ = std::move(loaded->on_test_stop);
  test->on_quit_ = std::move(loaded->on_quit);
  test->bind_run_ = std::move(loaded->bind_run);
  test->runner_ = std::make_unique<runner::LocalRunner>(std::move(loaded->scenario), ro);
  if (auto r = test->runner_->prepare(); !r) return r.error();
  // The master's deal of the weighted types, as the test's first target (before run(): no user of
  // another mix starts first).
  if (!start.open_model && !start.weighted_counts.empty())
    test->runner_->set_users(ro.users, ro.spawn_rate, {{}, start.weighted_counts, std::nullopt});
  WorkerTest* self = test.get();
  test->runner_->set_delta_listener([self](const std::vector<stats::StatsDelta>& deltas) {
    Stats message;
    message.test_id = self->test_id_;
    message.user_count = self->user_count();
    for (const auto& d : deltas)
      if (!d.empty()) message.deltas.push_back(d);
    std::lock_guard lock(self->outbox_mutex_);
    message.seq = ++self->seq_;
    self->outbox_.push_back(std::move(message));
  });
  test->thread_ = std::thread([self] {
    if (self->bind_run_) {
      scenario::RunView view;
      view.quit = [self] {
        log::info("runner.quit() on this worker: stopping its users");
        self->runner_->stop();
      };
      view.state = [self] { return self->state(); };
      view.snapshot = [self] { return self->runner_->snapshot(); };
      view.live_users = [self] { return self->runner_->live_users(); };
      self->bind_run_(std::move(view));
    }
    if (self->on_test_start_) self->on_test_start_();  // before the first user starts
    self->runner_->run([](const stats::Snapshot&) {});
    if (self->on_test_stop_) self->on_test_stop_();  // before the master hears the test stopped
    if (self->bind_run_) self->bind_run_({});
    self->finished_.store(true);
  });
  if (start.open_model) {
    log::info("Test {} started: {:.2f} iterations/s{}, seed {}", start.test_id, start.arrival_rate,
              ro.poisson_arrivals ? fmt::format(" ({})", scenario::kPoissonArrivalsLabel) : "",
              test->runner_->seed());
  } else {
    log::info("Test {} started: {} users at {:.2f}/s, seed {}", start.test_id, ro.users, ro.spawn_rate,
              test->runner_->seed());
  }
  for (const auto& [type, count] : start.fixed_counts) log::info("User type {}: {} fixed users", type, count);
  return test;
}

void WorkerTest::set_share(const Spawn& share) {
  if (runner_->open_model()) {
    if (share.max_inflight > 0) runner_->set_max_inflight(share.max_inflight);
    runner_->set_arrival_rate(share.arrival_rate);
  } else {
    // Users and fixed counts in one request, so the runner moves to the new mix in one step.
    runner_->set_users(share.users, share.spawn_rate,
                       {share.fixed_counts, share.weighted_counts, std::nullopt});
  }
}

WorkerTest::~WorkerTest() {
  if (thread_.joinable()) {
    runner_->stop();
    thread_.join();
  }
}

void WorkerTest::join() {
  if (thread_.joinable()) thread_.join();
}

std::vector<Stats> WorkerTest::take_outbox() {
  std::lock_guard lock(outbox_mutex_);
  std::vector<Stats> out;
  out.swap(outbox_);
  return out;
}

std::uint64_t WorkerTest::last_seq() {
  std::lock_guard lock(outbox_mutex_);
  return seq_;
}

int WorkerTest::user_count() const {
  // Live, as the heartbeats and stats tell the master (its runner.user_count sums them): a snapshot's
  // count is up to a second old, and 0 through the first second.
  if (auto live = runner_->live_users()) return *live;
  auto snap = runner_->snapshot();
  return snap ? snap->user_count : 0;
}

}  // namespace cicada::distributed
