#pragma once
// How busy the open model's polling loops are. Above the polling rate (arrival_polling.hpp) a loop never
// sleeps, so its core reads 100% busy whatever its load and its CPU cannot tell when the generator
// saturates. Each polling loop times the gaps between its poll passes instead (ArrivalExecutor): a gap in
// which nothing happened on the loop (no arrival dispatched, no iteration ended, no request recorded) was
// idle; a gap with work in it was work but for what an empty pass costs (the mean empty gap, measured on
// the same loop every millisecond), which it also held. The time each pass spends yielding its core is
// left out, so another process run in that time is neither. Process-wide sums: the capacity search reads
// them once a window.
#include <cstdint>

namespace cicada::runner {

struct PollingLoad {
  std::uint64_t span_ns = 0;  // time covered by gaps between poll passes, all loops
  std::uint64_t idle_ns = 0;  // of which gaps in which nothing happened
};

// Adds one loop's gaps (a loop publishes about once a millisecond: two relaxed atomic additions).
void add_polling_load(std::uint64_t span_ns, std::uint64_t idle_ns);
// The sums since the process started.
PollingLoad polling_load_total();
// The share of the polled time that was work, between two totals; < 0 when the loops polled for less
// than min_span_ns in between (they slept between arrivals, or did not run): unknown.
double polling_busy_share(const PollingLoad& before, const PollingLoad& after, std::uint64_t min_span_ns);

}  // namespace cicada::runner
