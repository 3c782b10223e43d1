#pragma once
// Loads a scenario file by its type: .yaml/.yml, .cpp (compiled), .py (a locustfile, src/python).
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "distributed/protocol.hpp"
#include "runner/test_run.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::app {

// What the command line says about the scenario beyond its file.
struct ScenarioChoice {
  std::vector<std::string> user_classes;        // keep only these user types (names); empty: all
  std::vector<std::string> tags, exclude_tags;  // a locustfile applies them inside TaskSets too
  std::string host;                             // --host (a locustfile's Environment.host)
  std::vector<std::string> extra_args;          // words cicada does not know: a locustfile's own arguments
  const struct CliOptions* cli = nullptr;       // the run settings a locustfile sees as parsed_options
};

// A scenario a distributed master sent (kinds the distributed layer does not load itself: "py"). A locustfile
// is loaded from the master's path when this machine has the same file there (its imports and data files
// beside it then work), else from a copy written to a folder of this worker.
// `own`: the worker's command line, for the flags a locustfile's worker takes from its own (Locust's
// --skip-log-setup, --equal-weights: either the worker's or the master's turns them on).
Result<scenario::LoadedScenario> load_scenario_payload(const distributed::ScenarioPayload& payload,
                                                       std::uint32_t worker_index,
                                                       const struct CliOptions* own = nullptr);

Result<scenario::LoadedScenario> load_scenario_file(const std::filesystem::path& file,
                                                    const ScenarioChoice& choice = {});

// A locustfile's environment.runner over `run` (its state and statistics); `quit` is runner.quit().
scenario::RunView run_view(const runner::TestRun& run, std::function<void()> quit);

// The exit code once a locustfile's quitting listeners ran: their environment.process_exit_code when they
// set one (as Locust exits with it), else `code`.
int scenario_exit_code(const scenario::LoadedScenario& loaded, int code);

}  // namespace cicada::app
