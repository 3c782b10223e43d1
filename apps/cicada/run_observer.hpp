#pragma once
// RunObserver: how features hook into a run without the run command knowing them (console tables, CSV
// files, and later the HTML report, run history, thresholds). Like Locust's event hooks, but typed.
// All calls come from the runner's control thread.
#include "runner/local_runner.hpp"
#include "stats/snapshot.hpp"

namespace cicada::app {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // Before the first user starts (the runner is prepared).
  virtual void on_start(runner::LocalRunner&) {}
  // After every second of stats.
  virtual void on_second(const stats::Snapshot&) {}
  // Once at the end with the final snapshot. A non-zero result asks for that exit code; the run command
  // takes the first non-zero one in observer order (so thresholds, registered first, win over failures).
  virtual int on_finish(const stats::Snapshot&) { return 0; }
  // Last, with the exit code the run ends with (after every on_finish): for records of the run.
  virtual void on_exit(int /*exit_code*/) {}
};

}  // namespace cicada::app
