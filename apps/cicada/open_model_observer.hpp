#pragma once
// Reports what only an open-model run has: corrected vs uncorrected latency and dropped iterations, on
// the console at the end and, with --csv PREFIX, in PREFIX_latency_correction.csv (updated with the
// Locust CSVs' cadence). Silent for closed-model runs, where both latencies are the same.
#include <string>

#include "run_observer.hpp"

namespace cicada::app {

class OpenModelObserver final : public RunObserver {
 public:
  explicit OpenModelObserver(std::string csv_prefix) : csv_prefix_(std::move(csv_prefix)) {}
  void on_start(runner::LocalRunner& runner) override { runner_ = &runner; }
  void on_second(const stats::Snapshot& snap) override;
  int on_finish(const stats::Snapshot& snap) override;

 private:
  bool active() const { return runner_ && runner_->open_model(); }
  void write_csv(const stats::Snapshot& snap);

  std::string csv_prefix_;
  runner::LocalRunner* runner_ = nullptr;
  int seconds_ = 0;
};

}  // namespace cicada::app
