#pragma once
// The two distributed halves of `cicada` (src/distributed): the worker loop, and the master, which either
// feeds the same observers (console, CSV, history, thresholds) as a local run (--headless) or serves the
// same web UI as a single process, its tests running on the workers.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "observer_set.hpp"
#include "runner/run_options.hpp"
#include "runner/test_run.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::app {

// `cicada --worker`: returns the process exit code (0 when the master said quit).
int run_worker(const CliOptions& o);

// `cicada --master --headless`: the test `description` (distributed/master_session.hpp
// describe_fleet_test) run on the workers with the same observers as a local run. Returns the exit
// code: 2 when no worker could run the test (C++ compile error...). It calls observers.finish(), not
// exit(): the caller does, with the code the process ends with. hooks: the loaded scenario's (its
// scenario already taken into `description`; a locustfile's are set): its parsed_options go to the
// workers, its runner is given the fleet's test, its test_start fires once the workers are connected,
// before they start (as Locust's master fires it), and its test_stop after the test, before the workers
// are told to quit.
int run_master(const CliOptions& o, runner::RunDescription description, ObserverSet& observers,
               const scenario::LoadedScenario& hooks);

// `cicada --master` without --headless: the web UI (apps/cicada/web_command.hpp) with its tests run by
// the workers; they stay connected between tests. Returns the exit code.
int run_master_web_ui(const CliOptions& o, scenario::LoadedScenario loaded, const runner::RunOptions& ro,
                      const report::RunLoad& load);

// A bound master whose --expect-workers are connected, as the TestRunSource of a front end that drives
// its own tests (`cicada capacity --master`): runs body with it, then quits the workers. Returns body's
// exit code, or 1 (no workers, bind failed) / 2 (unreadable scenario) after saying why.
int run_with_fleet(const std::string& scenario_file, const runner::RunOptions& ro,
                   const DistributedOptions& d, const std::function<int(runner::TestRunSource&)>& body);

}  // namespace cicada::app
