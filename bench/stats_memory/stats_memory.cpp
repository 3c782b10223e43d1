// A 24-hour run's statistics, fast-forwarded (docs/metrics.md, "Memory: what a long run holds").
//
// Feeds an Aggregate what the runner would in 24 h at 1,000 req/s: 86,400 one-second deltas of 1,000
// requests over 5 request stats entries (varied latencies), each second with one failure text that repeats
// and one that is new (a server putting an id in its errors), closing one second at a time on a fake clock
// and taking a snapshot each second as the runner publishes one. Prints the process RSS (start, end, peak),
// the history's estimated bytes, and the cost of one snapshot in the first and in the last hour: the ratio
// shows a snapshot no longer copies the whole history. Exits non-zero when the budget is exceeded or when
// nothing was measured.
//
//   bench_stats_memory [--full-history] [--seconds N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "stats/aggregate.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Resident set size and its peak, in MB (/proc/self/status VmRSS, VmHWM).
std::pair<double, double> rss_mb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  double rss = 0, hwm = 0;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::atof(line.c_str() + 6) / 1024.0;
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::atof(line.c_str() + 6) / 1024.0;
  }
  return {rss, hwm};
}

constexpr double kBudgetMb = 100.0;  // the stated budget (docs/metrics.md)
constexpr int kEntries = 5;
constexpr int kRequestsPerSecond = 1000;

}  // namespace

int main(int argc, char** argv) {
  bool full_history = false;
  std::int64_t seconds = 86'400;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--full-history") full_history = true;
    if (a == "--seconds" && i + 1 < argc) seconds = std::atoll(argv[++i]);
  }
  const auto [rss_start, hwm_start] = rss_mb();
  (void)hwm_start;

  // Each entry's one-second latency histogram, built once (the deltas are copies, as merged deltas are).
  std::vector<cicada::stats::SparseHistogram> per_second(kEntries);
  for (int e = 0; e < kEntries; ++e) {
    cicada::stats::Histogram h;
    for (int i = 0; i < kRequestsPerSecond / kEntries; ++i)
      h.record(800 + (e + 1) * 37 * (i % 97) + i * i % 5000);
    per_second[static_cast<std::size_t>(e)] = h.to_sparse();
  }
  const double t0 = 1'800'000'000.0;
  cicada::stats::Aggregate agg(t0);
  agg.set_entry_history(full_history);

  double first_hour_us = 0, last_hour_us = 0;
  std::int64_t first_n = 0, last_n = 0;
  std::size_t snapshot_history = 0;
  for (std::int64_t s = 1; s <= seconds; ++s) {
    cicada::stats::StatsDelta d;
    d.taken_at_unix_s = t0 + static_cast<double>(s);
    for (int e = 0; e < kEntries; ++e) {
      cicada::stats::EntryDelta entry;
      entry.method = e % 2 ? "POST" : "GET";
      entry.name = "/api/v1/resource-" + std::to_string(e);
      entry.num_requests = kRequestsPerSecond / kEntries;
      entry.num_failures = e == 0 ? 2 : 0;
      entry.content_bytes = entry.num_requests * 120;
      entry.latency = per_second[static_cast<std::size_t>(e)];
      d.entries.push_back(std::move(entry));
    }
    d.failures.push_back({"GET", "/api/v1/resource-0", "HTTPError('503 Service Unavailable')", 1});
    d.failures.push_back({"GET", "/api/v1/resource-0", "timeout for request id " + std::to_string(s), 1});
    agg.merge(std::move(d));
    agg.close_second(static_cast<std::int64_t>(t0) + s, 100);
    const auto before = Clock::now();
    const auto snap = agg.snapshot(t0 + static_cast<double>(s));
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - before).count();
    if (s <= 3600) {
      first_hour_us += us;
      ++first_n;
    } else if (s > seconds - 3600) {
      last_hour_us += us;
      ++last_n;
    }
    snapshot_history = snap.history.size();
  }
  const auto [rss_end, hwm_end] = rss_mb();
  const auto last = agg.snapshot(t0 + static_cast<double>(seconds));
  const double first_avg = first_n ? first_hour_us / static_cast<double>(first_n) : 0;
  const double last_avg = last_n ? last_hour_us / static_cast<double>(last_n) : first_avg;
  std::printf("stats memory, %lld s at %d req/s over %d entries, %s history\n",
              static_cast<long long>(seconds), kRequestsPerSecond, kEntries,
              full_history ? "full (per-entry rows)" : "default (Aggregated rows)");
  std::printf("  requests %llu, history blocks %zu (held from %zu), failure rows %zu\n",
              static_cast<unsigned long long>(last.total.num_requests), last.history.size(),
              last.history.first(), last.failures.size());
  std::printf("  RSS start %.1f MB, end %.1f MB, peak %.1f MB (budget %.0f MB)\n", rss_start, rss_end,
              hwm_end, kBudgetMb);
  std::printf("  snapshot: %.1f us in the first hour, %.1f us in the last hour (ratio %.2f)\n", first_avg,
              last_avg, first_avg > 0 ? last_avg / first_avg : 0.0);
  // What a snapshot pays for the history, against the reference measured here: copying one pointer per
  // block, as snapshots did before the chunked log. Median of 9 rounds of 200 copies each.
  std::vector<std::shared_ptr<const cicada::stats::HistoryBlock>> flat(last.history.begin(),
                                                                       last.history.end());
  auto median_us = [](auto&& copy_once) {
    std::vector<double> rounds;
    for (int r = 0; r < 9; ++r) {
      const auto t = Clock::now();
      for (int i = 0; i < 200; ++i) copy_once();
      rounds.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count() / 200);
    }
    std::sort(rounds.begin(), rounds.end());
    return rounds[4];
  };
  std::size_t sink = 0;
  const double view_us = median_us([&] {
    cicada::stats::HistoryView copy = last.history;
    sink += copy.size();
  });
  const double flat_us = median_us([&] {
    auto copy = flat;
    sink += copy.size();
  });
  std::printf(
      "  history copy per snapshot: %.2f us (chunked view of %zu blocks) vs %.1f us (one pointer per "
      "block, the reference): %.0fx less (%zu)\n",
      view_us, flat.size(), flat_us, view_us > 0 ? flat_us / view_us : 0.0, sink % 10);
  // A benchmark that measured nothing fails loudly.
  const auto want_requests = static_cast<std::uint64_t>(seconds) * kRequestsPerSecond;
  if (last.total.num_requests != want_requests || snapshot_history != static_cast<std::size_t>(seconds) + 1) {
    std::fprintf(stderr, "FAIL: expected %llu requests and %lld blocks\n",
                 static_cast<unsigned long long>(want_requests), static_cast<long long>(seconds) + 1);
    return 1;
  }
  if (hwm_end > kBudgetMb) {
    std::fprintf(stderr, "FAIL: peak RSS %.1f MB is over the %.0f MB budget\n", hwm_end, kBudgetMb);
    return 1;
  }
  return 0;
}
