#pragma once
// Runs a capacity search (capacity_search.hpp) as one test of a TestRunSource: a LocalRunner, or a
// distributed master's fleet (whose offered load is then the step's load). The runner follows a shape
// whose load the search moves; each closed second's snapshot ends a warm-up or a window.
#include <functional>

#include "base/result.hpp"
#include "cicada/user.hpp"
#include "runner/capacity_search.hpp"
#include "runner/run_options.hpp"
#include "runner/test_run.hpp"

namespace cicada::runner {

// What the driver samples besides the run's own stats, and where it reports progress; all optional.
struct CapacityProbes {
  // The generator's CPU since the previous call, as a share of its cores (1.0: all busy); < 0: unknown.
  std::function<double()> generator_cpu;
  // Its most starved thread's share of the time since the previous call spent waiting for a CPU; < 0:
  // unknown.
  std::function<double()> generator_cpu_wait;
  // Its polling loops' share of their polled time since the previous call spent working, above the
  // polling rate (polling_load.hpp); < 0: unknown (they slept between arrivals).
  std::function<double()> generator_busy;
  // The target's own figures since the previous call (--server-metrics); called at every window edge.
  std::function<ServerFigures()> server;
  // A window measured (its step's load) and a step ended; both on the runner's thread.
  std::function<void(double load, const CapacityWindowSummary&)> on_window;
  std::function<void(const CapacityPoint&)> on_step;
  // An earlier step, reported met, is not any more: a knee probe below it found it past the knee
  // (capacity_knee.cpp). Called after the on_step of the step that found it.
  std::function<void(const CapacityPoint&)> on_step_revised;
};

// options.shape and run_time are replaced; open-model iterations that wait more than a second for a
// slot are dropped (max_lateness), so an overloaded step's backlog does not spill into the next one.
Result<CapacityResult> run_capacity_search(TestRunSource& source, const Scenario& scenario,
                                           RunOptions options, const CapacityPlan& plan,
                                           std::vector<Slo> slos, const CapacityProbes& probes);

}  // namespace cicada::runner
