#include "report/kept_seconds.hpp"

namespace cicada::report {

void summarize_kept_seconds(stats::Snapshot& snap, double started_unix_s) {
  const auto& seconds = snap.history;
  if (seconds.first() >= seconds.size()) return;
  // A reset (--reset-stats, --warmup, the web UI) zeroes the totals in the tick that closes the next
  // second, so the first row after it counts less than the row before: the stats began then (to the second).
  double stats_start = started_unix_s;
  for (std::size_t i = seconds.first() + 1; i < seconds.size(); ++i)
    if (seconds[i]->total.num_requests < seconds[i - 1]->total.num_requests)
      stats_start = static_cast<double>(seconds[i]->timestamp);
  const stats::HistoryBlock& last = *seconds[seconds.size() - 1];
  const stats::HistoryRow& r = last.total;
  stats::EntrySnapshot& e = snap.total;
  e.method.clear();
  e.name = "Aggregated";
  e.num_requests = r.num_requests;
  e.num_failures = r.num_failures;
  e.median_us = r.median_us;
  e.avg_us = r.avg_us;
  e.min_us = r.min_us;
  e.max_us = r.max_us;
  e.avg_content_size = r.avg_content_size;
  // The row's second was closed within a second after its requests: req/s over the kept span is exact to
  // that second, as the run's own "current" rates are.
  const double span_s = static_cast<double>(last.timestamp) - stats_start;
  e.total_rps = span_s > 0 ? static_cast<double>(r.num_requests) / span_s : 0.0;
  e.total_fail_per_s = span_s > 0 ? static_cast<double>(r.num_failures) / span_s : 0.0;
  e.current_rps = r.current_rps;
  e.current_fail_per_s = r.current_fail_per_s;
  e.percentiles_us = last.total_run_percentiles_us;
  e.current_percentiles_us = r.percentiles_us;
  // The uncorrected latency (from the send) is not in the rows: it stays 0, unknown, and `history show`
  // does not print it for such a run.
  if (!e.latency) e.latency = std::make_shared<const stats::Histogram>();
  if (!e.uncorrected_latency) e.uncorrected_latency = e.latency;
  snap.entries.clear();
  snap.start_unix_s = stats_start;
  snap.now_unix_s = static_cast<double>(last.timestamp);
  snap.user_count = last.user_count;
}

}  // namespace cicada::report
