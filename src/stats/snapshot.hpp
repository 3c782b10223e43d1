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
#include "stats/history_log.hpp"

namespace cicada::stats {

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
  // Streams measured, those the end of the test cut while they arrived included (stats/stream_stats.hpp):
  // they have every figure but a total, so total->count() is the streams that ended (cut_streams()).
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

// The streams of a row that the end of the test cut while they arrived: those without a total.
inline std::uint64_t cut_streams(const StreamSnapshot& s) {
  const std::uint64_t ended = s.total ? s.total->count() : 0;
  return s.streams > ended ? s.streams - ended : 0;
}

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
  std::string traceback;    // where it was raised: Python frames, or "  in UserType.task" and the C++ type
  // Where it was raised: "local" for a standalone run; a master lists the ids of the workers that raised
  // it, ", "-separated in first-seen order (Locust's exceptions.csv Nodes column).
  std::string nodes;
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
  // One block per closed second, oldest first, from Locust's start-up block on; a view of the Aggregate's
  // bounded log (stats/history_log.hpp): cheap to copy, blocks [history.first(), history.size()).
  HistoryView history;
  // Arrival-rate load, since start or the last reset: iterations whose scheduled time came, those that
  // started, and those that never will (could not start in time). due = started + dropped once the run
  // has stopped; while it runs the difference is the iterations waiting for a slot.
  std::uint64_t due_iterations = 0;
  std::uint64_t started_iterations = 0;
  std::uint64_t dropped_iterations = 0;
  // Requests still waiting for their response when the test ended (docs/metrics.md, "Failures"), and how
  // long the oldest had waited, us. Those that waited 1 s or more are also failures (NoResponse).
  std::uint64_t unanswered_requests = 0;
  std::int64_t oldest_unanswered_us = 0;
  // Of unanswered_requests, those that are failed requests (NoResponse), counted as recorded (their
  // failure rows may be folded into "(other errors)"): the target received
  // total.num_requests + unanswered_requests - unanswered_counted requests.
  std::uint64_t unanswered_counted = 0;
  std::vector<StageMark> stages;  // stage boundaries of the whole run, oldest first (kept across resets)
  // Streamed responses (stats/stream_stats.hpp): one row per entry that streamed, then the Aggregated
  // row; empty when nothing streamed.
  std::vector<StreamSnapshot> streams;
  // A fleet's workers lost during this test (killed, or silent past the worker timeout): what each
  // reported before is here, its last unreported second and the load it would have made are not.
  std::uint32_t lost_workers = 0;
  // The users they last reported running (in the open model, the iterations they had in flight): the
  // requests those had under way are neither counted nor unanswered.
  std::uint64_t lost_worker_users = 0;
};

}  // namespace cicada::stats
