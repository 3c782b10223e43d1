#pragma once
// The two distributed halves of `cicada` (src/distributed): the worker loop, and the master's run,
// which feeds the same observers (console, CSV, history, thresholds) as a local run.
#include <memory>
#include <optional>
#include <vector>

#include "cli_options.hpp"
#include "run_observer.hpp"

namespace cicada::app {

// `cicada --worker`: returns the process exit code (0 when the master said quit).
int run_worker(const CliOptions& o);

// A usage error of --master to report before anything runs (it needs --headless for now).
std::optional<int> master_usage_error(const CliOptions& o);

// `cicada --master --headless`: `stand_in` is the prepared local runner of the same scenario and options;
// observers see it in on_start (its options, scenario, seed) and a stop() on it (thresholds) stops the
// distributed test. Returns the exit code.
int run_master(const CliOptions& o, runner::LocalRunner& stand_in,
               std::vector<std::unique_ptr<RunObserver>>& observers);

}  // namespace cicada::app
