// The --simulated-cost-us testing aid: a wrapped handler holds its thread for the cost (wall clock)
// before answering; the sleep mode does so without burning the CPU the spin mode burns.
#include "serving/simulated_cost.hpp"

#include <gtest/gtest.h>
#include <time.h>

using namespace std::chrono_literals;
using cicada::serving::CostMode;
using cicada::serving::parse_cost_mode;
using cicada::serving::SimulatedCost;
using cicada::serving::with_simulated_cost;

namespace {

std::chrono::microseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) +
         std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::nanoseconds(ts.tv_nsec));
}

struct Timed {
  std::chrono::microseconds wall;
  std::chrono::microseconds cpu;
  int calls;
};

Timed call_once(SimulatedCost cost) {
  int calls = 0;
  auto handler = with_simulated_cost(
      [&calls](const cicada::http::ServerRequest&, cicada::http::ServerResponse& out) {
        ++calls;
        out.body = "answer";
      },
      cost);
  cicada::http::ServerRequest request;
  cicada::http::ServerResponse response;
  const auto cpu0 = thread_cpu_time();
  const auto wall0 = std::chrono::steady_clock::now();
  handler(request, response);
  const auto wall =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - wall0);
  EXPECT_EQ(response.body, "answer");
  return {wall, thread_cpu_time() - cpu0, calls};
}

TEST(SimulatedCost, ParsesItsModes) {
  EXPECT_EQ(parse_cost_mode("spin"), CostMode::kSpin);
  EXPECT_EQ(parse_cost_mode("sleep"), CostMode::kSleep);
  EXPECT_FALSE(parse_cost_mode("nap").has_value());
}

TEST(SimulatedCost, EachModeHoldsTheThreadForTheCostThenAnswers) {
  for (CostMode mode : {CostMode::kSpin, CostMode::kSleep}) {
    const auto t = call_once({3ms, mode});
    EXPECT_EQ(t.calls, 1);
    EXPECT_GE(t.wall, 3ms);
  }
}

TEST(SimulatedCost, SleepModeLeavesTheCpuFree) {
  // Only the last few hundred microseconds are spun (to end on time); CPU time can only come out lower
  // than this on a busy machine, never higher.
  const auto t = call_once({5ms, CostMode::kSleep});
  EXPECT_LT(t.cpu, 2ms);
}

}  // namespace
