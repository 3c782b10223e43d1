#pragma once
// DeltaCollector: brings each loop's once-a-second StatsDelta to the runner thread.
// Off the hot path (N messages a second), so a mutex and a condition variable are the simple, right tool.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "stats/delta.hpp"

namespace cicada::runner {

class DeltaCollector {
 public:
  void push(stats::StatsDelta&& delta) {
    {
      std::lock_guard lock(mutex_);
      deltas_.push_back(std::move(delta));
    }
    cv_.notify_one();
  }

  // Waits until `expected` deltas arrived or the deadline passed; returns what arrived.
  std::vector<stats::StatsDelta> take(std::size_t expected, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    cv_.wait_until(lock, deadline, [&] { return deltas_.size() >= expected; });
    std::vector<stats::StatsDelta> out;
    out.swap(deltas_);
    return out;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<stats::StatsDelta> deltas_;
};

}  // namespace cicada::runner
