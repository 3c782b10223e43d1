// Cost of recording latency samples on the hot path: the histogram alone, and the whole ThreadStats path a
// request takes (entry lookup by name + record), plus the once-a-second work (take_delta, quantiles).
#include "stats/histogram.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "stats/snapshot.hpp"
#include "stats/thread_stats.hpp"

using namespace cicada::stats;

namespace {

std::vector<std::int64_t> lognormal_latencies(std::size_t n) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> d(7.5, 1.0);  // median ~1.8 ms
  std::vector<std::int64_t> v(n);
  for (auto& x : v) x = static_cast<std::int64_t>(d(rng));
  return v;
}

void BM_HistogramRecord(benchmark::State& state) {
  const auto values = lognormal_latencies(4096);
  Histogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord);

void BM_ThreadStatsEntryAndRecordSuccess(benchmark::State& state) {
  const auto values = lognormal_latencies(4096);
  ThreadStats s;
  const std::string names[] = {"/health", "/predict", "/missing/[id]", "/api/v1/users/[id]/orders"};
  for (const auto& n : names) s.entry("GET", n);
  std::size_t i = 0;
  for (auto _ : state) {
    EntryId id = s.entry("GET", names[i & 3]);
    s.record_success(id, values[i & 4095], 512);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ThreadStatsEntryAndRecordSuccess);

void BM_ThreadStatsRecordFailureKnownText(benchmark::State& state) {
  ThreadStats s;
  EntryId id = s.entry("GET", "/missing/[id]");
  const std::string error = "HTTPError('404 Client Error: NOT FOUND for url: /missing/[id]')";
  s.record_failure(id, 1000, 0, error);
  std::int64_t v = 0;
  for (auto _ : state) s.record_failure(id, 1000 + (v++ & 1023), 0, error);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ThreadStatsRecordFailureKnownText);

// Once a second per thread: the interval of 4 busy entries becomes a delta.
void BM_ThreadStatsTakeDelta(benchmark::State& state) {
  const auto values = lognormal_latencies(4096);
  ThreadStats s;
  EntryId ids[4] = {s.entry("GET", "/a"), s.entry("GET", "/b"), s.entry("POST", "/c"), s.entry("GET", "/d")};
  for (auto _ : state) {
    state.PauseTiming();
    for (std::size_t i = 0; i < 20'000; ++i) s.record_success(ids[i & 3], values[i & 4095], 100);
    state.ResumeTiming();
    benchmark::DoNotOptimize(s.take_delta());
  }
}
BENCHMARK(BM_ThreadStatsTakeDelta);

void BM_HistogramReportedQuantiles(benchmark::State& state) {
  Histogram h;
  for (auto v : lognormal_latencies(100'000)) h.record(v);
  Percentiles out{};
  for (auto _ : state) {
    h.values_at_quantiles(kReportedQuantiles, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_HistogramReportedQuantiles);

}  // namespace

BENCHMARK_MAIN();
