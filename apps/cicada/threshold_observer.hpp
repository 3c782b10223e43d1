#pragma once
// Checks the run's thresholds: at the end (printed with actual vs limit; any failure asks for exit code
// 3), and with --abort-on-threshold also every second, stopping the test as soon as an upper limit
// (p95 < 200ms, fail_ratio < 1%) is broken. Lower limits (rps > 1000) are judged only at the end: early
// in a run they would always fail.
#include <vector>

#include "report/history_db.hpp"
#include "report/thresholds.hpp"
#include "run_observer.hpp"

namespace cicada::app {

inline constexpr int kThresholdFailedExitCode = 3;

class ThresholdObserver final : public RunObserver {
 public:
  ThresholdObserver(std::vector<report::Threshold> thresholds, bool abort_live)
      : thresholds_(std::move(thresholds)), abort_live_(abort_live) {}
  void on_start(const runner::RunDescription&) override { aborted_ = false; }
  bool wants_stop() const override { return aborted_; }
  void on_second(const stats::Snapshot& snap) override;
  int on_finish(const stats::Snapshot& snap) override;
  // Says which thresholds failed the run, naming the code it exits with (as ErrorExitObserver does for
  // failed requests): a run failed by a threshold alone logged only "Shutting down (exit code 3)".
  int on_exit(int exit_code, const std::string& ended_by) override;

  // The final verdicts (after on_finish), for the run history.
  const std::vector<report::ThresholdResult>& results() const { return results_; }
  const std::vector<report::Threshold>& thresholds() const { return thresholds_; }
  // The verdicts as the history and the CI files keep them (values formatted with their units).
  std::vector<report::StoredThreshold> stored_results() const;
  // "pass" or "fail" after on_finish; "" when no threshold was checked.
  std::string verdict() const;

 private:
  std::vector<report::Threshold> thresholds_;  // results_ point into it: never resized after construction
  bool abort_live_;
  bool aborted_ = false;
  std::vector<report::ThresholdResult> results_;
};

}  // namespace cicada::app
