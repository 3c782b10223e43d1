#pragma once
// Whether a worker knows the run options a test sets. The master sends every option in `start` and a
// worker ignores the keys it does not know (docs/protocol.md), so a worker older than an option would run
// without it while the master's reports say it was used (paced arrivals under a report that says
// Poisson). The master asks this before a worker's first `start` of a test and refuses instead, naming
// the worker and the options: a difference must not be hidden.
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "distributed/protocol.hpp"
#include "runner/run_options.hpp"

namespace cicada::distributed {

// The names of the run options this cicada knows, for its Hello: runner::visit_run_options' own list,
// so an option added there is in it by itself.
std::vector<std::string> known_run_options();

// The options a worker knowing `known` would ignore: those `options` sets to another value than a default
// RunOptions has and `known` does not name. The fields the master sets for each worker anyway (users,
// seed... : worker_run_options) never count. nullopt `known`: a worker from before hellos listed them.
std::vector<std::string> options_unknown_to(const std::optional<std::vector<std::string>>& known,
                                            const runner::RunOptions& options);

// A worker as the master knows it for this check: its id and its hello.
struct WorkerHello {
  std::string id;
  Hello hello;
};

// ok, or why the test must not start: "worker <id> (<hostname>) runs an older cicada that does not know
// the option(s) poisson_arrivals; run the same cicada version on master and workers" (every such worker).
Result<void> check_workers_know_options(const std::vector<WorkerHello>& workers,
                                        const runner::RunOptions& options);

}  // namespace cicada::distributed
