#pragma once
// How busy the open model's polling loops are. Above the polling rate (arrival_polling.hpp) a loop never
// sleeps, so its core reads 100% busy whatever its load and its CPU cannot tell when the generator
// saturates. Each polling loop times the gaps between its poll passes instead (PollGapMeter): a gap in
// which nothing happened on the loop (no arrival dispatched, no iteration ended, no request recorded) was
// idle; a gap with work in it was work but for what an empty pass costs (the mean empty gap, measured on
// the same loop every millisecond), which it also held. The time each pass spends yielding its core is
// left out, so another process run in that time is neither. An empty gap of a millisecond or more is not
// idle either: passes come microseconds apart, so in such a gap the loop was not running (descheduled,
// its virtual CPU paused, or a long handler), and arrivals due in it start late, as from a busy loop.
// Process-wide sums: the capacity search reads them once a window.
#include <chrono>
#include <cstdint>

#include "base/clock.hpp"

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

// One polling loop's gaps, filed as work or idle and published to the sums above about once a ms.
class PollGapMeter {
 public:
  // An empty gap this long or longer is a pause (the loop was not running), not idle time.
  static constexpr std::chrono::nanoseconds kPause{std::chrono::milliseconds(1)};

  // A pass begins: the gap since the last resumed() is filed. `events` counts the loop's work so far
  // (it only grows); a gap in which it did not move was empty.
  void pass_started(MonoTime at, std::uint64_t events);
  // The pass is done yielding and goes on polling: the next gap starts now.
  void resumed(MonoTime at) { resumed_ = at; }
  // The loop stops polling (it sleeps on a timer until the next arrival): that wait is no gap.
  void left_polling() { resumed_ = MonoTime{}; }
  // Adds what is filed to the process-wide sums and starts over (also called when the loop stops).
  void publish();
  // What is filed and not yet published (for tests).
  PollingLoad pending() const { return {span_ns_, idle_ns_}; }

 private:
  MonoTime resumed_{};  // {}: not polling
  std::uint64_t events_ = 0;
  std::uint64_t span_ns_ = 0, idle_ns_ = 0;
  std::uint64_t pass_cost_ns_ = 0;                   // the mean empty gap, measured per ms
  std::uint64_t empty_gap_ns_ = 0, empty_gaps_ = 0;  // this ms's plain empty gaps, for pass_cost_ns_
};

}  // namespace cicada::runner
