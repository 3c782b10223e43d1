#include "report/unanswered.hpp"

#include <fmt/format.h>

#include "stats/thread_stats.hpp"

namespace cicada::report {

std::uint64_t unanswered_counted_from_failure_rows(const stats::Snapshot& snap) {
  std::uint64_t n = 0;
  for (const auto& f : snap.failures)
    if (f.error == stats::ThreadStats::kUnansweredError || f.error == stats::ThreadStats::kStalledStreamError)
      n += f.occurrences;
  return n;
}

std::uint64_t unanswered_cut_streams(const stats::Snapshot& snap) {
  return snap.streams.empty() ? 0 : stats::cut_streams(snap.streams.back());  // the Aggregated row
}

std::string unanswered_text(const stats::Snapshot& snap) {
  if (snap.unanswered_requests == 0) return {};
  std::string streams;
  if (const std::uint64_t cut = unanswered_cut_streams(snap); cut > 0)
    streams = fmt::format("; {} of them streams cut while their answer arrived, not failures", cut);
  return fmt::format(
      "Requests without an answer when the test ended: {} (the oldest waited {:.1f} s{}); those that waited "
      "1 s or more count as failures (NoResponse)",
      snap.unanswered_requests, static_cast<double>(snap.oldest_unanswered_us) / 1e6, streams);
}

}  // namespace cicada::report
