#pragma once
// HistoryDb: the SQLite database of recorded runs (--history-db, default .cicada/history.db).
//
// A run is written in three steps so that a crash, Ctrl-C or kill -9 at any point leaves a consistent
// database: begin_run() inserts the run row (status 'running'), append_seconds() adds the per-second
// history as it comes, finish_run() writes the final stats, failures, exceptions and threshold verdicts
// and sets status 'complete', all in one transaction. A run never finished stays 'running' and is
// reported as incomplete. WAL mode and a busy timeout let concurrent runs share one file.
// Schema and its version: docs/history.md.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "report/history_sqlite.hpp"
#include "stats/snapshot.hpp"

namespace cicada::report {

inline constexpr int kHistorySchemaVersion = 6;

struct RunInfo {
  std::string id;             // time-sortable, e.g. 20261126T071530Z-3f9a
  double started_unix_s = 0;  // wall clock at start
  // When the stored figures began: the run's start, or the stats reset after it (--reset-stats, a reset
  // in the web UI, the end of --warmup). Read from the history; the run's start when it was not recorded
  // (an incomplete run, or one recorded before schema v6).
  double stats_started_unix_s = 0;
  std::optional<double> ended_unix_s;  // none while running or when the run never finished
  bool complete = false;               // finish_run() happened
  std::string machine;                 // hostname of the machine that ran the test
  std::string target_host;             // base URL under test
  std::string scenario_file;
  std::string scenario_sha256;   // of the scenario file's bytes
  std::string config_json;       // the full effective configuration
  std::string git_commit;        // of the working directory; "" outside a git work tree
  int users = 0;                 // peak users asked for
  std::optional<int> exit_code;  // the process's exit code; none when incomplete
  // How the run ended (docs/ci.md, run.ended_by): "run_time", "shape_end", "interrupted", "threshold",
  // "quit", "stopped", "workers_lost"; "" when incomplete, unknown (a web UI test) or recorded before v5.
  std::string ended_by;
  std::string verdict;  // "pass"/"fail" when thresholds were set, "" otherwise
  // The history holds this run: false for --no-history, or when its database failed during the run (the
  // log says why), so the id in --json and --junit names no stored run. Not stored: a run read from the
  // history is recorded by being there.
  bool recorded = true;
};

// One threshold verdict as stored (values already formatted with their units).
struct StoredThreshold {
  std::string threshold;  // as written
  std::string entry;      // "Aggregated" or "METHOD NAME"
  double actual = 0;      // in the threshold's unit (us, fraction, per second, count)
  double limit = 0;
  std::string actual_text;
  std::string limit_text;  // with its operator: "< 200ms"
  bool passed = false;
};

// A line of `cicada history list`: the run and its Aggregated row (for a run that never recorded its end,
// from the seconds it kept: report/kept_seconds.hpp).
struct RunSummary {
  RunInfo info;
  stats::EntrySnapshot total;
};

struct StoredRun {
  RunInfo info;
  // Final stats and the per-second history; for a run that never recorded its end, the Aggregated row of
  // the seconds it kept and no entries (report/kept_seconds.hpp).
  stats::Snapshot snapshot;
  std::vector<StoredThreshold> thresholds;
  // The entries' latency histograms were stored (schema v2 runs). false for runs recorded by a v1
  // cicada: their histograms are empty, so percentiles recomputed from them would read 0.
  bool has_histograms = false;
};

class HistoryDb {
 public:
  // create: make the folder and file if missing (recording runs); false for `history delete`, which then
  // fails with a clear message when there is no database.
  static Result<HistoryDb> open(const std::filesystem::path& file, bool create = true);
  // For reading only (history list/show/export, compare, report): writes nothing, migrates nothing, so a
  // file this process may not write reads as well (sql::Connection::open_read_only). The writes below
  // fail on it.
  static Result<HistoryDb> open_read_only(const std::filesystem::path& file);

  Result<void> begin_run(const RunInfo& info);
  // Stores the blocks not stored yet (the snapshot's history only grows), in one transaction.
  Result<void> append_seconds(const std::string& id, const stats::HistoryView& blocks);
  // users: the run's users as they ended up (the peak reached, also after an edit in the web UI), to
  // replace the count begin_run() stored; none keeps it.
  Result<void> finish_run(const std::string& id, const stats::Snapshot& final_stats,
                          const std::vector<StoredThreshold>& thresholds, int exit_code,
                          const std::string& verdict, double ended_unix_s,
                          std::optional<int> users = std::nullopt, const std::string& ended_by = "");

  // Newest first; limit 0: all.
  Result<std::vector<RunSummary>> list(std::size_t limit = 0) const;
  // An id, a unique prefix of one, "latest" (newest run) or "previous" (the one before it). With
  // complete_only the keywords skip unfinished runs (what compare and report want).
  Result<std::string> resolve(const std::string& ref, bool complete_only = false) const;
  Result<StoredRun> load(const std::string& id) const;
  Result<bool> remove(const std::string& id);

 private:
  explicit HistoryDb(sql::Connection db) : db_(std::move(db)) {}
  Result<void> create_schema();
  Result<void> write_new_seconds(const std::string& id, const stats::HistoryView& blocks);
  Result<stats::HistoryView> read_seconds(const std::string& id) const;  // run_seconds, in order
  sql::Connection db_;
};

// A new run id from the wall clock and 16 random bits: "YYYYMMDDTHHMMSSZ-xxxx". Ids sort by start time
// (to the second); the suffix keeps runs started in the same second apart.
std::string make_run_id(std::chrono::system_clock::time_point now);

}  // namespace cicada::report
