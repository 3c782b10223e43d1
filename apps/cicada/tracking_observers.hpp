#pragma once
// Wiring of the run-tracking features into the load test command: the thresholds (from the scenario's
// `thresholds:` and --threshold), checked before the run, and the threshold and history observers.
#include <memory>
#include <vector>

#include "base/result.hpp"
#include "cli_options.hpp"
#include "report/run_load.hpp"
#include "report/thresholds.hpp"
#include "run_observer.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::app {

// The scenario's thresholds followed by the command line's, parsed and checked against the scenario's
// request entries (when the loader knows them: YAML). An error is a usage error: nothing has run yet.
Result<std::vector<report::Threshold>> collect_thresholds(const CliOptions& o,
                                                          const scenario::LoadedScenario& loaded);

// Thresholds go first (their exit code 3 wins), the history observer last (it records the final exit
// code). Call add_threshold_observer before the others and add_history_observer after them.
void add_threshold_observer(std::vector<std::unique_ptr<RunObserver>>& list,
                            std::vector<report::Threshold> thresholds, const CliOptions& o);
void add_history_observer(std::vector<std::unique_ptr<RunObserver>>& list, const CliOptions& o,
                          const report::RunLoad& load);

}  // namespace cicada::app
