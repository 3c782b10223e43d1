#pragma once
// WorkerTest: one test a worker runs for its master: the scenario loaded from the text the master sent,
// a LocalRunner on a thread of its own, and the outbox of numbered Stats messages its per-second deltas
// become. The worker's socket thread drives it and empties the outbox.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "distributed/protocol.hpp"
#include "runner/local_runner.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::distributed {

// Loads a scenario kind the distributed layer does not know (a locustfile) for the worker of this index
// (a locustfile's environment.runner.worker_index); the app provides it.
using ScenarioLoader =
    std::function<Result<scenario::LoadedScenario>(const ScenarioPayload&, std::uint32_t worker_index)>;

class WorkerTest {
 public:
  // Loads the scenario (a C++ scenario is compiled here) and starts the users. An Error says why this
  // worker cannot run the test; the worker reports it to the master.
  static Result<std::unique_ptr<WorkerTest>> start(const Start& start, std::size_t threads,
                                                   const ScenarioLoader& load_other = {});
  ~WorkerTest();

  std::uint64_t test_id() const { return test_id_; }
  // A new share from the master: users, or an arrival rate in the open model.
  void set_share(const Spawn& share);
  void stop() { runner_->stop(); }
  bool finished() const { return finished_.load(); }
  void join();  // after finished(), or it waits for the stop
  std::vector<Stats> take_outbox();
  std::uint64_t last_seq();
  int user_count() const;
  std::string state() const { return std::string(runner::to_string(runner_->state())); }
  // The scenario's own code for when the worker quits (a locustfile's quitting listeners); may be empty.
  std::function<void()> on_quit() const { return on_quit_; }

 private:
  WorkerTest() = default;

  std::uint64_t test_id_ = 0;
  std::unique_ptr<runner::LocalRunner> runner_;
  std::thread thread_;
  std::atomic<bool> finished_{false};
  // A locustfile's test_start / test_stop listeners, fired on this worker around its part of the test (as
  // Locust's workers fire them), and its quitting listeners.
  std::function<void()> on_test_start_, on_test_stop_, on_quit_;
  // A locustfile's environment.runner: this worker's part of the test while it runs. runner.quit() here
  // stops this worker's users (the master's test goes on with the other workers).
  std::function<void(scenario::RunView)> bind_run_;
  std::mutex outbox_mutex_;
  std::vector<Stats> outbox_;
  std::uint64_t seq_ = 0;  // guarded by outbox_mutex_
};

// The options a worker runs `start` with: the master's, but for the fields the master owns (the share of
// users or arrivals, run time, warm-up, stats resets, history) and the worker's own (threads, seed).
runner::RunOptions worker_run_options(const Start& start, std::size_t threads);

// The seed worker `index` uses for a run seeded with `seed` (0 stays 0: random).
std::uint64_t worker_seed(std::uint64_t seed, std::uint32_t index);

}  // namespace cicada::distributed
