#pragma once
// Load-shape flags of `cicada` (docs/metrics.md, "Coordinated omission"; runner/stages.hpp):
//   --stages "30s:10@5,1m:100@10"   users per stage (or "30s:50/s,1m:50..200/s": arrival rates)
//   --arrival-rate 200              open model: 200 iterations per second for the whole run
//   --max-inflight 1000             open model: iterations running at once at most
//   --max-lateness 10s              open model: an iteration waiting longer for a slot is dropped
//   --arrival-distribution poisson  open model: exponential gaps between arrivals (default constant)
#include <string>

#include "base/result.hpp"
#include "report/run_load.hpp"
#include "runner/load_description.hpp"
#include "runner/run_options.hpp"
#include "scenario/yaml_loader.hpp"

namespace CLI {
class App;
}

namespace cicada::app {

struct ShapeOptions {
  std::string stages;
  double arrival_rate = 0;           // 0: not given
  std::string arrival_distribution;  // "constant" or "poisson"; empty: not given
};

// --arrival-distribution, for `cicada` and `cicada capacity` alike: stores "constant" or "poisson" in
// `choice`, which poisson_arrivals() reads.
void add_arrival_distribution_flag(CLI::App& app, std::string& choice);
// Poisson arrivals or not: the flag's choice when given, else the scenario's `arrival_distribution:`.
bool poisson_arrivals(const std::string& choice, const scenario::ScenarioSettings& settings);

struct CliOptions;
void add_shape_flags(CLI::App& app, CliOptions& o);

// Fills ro.shape from the flags, else from the scenario's settings, and max_inflight from the scenario
// when no flag gave it (--max-inflight and --max-lateness go straight into CliOptions::run), and `load`
// with what the reports say drove the run (report/run_load.hpp); call it after ro.users and
// ro.spawn_rate are set. scenario_shape: the scenario has a shape function of its own.
Result<void> apply_shape_options(const CliOptions& o, const scenario::ScenarioSettings& settings,
                                 double default_spawn_rate, runner::RunOptions& ro, bool scenario_shape,
                                 report::RunLoad& load);

// describe_load(ro): the load of a run for the start-up log line (runner/load_description.hpp).
using runner::describe_load;

}  // namespace cicada::app
