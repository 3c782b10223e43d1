#pragma once
// Records the run in the history database (unless --no-history): the run row when it starts, the
// per-second history as it comes (one small transaction a second), and the final stats, failures and
// threshold verdicts with the exit code at the end. Until that last write the run stays marked
// incomplete, so a killed run leaves a readable database. A database error is logged once and
// recording stops; it never stops the test.
// The same record, at the end, is what --json and --junit write (ci_outputs.hpp), with the same run id.
#include <memory>
#include <optional>
#include <string>

#include "cli_options.hpp"
#include "report/history_db.hpp"
#include "report/run_load.hpp"
#include "run_observer.hpp"
#include "threshold_observer.hpp"

namespace cicada::app {

class HistoryObserver final : public RunObserver {
 public:
  // thresholds may be null (none set); it must outlive this observer.
  // load: what drives the run, stored with it (report/run_load.hpp).
  HistoryObserver(const CliOptions& options, const ThresholdObserver* thresholds, report::RunLoad load)
      : options_(options), thresholds_(thresholds), load_(std::move(load)) {}
  void on_start(const runner::RunDescription& run) override;
  void on_second(const stats::Snapshot& snap) override;
  int on_finish(const stats::Snapshot& snap) override;
  int on_exit(int exit_code, const std::string& ended_by) override;

 private:
  void fail(const std::string& what, const std::string& message);

  const CliOptions& options_;
  const ThresholdObserver* thresholds_;
  report::RunLoad load_;
  std::optional<report::HistoryDb> db_;  // none: not recording (disabled or failed)
  report::RunInfo info_;
  std::shared_ptr<const stats::Snapshot> final_;
};

}  // namespace cicada::app
