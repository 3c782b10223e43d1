#pragma once
// ProcessUsage: this process's CPU use and resident memory, as a worker reports them in its heartbeats
// (Locust's cpu_usage and memory_usage). CPU is the process's user + system time over the wall time
// since the previous sample, in % of one core (so 150 means one and a half cores busy).
#include <chrono>
#include <cstdint>

#include "base/clock.hpp"

namespace cicada::distributed {

class ProcessUsage {
 public:
  ProcessUsage();
  // CPU % of one core since the previous call (or since construction).
  double cpu_percent();
  // Resident set size in bytes (0 where /proc is not available).
  static std::uint64_t resident_bytes();

 private:
  std::chrono::microseconds cpu_{0};
  MonoTime at_{};
};

}  // namespace cicada::distributed
