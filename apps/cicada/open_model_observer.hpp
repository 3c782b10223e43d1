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
  void on_start(const runner::RunDescription& run) override { open_model_ = run.open_model; }
  void on_second(const stats::Snapshot& snap) override;
  int on_finish(const stats::Snapshot& snap) override;

 private:
  bool active() const { return open_model_; }
  bool write_csv(const stats::Snapshot& snap);  // false: it could not be written (logged)

  std::string csv_prefix_;
  bool open_model_ = false;
  int seconds_ = 0;
};

}  // namespace cicada::app
