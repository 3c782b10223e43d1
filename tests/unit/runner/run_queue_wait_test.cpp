// RunQueueWait reads this process's real /proc/self/task/*/schedstat (no fake): the first call has no
// baseline, later ones give a share of the wall time.
#include "runner/run_queue_wait.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace cicada::runner {
namespace {

TEST(CapacityRunQueueWait, FirstSampleIsUnknownThenAShareOfTheWallTime) {
  RunQueueWait wait;
  EXPECT_LT(wait.sample(), 0);  // no baseline yet
  // Stay runnable for a while: whatever the machine's load, the share waited is within [0, 1].
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  volatile std::uint64_t spin = 0;
  while (std::chrono::steady_clock::now() < until) spin = spin + 1;
  const double share = wait.sample();
  EXPECT_GE(share, 0.0);
  EXPECT_LE(share, 1.0);
}

}  // namespace
}  // namespace cicada::runner
