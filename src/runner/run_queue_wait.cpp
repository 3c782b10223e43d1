#include "runner/run_queue_wait.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace cicada::runner {

double RunQueueWait::sample() {
  const auto now = std::chrono::steady_clock::now();
  std::map<long, std::uint64_t> waited;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/task", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::ifstream in(it->path() / "schedstat");
    std::uint64_t on_cpu = 0, waiting = 0;
    if (!(in >> on_cpu >> waiting)) continue;  // a thread that just exited, or no schedstats
    const std::string name = it->path().filename().string();
    waited[std::stol(name)] = waiting;
  }
  double worst = -1;
  if (primed_ && !waited.empty()) {
    const double wall_ns = static_cast<double>(std::chrono::nanoseconds(now - at_).count());
    worst = 0;
    for (const auto& [tid, ns] : waited) {
      // Threads born since the previous call have no baseline: their whole life would count as one window.
      const auto before = waited_ns_.find(tid);
      if (before == waited_ns_.end() || ns < before->second) continue;
      worst = std::max(worst, static_cast<double>(ns - before->second) / std::max(1.0, wall_ns));
    }
  }
  waited_ns_ = std::move(waited);
  at_ = now;
  primed_ = !waited_ns_.empty();
  return worst;
}

}  // namespace cicada::runner
