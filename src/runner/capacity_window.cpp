#include "runner/capacity_window.hpp"

#include <algorithm>
#include <vector>

namespace cicada::runner {

WindowMark mark_of(const stats::Snapshot& s) {
  WindowMark m;
  m.at_unix_s = s.now_unix_s;
  m.requests = s.total.num_requests;
  m.failures = s.total.num_failures;
  m.dropped = s.dropped_iterations;
  m.due = s.due_iterations;
  if (s.total.latency) m.latency = *s.total.latency;
  if (s.total.uncorrected_latency) m.uncorrected = *s.total.uncorrected_latency;
  return m;
}

stats::Histogram histogram_difference(const stats::Histogram& later, const stats::Histogram& earlier) {
  std::vector<stats::HistogramBucket> before;
  earlier.for_each_bucket([&](const stats::HistogramBucket& b) { before.push_back(b); });
  stats::Histogram out;
  auto it = before.begin();
  later.for_each_bucket([&](const stats::HistogramBucket& b) {
    while (it != before.end() && it->index < b.index) ++it;
    const std::uint64_t had = it != before.end() && it->index == b.index ? it->count : 0;
    if (b.count > had) out.record_n(stats::Histogram::bucket_mid(b.index), b.count - had);
  });
  return out;
}

CapacityWindow window_between(const WindowMark& from, const WindowMark& to, int in_flight) {
  auto minus = [](std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; };
  CapacityWindow w;
  w.seconds = std::max(1e-3, to.at_unix_s - from.at_unix_s);
  w.requests = minus(to.requests, from.requests);
  w.failures = minus(to.failures, from.failures);
  w.dropped = minus(to.dropped, from.dropped);
  w.due = minus(to.due, from.due);
  w.latency = histogram_difference(to.latency, from.latency);
  const stats::Histogram sent = histogram_difference(to.uncorrected, from.uncorrected);
  w.lateness_p50_us =
      std::max<std::int64_t>(0, w.latency.value_at_quantile(0.5) - sent.value_at_quantile(0.5));
  w.sent_mean_us = sent.count() > 0 ? sent.mean() : 0.0;
  w.in_flight = in_flight;
  return w;
}

}  // namespace cicada::runner
