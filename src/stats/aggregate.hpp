#pragma once
// Aggregate: the runner's totals. It folds every thread's (or worker's) StatsDelta, closes one second at a
// time (per-second rates, the history file's block), and hands out Snapshots. Single-threaded: only the
// runner's thread calls it.
//
// Rules (see docs/metrics.md):
// - total rps = requests / (last request time - start time) (Locust's);
// - current rps = requests of the last two closed seconds / the time they cover (not Locust's 10-second
//   mean ending 2 s ago, which lags a change of load by up to 12 s and keeps showing a rate after the
//   target stopped answering);
// - current percentiles over about the last 10 seconds (a per-second ring of sparse histograms);
// - the history starts with Locust's start-up block (no users, no requests) and has one block per closed
//   second, with strictly increasing timestamps.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stats/delta.hpp"
#include "stats/histogram.hpp"
#include "stats/history_log.hpp"
#include "stats/second_ring.hpp"
#include "stats/snapshot.hpp"
#include "stats/stream_stats.hpp"

namespace cicada::stats {

class Aggregate {
 public:
  explicit Aggregate(double start_unix_s);

  // Keep per-entry rows in the history (needed for --csv-full-history). On by default; turn it off to
  // keep only the Aggregated row per second (memory: one row per entry per second otherwise).
  void set_entry_history(bool keep) { keep_entry_history_ = keep; }
  // Memory the per-second history may hold (stats/history_log.hpp); the oldest seconds go beyond it.
  void set_history_budget(std::size_t bytes) { history_.set_budget(bytes); }

  // Adds one interval of one thread/worker. Entries, failures and exceptions appear on first sight.
  void merge(StatsDelta&& delta);

  // Closes a second: everything merged since the previous close counts as second `unix_second`; appends
  // that second's history block (timestamp unix_second, user_count users). A second not after the last
  // closed one (the final close of a run, within the second of the last regular close) is counted as the
  // next second, so no timestamp appears twice. The interval ends at the latest taken_at_unix_s of the
  // deltas merged into it (the threads' clocks), or at unix_second when they carry no time.
  void close_second(std::int64_t unix_second, int user_count);

  // Locust --reset-stats / UI reset: zero counters, failures and exceptions; entries stay (with no
  // requests); the start time becomes now. The history already written is kept.
  void reset(double now_unix_s);

  Snapshot snapshot(double now_unix_s) const;

  // A load shape entered a new stage (or a capacity search a new step) at now_unix_s: kept in every
  // later snapshot so reports and the UI can mark stage boundaries on their charts. Survives reset().
  void mark_stage(double now_unix_s, std::string label);

 private:
  struct Accum {
    std::string method;
    std::string name;
    std::uint64_t num_requests = 0;
    std::uint64_t num_failures = 0;
    std::uint64_t content_bytes = 0;
    Histogram latency;              // whole run
    Histogram uncorrected_latency;  // whole run, from the send (see EntryDelta::uncorrected_latency)
    // The second being filled (merged but not yet closed).
    std::uint64_t open_requests = 0;
    std::uint64_t open_failures = 0;
    Histogram open_latency;
    SecondRing ring;  // closed seconds
  };

  void merge_entry(Accum& a, const EntryDelta& d);
  void close_accum(Accum& a, std::int64_t second);
  void clear_accum(Accum& a);
  // Fills the whole-run fields and, relative to window_end (a second), the current fields.
  EntrySnapshot entry_snapshot(const Accum& a, std::int64_t window_end, bool with_histogram) const;
  HistoryRow history_row(const EntrySnapshot& e) const;
  double run_seconds() const;
  // Requests and failures per second of `a` over the last kRateIntervals closed intervals.
  std::pair<double, double> current_rates(const Accum& a) const;

  // A closed interval: its second (history timestamp) and when it ended (Unix seconds).
  struct Closed {
    std::int64_t second = 0;
    double end_unix_s = 0.0;
  };
  static constexpr std::size_t kRateIntervals = 2;  // current rates: the last 2 closed intervals

  double start_unix_s_;
  double last_request_unix_s_ = 0.0;  // 0: no request since start
  std::int64_t last_closed_second_ = -1;
  bool open_has_requests_ = false;
  double open_last_taken_at_ = 0.0;  // latest taken_at of the open interval's deltas with requests
  double open_taken_at_ = 0.0;       // latest taken_at of any delta of the open interval
  // The last kRateIntervals + 1 closes since start or reset, oldest first (the extra one dates the start
  // of the window).
  std::vector<Closed> recent_closes_;
  int user_count_ = 0;
  std::uint64_t due_iterations_ = 0;  // since start or the last reset (see Snapshot)
  std::uint64_t started_iterations_ = 0;
  std::uint64_t dropped_iterations_ = 0;
  StreamAggregate streams_;                // streamed responses, since start or the last reset
  std::uint64_t unanswered_requests_ = 0;  // since start or the last reset
  std::int64_t oldest_unanswered_us_ = 0;
  std::uint64_t unanswered_counted_ = 0;  // of unanswered_requests_, those that are failed requests
  std::vector<StageMark> stages_;
  bool keep_entry_history_ = true;

  std::map<std::pair<std::string, std::string>, Accum> entries_;  // key (name, method): sorted as reported
  bool names_folded_ = false;  // kMaxEntries reached: new names went to kOtherNames (delta.hpp)
  Accum total_;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t>
      failures_;  // (name, method, err); at most kMaxErrorsPerEntry texts per entry, plus kOtherErrors
  std::map<std::pair<std::string, std::string>, std::size_t> error_texts_;  // (name, method) -> texts
  std::vector<ExceptionRow> exceptions_;                                    // first-seen order
  std::unordered_map<std::string, std::size_t> exception_index_;  // message + '\0' + traceback -> index
  HistoryLog history_;
  // Scratch for the recent-seconds histogram, reused so a snapshot does not allocate 35 KB per entry.
  mutable Histogram recent_;
};

}  // namespace cicada::stats
