#pragma once
// Aggregate: the runner's totals. It folds every thread's (or worker's) StatsDelta, closes one second at a
// time (per-second rates, the history file's block), and hands out Snapshots. Single-threaded: only the
// runner's thread calls it.
//
// Locust's rules it reproduces (see docs/metrics.md):
// - total rps = requests / (last request time - start time);
// - current rps = mean of the per-second counts over [max(last-12, start), last-2), `last` being the second
//   of the latest request;
// - current percentiles over about the last 10 seconds (a per-second ring of sparse histograms).
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

  // Adds one interval of one thread/worker. Entries, failures and exceptions appear on first sight.
  void merge(StatsDelta&& delta);

  // Closes a second: everything merged since the previous close counts as second `unix_second`; appends
  // that second's history block (timestamp unix_second, user_count users).
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

  double start_unix_s_;
  double last_request_unix_s_ = 0.0;       // 0: no request since start
  std::int64_t last_request_second_ = -1;  // second of the latest closed second with requests; -1: none
  std::int64_t last_closed_second_ = -1;
  bool open_has_requests_ = false;
  double open_last_taken_at_ = 0.0;
  int user_count_ = 0;
  std::uint64_t dropped_iterations_ = 0;   // since start or the last reset
  StreamAggregate streams_;                // streamed responses, since start or the last reset
  std::uint64_t unanswered_requests_ = 0;  // since start or the last reset
  std::int64_t oldest_unanswered_us_ = 0;
  std::vector<StageMark> stages_;
  bool keep_entry_history_ = true;

  std::map<std::pair<std::string, std::string>, Accum> entries_;  // key (name, method): sorted as reported
  Accum total_;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t>
      failures_;                                                  // (name, method, err)
  std::vector<ExceptionRow> exceptions_;                          // first-seen order
  std::unordered_map<std::string, std::size_t> exception_index_;  // message + '\0' + traceback -> index
  std::vector<std::shared_ptr<const HistoryBlock>> history_;
  // Scratch for the recent-seconds histogram, reused so a snapshot does not allocate 35 KB per entry.
  mutable Histogram recent_;
};

}  // namespace cicada::stats
