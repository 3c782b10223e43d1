#pragma once
// Snapshot: a plain, self-contained picture of the statistics at one moment, produced by
// Aggregate::snapshot(). Reports (CSV, console, HTML), the web UI and the master read only this.
// Every latency is in microseconds; reports convert to milliseconds.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stats/histogram.hpp"

namespace cicada::stats {

// The percentiles Locust reports in its CSVs and console tables, in this order.
inline constexpr std::size_t kReportedQuantileCount = 11;
inline constexpr std::array<double, kReportedQuantileCount> kReportedQuantiles = {
    0.50, 0.66, 0.75, 0.80, 0.90, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0};
inline constexpr std::array<std::string_view, kReportedQuantileCount> kReportedQuantileNames = {
    "50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"};

using Percentiles = std::array<std::int64_t, kReportedQuantileCount>;  // us, in kReportedQuantiles order

// One request stats entry (method, name), or the Aggregated total, over the whole run (since start or
// the last reset) plus its "current" (recent seconds) rates.
struct EntrySnapshot {
  std::string method;               // HTTP method; "" for the Aggregated total
  std::string name;                 // entry name; "Aggregated" for the total
  std::uint64_t num_requests = 0;   // completed requests, failures included
  std::uint64_t num_failures = 0;   // failed requests (subset of num_requests)
  std::int64_t median_us = 0;       // Locust's median: sample (n-1)/2 of the histogram; 0 without requests
  double avg_us = 0.0;              // exact mean latency, us; 0 without requests
  std::int64_t min_us = 0;          // exact smallest latency, us; 0 without requests
  std::int64_t max_us = 0;          // exact largest latency, us; 0 without requests
  double avg_content_size = 0.0;    // body bytes / num_requests; 0 without requests
  double total_rps = 0.0;           // num_requests / (last request time - start time), whole run
  double total_fail_per_s = 0.0;    // num_failures / (last request time - start time), whole run
  double current_rps = 0.0;         // mean requests per second over [max(last-12, start), last-2) (seconds)
  double current_fail_per_s = 0.0;  // same window, failures per second
  Percentiles percentiles_us{};     // whole run, kReportedQuantiles; all 0 without requests
  Percentiles current_percentiles_us{};      // last ~10 closed seconds; all 0 when those hold no sample
  std::shared_ptr<const Histogram> latency;  // whole-run latency histogram (never null in a snapshot)
  // The same requests measured from when each was sent instead of when it was due (docs/metrics.md,
  // coordinated omission). Equal to the fields above unless requests started late (arrival-rate load).
  Percentiles uncorrected_percentiles_us{};              // whole run; all 0 without requests
  double uncorrected_avg_us = 0.0;                       // exact mean, us
  std::int64_t uncorrected_max_us = 0;                   // exact largest, us
  std::shared_ptr<const Histogram> uncorrected_latency;  // whole run (never null in a snapshot)

  bool has_requests() const { return num_requests != 0; }
  // failures / requests in [0, 1]; 0 without requests.
  double fail_ratio() const {
    return num_requests ? static_cast<double>(num_failures) / static_cast<double>(num_requests) : 0.0;
  }
};

// One entry's (or the Aggregated) streams over the whole run (since start or the last reset).
struct StreamSnapshot {
  std::string method;  // "" for the Aggregated row
  std::string name;    // "Aggregated" for the total
  std::uint64_t streams = 0;
  std::uint64_t events = 0;
  std::uint64_t tokens = 0;
  // Tokens after the first token event / time from the first to the last token event, over all streams:
  // the rate a reader sees once the answer started. 0 without such time.
  double tokens_per_s = 0.0;
  Percentiles ttfb_us{};  // kReportedQuantiles, all 0 without samples
  Percentiles ttft_us{};
  Percentiles itl_us{};
  Percentiles total_us{};
  double ttft_avg_us = 0.0;
  double itl_avg_us = 0.0;
  std::uint64_t ttft_count = 0;                             // streams that had a token
  std::uint64_t itl_count = 0;                              // gaps measured
  std::shared_ptr<const Histogram> ttfb, ttft, itl, total;  // whole run, never null in a snapshot
};

// Failures of one (method, name, error text) over the whole run.
struct FailureRow {
  std::string method;
  std::string name;
  std::string error;              // error text as recorded
  std::uint64_t occurrences = 0;  // failed requests with this error
};

// Exceptions that escaped scenario code, grouped by (message, traceback), in first-seen order.
struct ExceptionRow {
  std::uint64_t count = 0;  // times raised
  std::string message;      // the exception's message
  std::string traceback;    // where it was raised ("UserType.task")
  std::string nodes;        // node ids that reported it: "local" for a standalone run
};

// One row of a _stats_history.csv block. Totals are whole-run values at that second.
struct HistoryRow {
  std::string method;  // "" for Aggregated
  std::string name;
  double current_rps = 0.0;         // as EntrySnapshot::current_rps, at that second
  double current_fail_per_s = 0.0;  // as EntrySnapshot::current_fail_per_s, at that second
  // Percentiles written in the row: current (last ~10 s) for per-entry rows and for the Aggregated row in
  // full-history mode. N/A in the CSV when num_requests == 0.
  Percentiles percentiles_us{};
  std::uint64_t num_requests = 0;
  std::uint64_t num_failures = 0;
  std::int64_t median_us = 0;
  double avg_us = 0.0;
  std::int64_t min_us = 0;
  std::int64_t max_us = 0;
  double avg_content_size = 0.0;
};

// One closed second: what Locust appends to _stats_history.csv once a second.
struct HistoryBlock {
  std::int64_t timestamp = 0;              // Unix seconds passed to Aggregate::close_second
  int user_count = 0;                      // running users at that second
  std::vector<HistoryRow> entries;         // per-entry rows, sorted (only when the Aggregate keeps them)
  HistoryRow total;                        // Aggregated row, with current percentiles
  Percentiles total_run_percentiles_us{};  // Aggregated whole-run percentiles (the default history file)
};

// Where a load shape entered a stage (or a capacity search a step), for marks on charts.
struct StageMark {
  double start_unix_s = 0.0;  // wall-clock time the stage began
  std::string label;          // e.g. "stage 2: 100 users @ 10/s" or "200/s"
};

struct Snapshot {
  double now_unix_s = 0.0;               // when the snapshot was taken (argument of snapshot())
  double start_unix_s = 0.0;             // stats start: Aggregate construction or the last reset
  double last_request_unix_s = 0.0;      // time of the latest request seen; 0 when none since start
  int user_count = 0;                    // users at the latest closed second
  std::vector<EntrySnapshot> entries;    // sorted by name, then method
  EntrySnapshot total;                   // the Aggregated row
  std::vector<FailureRow> failures;      // sorted by name, method, error
  std::vector<ExceptionRow> exceptions;  // first-seen order
  std::vector<std::shared_ptr<const HistoryBlock>> history;  // one block per closed second, oldest first
  // Arrival-rate load: scheduled iterations that never started (since start or the last reset).
  std::uint64_t dropped_iterations = 0;
  // Requests still waiting for their response when the test ended (docs/metrics.md, "Failures"), and how
  // long the oldest had waited, us. Those that waited 1 s or more are also failures (NoResponse).
  std::uint64_t unanswered_requests = 0;
  std::int64_t oldest_unanswered_us = 0;
  std::vector<StageMark> stages;  // stage boundaries of the whole run, oldest first (kept across resets)
  // Streamed responses (stats/stream_stats.hpp): one row per entry that streamed, then the Aggregated
  // row; empty when nothing streamed.
  std::vector<StreamSnapshot> streams;
};

}  // namespace cicada::stats
