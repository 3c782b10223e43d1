#pragma once
// How many iterations an open-model capacity search lets run at once at each step: enough for the
// target's own concurrency with room to spare, never the whole --max-inflight by default.
//
// Why: on one generator core against a fast target, every extra connection in flight makes both sides
// dearer per request (wrk -c1000 against cicada-model: 12.5 µs of generator CPU per request, -c50: 8.1).
// With a cap of 1,000, one pause of a few milliseconds let iterations pile up onto hundreds of new
// connections, and the step never came back: at 95,000/s offered, p50 0.6-1.1 s and 7-21% dropped in
// three of three 8 s runs, against p95 0.9-113 ms and 0-0.3% dropped with 50 in flight (bench/RESULTS.md,
// "Session 25"). A search that let that happen reported the collapse as the generator's limit.
//
// The cap follows Little's law: the target holds load x (mean latency from the send) requests at once;
// the search allows kInflightHeadroom times that, at least kInflightFloor (wrk's usual connection
// counts), at most --max-inflight. Under Poisson or paced arrivals the number in flight at a target
// that keeps up varies by about its square root, so four times the mean binds only once the target's
// latency has grown several-fold within one window; the next window's cap follows it (by up to four
// times per window), and an iteration that waits for a slot meanwhile counts that wait in its latency
// (latency is from when it was due), so a slow, highly parallel target is measured as it is, not as
// the cap would make it.
#include <algorithm>
#include <cmath>
#include <cstddef>

namespace cicada::runner {

inline constexpr std::size_t kInflightFloor = 64;
inline constexpr double kInflightHeadroom = 4.0;

// The cap for `load` iterations/s against a target whose requests took mean_sent_us on average from
// their send (0: not measured yet), within `ceiling` (--max-inflight).
inline std::size_t capacity_inflight_cap(double load, double mean_sent_us, std::size_t ceiling) {
  const double need = std::max(0.0, load) * std::max(0.0, mean_sent_us) / 1e6;
  const double cap = std::ceil(kInflightHeadroom * need);
  const std::size_t wanted = cap >= static_cast<double>(ceiling) ? ceiling : static_cast<std::size_t>(cap);
  return std::min(ceiling, std::max(kInflightFloor, wanted));
}

// The cap after a window of the same step: capacity_inflight_cap, but not above `current` when the
// generator had no time to spare in that window (its polling loops, or below the polling rate its cores,
// at their saturation mark): its own late reads then lengthen the latency the cap is sized from, and
// more connections would only make each request dearer for both sides (case A, bench/RESULTS.md
// "Session 25": failing steps at 103,000-106,000/s had raised it from 64 to 160-165).
inline std::size_t capacity_inflight_cap_after(std::size_t current, double load, double mean_sent_us,
                                               std::size_t ceiling, bool generator_full) {
  const std::size_t next = capacity_inflight_cap(load, mean_sent_us, ceiling);
  return generator_full ? std::min(next, current) : next;
}

}  // namespace cicada::runner
