#pragma once
// ProcessUsage: this process's CPU use and resident memory, as a worker reports them in its heartbeats
// (Locust's cpu_usage and memory_usage) and a server exports them on /metrics (Prometheus's standard
// process_cpu_seconds_total and process_resident_memory_bytes). CPU is the process's user + system time
// (every thread), over the wall time since the previous sample in % of one core (150: 1.5 cores busy).
#include <chrono>
#include <cstdint>

#include "base/clock.hpp"

namespace cicada {

class ProcessUsage {
 public:
  ProcessUsage();
  // CPU % of one core since the previous call (or since construction).
  double cpu_percent();
  // User + system CPU time of every thread since the process started.
  static std::chrono::microseconds cpu_time();
  // Resident set size in bytes (0 where /proc is not available).
  static std::uint64_t resident_bytes();

 private:
  std::chrono::microseconds cpu_{0};
  MonoTime at_{};
};

}  // namespace cicada
