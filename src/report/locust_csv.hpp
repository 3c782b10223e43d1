#pragma once
// Locust 2.12-compatible CSV files (--csv PREFIX): the same headers, column order, row order and quoting,
// so tools that read Locust's files read ours. Values differ on purpose in one way: times are milliseconds
// with microsecond resolution ("1.234") instead of Locust's rounded integers. See docs/metrics.md.
#include <cstddef>
#include <string>

#include "base/result.hpp"
#include "stats/snapshot.hpp"

namespace cicada::report {

// The header lines (without "\r\n"), exactly as Locust writes them.
extern const char* const kStatsCsvHeader;
extern const char* const kStatsHistoryCsvHeader;
extern const char* const kFailuresCsvHeader;
extern const char* const kExceptionsCsvHeader;

// Whole files as text ("\r\n" line ends). Usable directly for HTTP downloads of the same tables.
std::string stats_csv(const stats::Snapshot& snap);
// full_history: per-entry rows and current (last ~10 s) percentiles, as --csv-full-history.
std::string stats_history_csv(const stats::Snapshot& snap, bool full_history);
std::string failures_csv(const stats::Snapshot& snap);
std::string exceptions_csv(const stats::Snapshot& snap);

// Writes PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv, PREFIX_exceptions.csv. Each is
// written to PREFIX_x.csv.tmp and renamed over the target, so a reader never sees half a file.
Result<void> write_locust_csvs(const stats::Snapshot& snap, const std::string& prefix, bool full_history);

// What the files hold before the first second of a run: the Aggregated row at zero, no entry, no
// history block (Locust writes its files at start too, so a reader can open them from the first moment).
stats::Snapshot snapshot_before_the_run();

// For the once-a-second rewrite during a run: the same four files, but the history file is appended to
// (only blocks not yet written), as Locust does, so each write costs O(new seconds) instead of O(run).
// The other three files are replaced atomically as above. One writer per prefix; not thread-safe.
class LocustCsvWriter {
 public:
  LocustCsvWriter(std::string prefix, bool full_history);
  Result<void> write(const stats::Snapshot& snap);

 private:
  std::string prefix_;
  bool full_history_;
  bool history_started_ = false;
  std::size_t blocks_written_ = 0;
};

}  // namespace cicada::report
