#pragma once
// The per-second history's plain values (one HistoryBlock per closed second, as Locust's
// _stats_history.csv) and the reported percentiles they carry. Every latency is in microseconds.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cicada::stats {

// The percentiles Locust reports in its CSVs and console tables, in this order.
inline constexpr std::size_t kReportedQuantileCount = 11;
inline constexpr std::array<double, kReportedQuantileCount> kReportedQuantiles = {
    0.50, 0.66, 0.75, 0.80, 0.90, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0};
inline constexpr std::array<std::string_view, kReportedQuantileCount> kReportedQuantileNames = {
    "50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"};

using Percentiles = std::array<std::int64_t, kReportedQuantileCount>;  // us, in kReportedQuantiles order

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

// The Aggregated streamed responses (stats/stream_stats.hpp) at one closed second, for the charts over time:
// how many streams so far, and the time to first token and inter-token gap over the last ~10 s (as the
// request latency chart's "current" percentiles). A series without samples in the window is all 0 with a
// count of 0.
struct StreamSecond {
  std::uint64_t streams = 0;              // whole run (since start or the last reset)
  std::uint64_t ttft_count = 0;           // time-to-first-token samples in the window
  std::uint64_t itl_count = 0;            // inter-token gaps in the window
  std::array<std::int64_t, 3> ttft_us{};  // p50, p95, p99 of the window, us
  std::array<std::int64_t, 3> itl_us{};   // p50, p95, p99 of the window, us
};

// One closed second: what Locust appends to _stats_history.csv once a second.
struct HistoryBlock {
  std::int64_t timestamp = 0;              // Unix seconds passed to Aggregate::close_second
  int user_count = 0;                      // running users at that second
  std::vector<HistoryRow> entries;         // per-entry rows, sorted (only when the Aggregate keeps them)
  HistoryRow total;                        // Aggregated row, with current percentiles
  Percentiles total_run_percentiles_us{};  // Aggregated whole-run percentiles (the default history file)
  std::optional<StreamSecond> streams;     // none until something streamed (not in Locust's CSV)
};

}  // namespace cicada::stats
