#pragma once
// WarmupGate: the --warmup rule, shared by the local and the master runner. The load runs from the start,
// but samples from the warm-up (connections being opened, caches and the target's JIT or pools filling)
// are not recorded: once the warm-up time has passed, the runner resets its stats, exactly like
// --reset-stats does when spawning ends. The warm-up counts in --run-time.
#include <chrono>
#include <optional>

#include "base/clock.hpp"
#include "base/log.hpp"

namespace cicada::runner {

class WarmupGate {
 public:
  explicit WarmupGate(std::optional<std::chrono::microseconds> warmup) : warmup_(warmup) {}

  // True once, on the first call at or after started + warm-up; says so in the log then, so every runner
  // reports the reset the same way.
  bool ends_now(MonoTime started, MonoTime now) {
    if (!warmup_ || done_ || now - started < *warmup_) return false;
    done_ = true;
    log::info("Warm-up over: resetting stats (--warmup)");
    return true;
  }

 private:
  std::optional<std::chrono::microseconds> warmup_;
  bool done_ = false;
};

}  // namespace cicada::runner
