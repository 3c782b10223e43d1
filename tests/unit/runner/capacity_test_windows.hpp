#pragma once
// Synthetic measurement windows for the capacity search's unit tests (no sockets, no clock).
#include <chrono>
#include <cmath>
#include <cstdint>

#include "runner/capacity_search.hpp"

namespace cicada::runner {

// A window of `seconds` in which `done_per_s` requests completed, all with latency_us.
inline CapacityWindow window(double done_per_s, std::int64_t latency_us, double seconds = 1,
                             double fail_ratio = 0) {
  CapacityWindow w;
  w.seconds = seconds;
  w.requests = static_cast<std::uint64_t>(std::llround(done_per_s * seconds));
  w.failures = static_cast<std::uint64_t>(std::llround(static_cast<double>(w.requests) * fail_ratio));
  if (w.requests) w.latency.record_n(latency_us, w.requests);
  w.generator_cpu = 0.3;
  return w;
}

// One-second windows, the search's other defaults.
inline CapacityPlan default_plan() {
  CapacityPlan p;
  p.window = std::chrono::seconds(1);
  return p;
}

}  // namespace cicada::runner
