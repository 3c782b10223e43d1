#pragma once
// One worker of a distributed master as front ends list it (Locust's /stats/requests "workers" rows).
#include <cstdint>
#include <string>

namespace cicada::runner {

struct WorkerStatus {
  std::string id;
  std::string state;               // the worker's runner state name ("ready", "running", ...)
  int user_count = 0;              // users it last reported running
  double cpu_percent = 0;          // CPU time of its process over its last heartbeat interval, % of one core
  std::uint64_t memory_bytes = 0;  // its resident set size
};

}  // namespace cicada::runner
