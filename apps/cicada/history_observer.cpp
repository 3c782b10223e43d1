#include "history_observer.hpp"

#include <chrono>

#include "base/log.hpp"
#include "history_run_info.hpp"

namespace cicada::app {

void HistoryObserver::fail(const std::string& what, const std::string& message) {
  log::error("run history ({}): {}: {}; this run is no longer recorded", options_.history.history_db, what,
             message);
  db_.reset();
}

void HistoryObserver::on_start(runner::LocalRunner& runner) {
  auto db = report::HistoryDb::open(options_.history.history_db);
  if (!db) return fail("open", db.error().message);
  db_.emplace(std::move(*db));
  const auto info = make_run_info(options_, runner.options(), runner.seed());
  if (auto r = db_->begin_run(info); !r) return fail("start", r.error().message);
  id_ = info.id;
  log::info("Run id {} (recorded in {})", id_, options_.history.history_db);
}

void HistoryObserver::on_second(const stats::Snapshot& snap) {
  if (!db_) return;
  if (auto r = db_->append_seconds(id_, snap.history); !r) fail("per-second history", r.error().message);
}

int HistoryObserver::on_finish(const stats::Snapshot& snap) {
  // Kept for on_exit, which knows the exit code every observer agreed on.
  final_ = std::make_shared<const stats::Snapshot>(snap);
  return 0;
}

void HistoryObserver::on_exit(int exit_code) {
  if (!db_ || !final_) return;
  std::vector<report::StoredThreshold> verdicts;
  std::string verdict;
  if (thresholds_ && !thresholds_->results().empty()) {
    for (const auto& r : thresholds_->results()) {
      const auto& t = *r.threshold;
      verdicts.push_back(
          {t.text, r.entry, r.actual, t.limit,
           r.no_data ? "no requests" : report::format_threshold_value(t, r.actual),
           std::string(report::threshold_op_text(t.op)) + " " + report::format_threshold_value(t, t.limit),
           r.passed});
    }
    verdict = report::all_passed(thresholds_->results()) ? "pass" : "fail";
  }
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (auto r = db_->finish_run(id_, *final_, verdicts, exit_code, verdict, now); !r)
    return fail("final stats", r.error().message);
  log::info("Run {} recorded: `cicada history show {}`", id_, id_);
}

}  // namespace cicada::app
