#pragma once
// Run tracking for the web UI: each test started from the UI is one run in the history (unless
// --no-history), and its thresholds (scenario and --threshold) are checked and printed when it ends,
// with the verdict recorded. The same observers as a headless run, made afresh for every test.
// Live --abort-on-threshold is not applied here: the UI has its own stop button, and the observers'
// on_second runs inside the test controller's per-second callback.
#include <memory>
#include <vector>

#include "cli_options.hpp"
#include "observer_set.hpp"
#include "report/run_load.hpp"
#include "report/thresholds.hpp"

namespace cicada::app {

class WebTestTracking {
 public:
  WebTestTracking(const CliOptions& o, std::vector<report::Threshold> thresholds)
      : o_(o), thresholds_(std::move(thresholds)) {}
  void on_test_start(const runner::RunDescription& run, const report::RunLoad& load);
  void on_second(const stats::Snapshot& snap);
  // Returns the test's exit code as a headless run would give it (3 when a threshold failed).
  int on_test_end(const stats::Snapshot& snap);

 private:
  const CliOptions& o_;
  std::vector<report::Threshold> thresholds_;
  ObserverSet observers_;  // of the current test
};

}  // namespace cicada::app
