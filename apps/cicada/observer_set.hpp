#pragma once
// ObserverSet: the observers of one test, called in order; the one loop over them that the headless
// run, the headless master and the web UI's tests share.
#include <functional>
#include <memory>
#include <vector>

#include "run_observer.hpp"
#include "runner/test_run.hpp"
#include "stop_cause.hpp"

namespace cicada::app {

class ObserverSet {
 public:
  ObserverSet() = default;
  explicit ObserverSet(std::vector<std::unique_ptr<RunObserver>> list) : list_(std::move(list)) {}

  std::vector<std::unique_ptr<RunObserver>>& list() { return list_; }
  void start(const runner::RunDescription& description);
  // on_second of each; true when one of them wants the test stopped.
  bool second(const stats::Snapshot& snap);
  // on_finish of each (the first non-zero code wins); returns the code. The caller then calls exit().
  int finish(const stats::Snapshot& snap);
  // on_exit(code) of each, with the code the process exits with: called apart from finish() because
  // a locustfile's quitting listeners, which run after the test, may still change it, and the records
  // written here (history, --json, --junit) must carry the code the process really exits with. Returns
  // the code to exit with: `code`, or kReportNotWritten when a report could not be written.
  int exit(int code);
  // Who stopped the test, noted by the front end (signals, runner.quit()) and by observe_run (an
  // observer's wish); how it ended is given to on_exit (run.ended_by).
  StopCause& stop_cause() { return cause_; }
  void set_ended_by(std::string how) { ended_by_ = std::move(how); }

 private:
  std::vector<std::unique_ptr<RunObserver>> list_;
  StopCause cause_;
  std::string ended_by_;  // set by observe_run when the test ended
};

// Runs `run` to its end with `observers`: start, then every second (and `each_second`, if any), stopping
// the test when an observer asks. The caller ends with observers.finish(*run.snapshot()) and
// observers.exit(code).
void observe_run(runner::TestRun& run, ObserverSet& observers,
                 const std::function<void(const stats::Snapshot&)>& each_second = {});

}  // namespace cicada::app
