#pragma once
// RunDescription: what the observers of a run (console, CSV, history, reports, the web UI) know about it:
// plain values, never the runner, so a local and a distributed run describe themselves the same way.
#include <cstdint>

#include "cicada/user.hpp"
#include "runner/run_options.hpp"

namespace cicada::runner {

struct RunDescription {
  Scenario scenario;   // as the run uses it (tag filters applied)
  RunOptions options;  // as the run uses them: `seed` is the seed it runs with, `shape` the one it follows
  bool open_model = false;  // the shape's first target is an arrival rate (iterations, not users)
};

// The description of a run of `scenario` with `options`, seeded with `seed`: the scenario's own shape
// when the options have none.
RunDescription describe_run(Scenario scenario, RunOptions options, std::uint64_t seed);

}  // namespace cicada::runner
