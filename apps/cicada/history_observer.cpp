#include "history_observer.hpp"

#include <chrono>

#include "base/log.hpp"
#include "ci_outputs.hpp"
#include "history_run_info.hpp"
#include "report/run_load.hpp"

namespace cicada::app {

void HistoryObserver::fail(const std::string& what, const std::string& message) {
  log::error("run history ({}): {}: {}; this run is no longer recorded", options_.history.history_db, what,
             message);
  db_.reset();
}

void HistoryObserver::on_start(const runner::RunDescription& run) {
  info_ = make_run_info(options_, run.options, run.options.seed, load_);
  if (options_.history.no_history) return;
  auto db = report::HistoryDb::open(options_.history.history_db);
  if (!db) return fail("open", db.error().message);
  db_.emplace(std::move(*db));
  if (auto r = db_->begin_run(info_); !r) return fail("start", r.error().message);
  log::info("Run id {} (recorded in {})", info_.id, options_.history.history_db);
}

void HistoryObserver::on_second(const stats::Snapshot& snap) {
  if (!db_) return;
  if (auto r = db_->append_seconds(info_.id, snap.history); !r) fail("per-second history", r.error().message);
}

int HistoryObserver::on_finish(const stats::Snapshot& snap) {
  // Kept for on_exit, which knows the exit code every observer agreed on.
  final_ = std::make_shared<const stats::Snapshot>(snap);
  return 0;
}

int HistoryObserver::on_exit(int exit_code, const std::string& ended_by) {
  if (!final_ || info_.id.empty()) return exit_code;
  report::StoredRun run;
  run.info = info_;
  if (thresholds_) {
    run.thresholds = thresholds_->stored_results();
    run.info.verdict = thresholds_->verdict();
  }
  run.info.ended_unix_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  run.info.exit_code = exit_code;
  run.info.complete = true;
  run.info.recorded = db_.has_value();
  run.info.ended_by = ended_by;
  run.info.users = report::peak_users(*final_, run.info.users);  // as the reports say it (run_load.hpp)
  run.snapshot = *final_;
  run.has_histograms = true;
  // The CI files first: one that cannot be written changes the exit code the history records.
  exit_code = write_run_ci_outputs(run, options_.history.json_file, options_.history.junit_file);
  if (db_) {
    if (auto r = db_->finish_run(run.info.id, *final_, run.thresholds, exit_code, run.info.verdict,
                                 *run.info.ended_unix_s, run.info.users, ended_by);
        !r) {
      fail("final stats", r.error().message);
      // The files just written said the run was recorded: they are written again to say it is not (the
      // code they say stays: a history that fails only logs).
      run.info.recorded = false;
      if (!write_ci_outputs(run, options_.history.json_file, options_.history.junit_file))
        log::error(
            "the --json/--junit files could not be written again: they may still say the run is "
            "recorded (run.recorded true)");
    } else {
      log::info("Run {} recorded: `cicada history show {}`", run.info.id, run.info.id);
    }
  }
  return exit_code;
}

}  // namespace cicada::app
