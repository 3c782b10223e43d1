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
// exit(): the caller does, with the code the process ends with. parsed_options: a locustfile's, sent
// to the workers (scenario::LoadedScenario::parsed_options); bind_run: a locustfile's, given the fleet's
// test while it runs (scenario::LoadedScenario::bind_run).
int run_master(const CliOptions& o, runner::RunDescription description, ObserverSet& observers,
               const std::string& parsed_options = {},
               const std::function<void(scenario::RunView)>& bind_run = {});

// `cicada --master` without --headless: the web UI (apps/cicada/web_command.hpp) with its tests run by
// the workers; they stay connected between tests. Returns the exit code.
int run_master_web_ui(const CliOptions& o, scenario::LoadedScenario loaded, const runner::RunOptions& ro,
                      const report::RunLoad& load);

// A bound master whose --expect-workers are connected, as the TestRunSource of a front end that drives
// its own tests (`cicada capacity --master`): runs body with it, then quits the workers. Returns body's
// exit code, or 1 (no workers, bind failed) / 2 (unreadable scenario) after saying why.
int run_with_fleet(const std::string& scenario_file, const Scenario& scenario, const runner::RunOptions& ro,
                   const DistributedOptions& d, const std::function<int(runner::TestRunSource&)>& body);

}  // namespace cicada::app
