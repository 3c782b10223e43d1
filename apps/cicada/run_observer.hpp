#pragma once
// RunObserver: how features hook into a run without the run command knowing them (console tables, CSV
// files, the HTML report, run history, thresholds). Like Locust's event hooks, but typed. Observers see
// a plain description of the run and its snapshots, never the runner: a local and a distributed run
// look the same to them. All calls come from the run's control thread (ObserverSet, observer_set.hpp).
#include <string>

#include "runner/run_description.hpp"
#include "stats/snapshot.hpp"

namespace cicada::app {

// The exit code of a run that would end with 0 but could not write a report it was asked for (--csv,
// --html, --json, --junit: a full disk, a name taken by a folder): 2, as for a report folder found
// unwritable before the run (docs/ci.md). A CI job must not pass on a report that is missing or stale.
constexpr int kReportNotWritten = 2;

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // Before the first user starts.
  virtual void on_start(const runner::RunDescription&) {}
  // After every second of stats.
  virtual void on_second(const stats::Snapshot&) {}
  // Asked after every second: true ends the test (a broken threshold with --abort-on-threshold).
  virtual bool wants_stop() const { return false; }
  // Once at the end with the final snapshot. A non-zero result asks for that exit code; the first
  // non-zero one in observer order wins (so thresholds, registered first, win over failures).
  virtual int on_finish(const stats::Snapshot&) { return 0; }
  // Last, with the exit code the run ends with (after every on_finish and a locustfile's quitting
  // listeners) and how it ended (StopCause::ended_by: "run_time", "interrupted"...; "" when unknown):
  // for records of the run. Returns that code, or kReportNotWritten for a 0 when a file the user asked
  // for could not be written (the records then carry that code).
  virtual int on_exit(int exit_code, const std::string& /*ended_by*/) { return exit_code; }
};

}  // namespace cicada::app
