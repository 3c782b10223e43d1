#pragma once
// Clocks: one monotonic clock for every latency and schedule, the wall clock only for timestamps in reports.
#include <chrono>
#include <cstdint>

namespace cicada {

using MonoClock = std::chrono::steady_clock;
using MonoTime = MonoClock::time_point;
using WallClock = std::chrono::system_clock;
using Micros = std::chrono::microseconds;

inline MonoTime mono_now() { return MonoClock::now(); }

// Whole microseconds between two monotonic instants (negative spans clamp to 0).
inline std::int64_t micros_between(MonoTime from, MonoTime to) {
  auto us = std::chrono::duration_cast<Micros>(to - from).count();
  return us < 0 ? 0 : us;
}

// Unix time in seconds, as Locust writes it in the history CSV.
inline std::int64_t unix_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(WallClock::now().time_since_epoch()).count();
}

inline double unix_seconds_now_f() {
  return std::chrono::duration<double>(WallClock::now().time_since_epoch()).count();
}

}  // namespace cicada
