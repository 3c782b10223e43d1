#pragma once
// load_yaml_scenario: a YAML scenario file (docs/scenarios.md) into the engine's cicada::Scenario, plus
// the run settings the file suggests. Every mistake in the file is reported before any load starts, as
// "FILE:LINE:COLUMN: expected ..., got ...".
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "cicada/user.hpp"
#include "runner/run_hooks.hpp"
#include "runner/worker_status.hpp"
#include "scenario/task_ratio.hpp"

namespace cicada::stats {
struct Snapshot;
}

namespace cicada::scenario {

// The run as a locustfile sees it (environment.runner): what the app gives the scenario for the test in
// progress. Each function may be called from any thread.
struct RunView {
  std::function<void()> quit;          // runner.quit(): stop the test and end the process, as Ctrl-C does
  std::function<std::string()> state;  // Locust's runner state names: "spawning", "running", "stopped"...
  std::function<std::shared_ptr<const stats::Snapshot>()> snapshot;  // the latest second's; may be null
  // runner.target_user_count (runner::TestRun::target_users); may be empty.
  std::function<int()> target_users;
  // runner.user_count: the users running now (runner::TestRun::live_users); may be empty, or say none.
  std::function<std::optional<int>()> live_users;
  // A master's workers (runner.clients, runner.worker_count); empty in a run of one process.
  std::function<std::vector<runner::WorkerStatus>()> workers;
};

// Run settings a scenario file may carry (top-level `users`, `spawn_rate`, `run_time`). The command line
// overrides them; absent ones leave the CLI's own defaults. The host is Scenario::default_host.
struct ScenarioSettings {
  std::optional<int> users;
  std::optional<double> spawn_rate;
  std::optional<std::chrono::microseconds> run_time;
  // Load shape (yaml_stages.hpp): stages in the --stages syntax ("30s:10@5", "1m:50..200/s"), a
  // constant arrival rate (iterations/s) and the open model's concurrency cap.
  std::vector<std::string> stages;
  std::optional<double> arrival_rate;
  std::optional<int> max_inflight;
  std::optional<bool> poisson_arrivals;  // `arrival_distribution: poisson` (or constant)
  // Event loops when --threads is not given (a locustfile: 1, its interpreter runs one thread at a time).
  std::optional<std::size_t> threads;
};

// One request stats entry a scenario's requests produce (the name defaults to the request target).
struct RequestEntry {
  std::string method;
  std::string name;
  bool operator==(const RequestEntry&) const = default;
};

struct LoadedScenario {
  Scenario scenario;
  ScenarioSettings settings;
  // Top-level `thresholds:` as written (syntax: report/thresholds.hpp); the app parses and checks them.
  std::vector<std::string> thresholds;
  // Every (method, name) the requests can record, in file order without repeats: what thresholds and
  // other per-entry settings may name.
  std::vector<RequestEntry> entries;
  // The scenario's own code around the run (a locustfile's events test_start, test_stop and quitting),
  // called by the app on its control thread; empty for YAML and C++ scenarios.
  std::function<void()> on_test_start, on_test_stop, on_quit;
  // Its code inside each test (a locustfile's spawning_complete, test_stopping, reset_stats): the app puts
  // it in the RunOptions. Empty for YAML and C++ scenarios.
  runner::RunHooks run_hooks;
  // Its code once the process's exit code is final, after on_quit (a locustfile's `quit` event, as
  // Locust's main fires it just before exiting). Empty for YAML and C++ scenarios.
  std::function<void(int exit_code)> on_exit;
  // A locustfile's environment.runner: the app binds the test in progress (bind_run(view)) before
  // on_test_start and unbinds it (bind_run({})) once the test's objects are gone. Empty for YAML and C++.
  std::function<void(RunView)> bind_run;
  // A locustfile's say in the process's exit code once its quitting listeners ran, given the run's own:
  // environment.process_exit_code when set (Locust's override), else 2 for a clean run in which a listener
  // or the load shape raised, else the run's. Empty for YAML and C++ scenarios.
  std::function<int(int run_code)> exit_code;
  // A locustfile's environment.parsed_options as a JSON object: what a master sends its workers
  // (distributed::ScenarioPayload::parsed_options). Empty for YAML and C++ scenarios.
  std::string parsed_options;
  // A locustfile's task sets opened into their own tasks, for the task ratio table (task_ratio.hpp).
  TaskSets task_sets;
};

Result<LoadedScenario> load_yaml_scenario(const std::filesystem::path& file);
// The same from text already in memory; `file` is only used in messages and to resolve payload files.
Result<LoadedScenario> load_yaml_scenario_text(std::string_view text, const std::filesystem::path& file);

}  // namespace cicada::scenario
