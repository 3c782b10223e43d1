#pragma once
// LocalRunner: runs one load test in this process (Locust's LocalRunner).
//
// The calling thread is the control thread: it spawns and stops users at the spawn rate, collects each
// loop's stats delta once a second into the Aggregate, publishes a snapshot and enforces the run time.
// Users run on the ReactorPool's loops. stop(), set_users() and reset_stats() may be called from any
// thread (signal watcher, web UI); everything else happens on the control thread.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "cicada/user.hpp"
#include "http/client/user_http_client.hpp"
#include "reactor/reactor_pool.hpp"
#include "runner/delta_collector.hpp"
#include "runner/run_options.hpp"
#include "runner/run_state.hpp"
#include "runner/shard.hpp"
#include "runner/user_mix.hpp"
#include "stats/aggregate.hpp"

namespace cicada::runner {

class LocalRunner {
 public:
  LocalRunner(Scenario scenario, RunOptions options);
  ~LocalRunner();

  // Applies tag filters and checks the scenario can run (a host for every user type...). Call first.
  Result<void> prepare();

  // Runs until the run time is over or stop() is called. on_second runs on this thread after each
  // second of stats with the fresh snapshot (headless console, CSV autosave).
  void run(const std::function<void(const stats::Snapshot&)>& on_second);

  void stop();
  // A new user target. fixed_counts (user type name -> count; empty: keep) replaces those types' fixed
  // counts in the same step, starting or stopping users of those types to match: a distributed worker's
  // new share after a worker joined or was lost. Fixed-count users come first within the target.
  void set_users(int users, double spawn_rate, std::map<std::string, int> fixed_counts = {});
  // Open model: a new total --max-inflight from now on (each loop gets its share, at least 1); thread-safe.
  void set_max_inflight(std::size_t total);
  // Open model: a new total arrival rate (iterations/s) from now on; thread-safe. Ignored in a
  // closed-model run (the model is chosen by the shape's first target, see RunOptions::shape).
  void set_arrival_rate(double per_second);
  bool open_model() const { return open_model_.load(); }
  // Open model: the total arrival rate (iterations/s) the runner is following now; thread-safe.
  double arrival_rate() const { return arrival_rate_.load(); }
  void reset_stats();
  // Distributed worker (src/distributed): sees each second's deltas, and the final ones, on the control
  // thread before they are merged, so they can be shipped to the master. Set before run().
  void set_delta_listener(std::function<void(const std::vector<stats::StatsDelta>&)> listener) {
    delta_listener_ = std::move(listener);
  }
  // Whether stop() was called (a distributed master's stand-in runner forwards it to the workers).
  bool stop_requested() const { return stop_requested_.load(); }

  RunState state() const { return state_.load(); }
  // The latest published snapshot (at most a second old); thread-safe.
  std::shared_ptr<const stats::Snapshot> snapshot() const;
  const Scenario& scenario() const { return scenario_; }
  const RunOptions& options() const { return options_; }
  std::uint64_t seed() const { return seed_; }

 private:
  void spawn_step(MonoTime now);
  void start_user(std::size_t ordinal);
  // Stops the newest `count` live users whose type index `of_type` accepts.
  void stop_newest_users(std::size_t count, const std::function<bool(std::size_t)>& of_type);
  void apply_fixed_counts(const std::map<std::string, int>& counts);
  void trim_to_target();
  void collect_second(bool final);
  void stop_all_users();
  int live_users() const;
  // Shapes and the open model (local_runner_shape.cpp).
  void begin_shape(MonoTime started);
  bool follow_shape(MonoTime started, MonoTime now);  // false: the shape ended the test
  void start_arrivals(MonoTime origin, double rate);
  void apply_arrival_rate(double rate);
  void apply_max_inflight(std::size_t total);
  int reported_users() const;  // users, or iterations in flight in the open model

  Scenario scenario_;
  RunOptions options_;
  std::uint64_t seed_ = 0;
  std::vector<TaskPicker> pickers_;
  http::ClientConfig client_config_;
  std::unique_ptr<reactor::ReactorPool> pool_;
  std::vector<std::unique_ptr<Shard>> shards_;
  DeltaCollector collector_;
  std::unique_ptr<stats::Aggregate> aggregate_;
  std::function<void(const std::vector<stats::StatsDelta>&)> delta_listener_;

  // Control requests from other threads.
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> reset_requested_{false};
  std::mutex control_mutex_;
  std::optional<std::pair<int, double>> pending_target_;
  std::optional<std::map<std::string, int>> pending_fixed_;  // with pending_target_

  // Control-thread state.
  std::atomic<RunState> state_{RunState::kReady};
  int target_users_ = 0;
  double spawn_rate_ = 1;
  std::size_t spawned_ = 0;    // users started so far: the ordinal (and id) of the next one
  std::size_t ramp_base_ = 0;  // live users when the current ramp began
  MonoTime ramp_start_{};
  std::unique_ptr<UserMix> mix_;
  std::vector<std::size_t> live_per_type_;
  struct LiveUser {
    std::size_t ordinal;
    std::size_t type;
  };
  std::vector<LiveUser> live_;  // in spawn order; a ramp-down stops the newest

  // Shape state (control thread) and the open model's pending rate (any thread; < 0: none).
  ShapeFn shape_;
  std::optional<ShapeTarget> last_shape_target_;
  std::string stage_;
  // Atomic: the web UI reads both while the control thread changes them.
  std::atomic<bool> open_model_{false};
  std::atomic<double> arrival_rate_{0};
  std::atomic<double> pending_arrival_rate_{-1.0};
  std::atomic<std::size_t> pending_max_inflight_{0};  // 0: none
  std::size_t max_inflight_ = 0;  // the open model's cap now (control thread; options_ stays as given)

  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const stats::Snapshot> snapshot_;
};

}  // namespace cicada::runner
