#pragma once
// How long this process's threads waited for a CPU: the 2nd field of /proc/self/task/*/schedstat
// (nanoseconds runnable but waiting on a run queue). A generator loop that is starved of CPU (other
// work on the machine, too few cores) sends late and reads its responses late by the same amount, so
// lateness measured from the send cannot see it; its run-queue wait does (issue 16).
#include <chrono>
#include <cstdint>
#include <map>

namespace cicada::runner {

class RunQueueWait {
 public:
  // The largest share of the wall time since the previous call that any one thread of this process
  // spent waiting for a CPU (0.3: 30%). < 0 on the first call, or where schedstat is unavailable.
  double sample();

 private:
  std::map<long, std::uint64_t> waited_ns_;  // per thread id, at the previous call
  std::chrono::steady_clock::time_point at_{};
  bool primed_ = false;
};

}  // namespace cicada::runner
