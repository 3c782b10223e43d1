// The --simulated-cost-us testing aid: a wrapped handler holds its thread for the cost (wall clock)
// before answering; the sleep mode sleeps through all but the last kSleepMargin, the spin mode never
// sleeps. Checked on a fake clock: no sleeping in a unit test, and no dependence on how busy the machine is.
#include "serving/simulated_cost.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace std::chrono_literals;
using cicada::serving::CostClock;
using cicada::serving::CostMode;
using cicada::serving::kSleepMargin;
using cicada::serving::parse_cost_mode;
using cicada::serving::spend;

namespace {

// Time moves 1 us per reading (a spinning loop's progress) and jumps on sleep_until.
class FakeClock final : public CostClock {
 public:
  std::chrono::steady_clock::time_point now() override {
    t_ += 1us;
    ++readings;
    return t_;
  }
  void sleep_until(std::chrono::steady_clock::time_point until) override {
    sleeps.push_back(until - start);
    if (until > t_) t_ = until;
  }
  std::chrono::steady_clock::duration elapsed() const { return t_ - start; }

  const std::chrono::steady_clock::time_point start{std::chrono::seconds(1000)};
  std::vector<std::chrono::steady_clock::duration> sleeps;  // sleep targets, from start
  int readings = 0;

 private:
  std::chrono::steady_clock::time_point t_ = start;
};

TEST(SimulatedCost, ParsesItsModes) {
  EXPECT_EQ(parse_cost_mode("spin"), CostMode::kSpin);
  EXPECT_EQ(parse_cost_mode("sleep"), CostMode::kSleep);
  EXPECT_FALSE(parse_cost_mode("nap").has_value());
}

TEST(SimulatedCost, SpinModeHoldsTheThreadForTheCostWithoutSleeping) {
  FakeClock clock;
  spend(3ms, CostMode::kSpin, clock);
  EXPECT_TRUE(clock.sleeps.empty());
  EXPECT_GE(clock.elapsed(), 3ms);
  EXPECT_LE(clock.elapsed(), 3ms + 1us);  // ends at the first reading past the deadline
}

TEST(SimulatedCost, SleepModeSleepsAllButTheMarginThenSpinsToTheDeadline) {
  FakeClock clock;
  spend(5ms, CostMode::kSleep, clock);
  ASSERT_EQ(clock.sleeps.size(), 1u);
  EXPECT_EQ(clock.sleeps[0], 5ms + 1us - kSleepMargin);  // the deadline is read 1 us after start
  EXPECT_GE(clock.elapsed(), 5ms);
  EXPECT_LE(clock.elapsed(), 5ms + 1us);
  // Spinning covers only the margin: at most one reading per microsecond of it, not of the whole cost.
  EXPECT_LE(clock.readings, static_cast<int>(kSleepMargin.count()) + 2);
}

TEST(SimulatedCost, ACostWithinTheMarginIsSpunEvenInSleepMode) {
  FakeClock clock;
  spend(kSleepMargin, CostMode::kSleep, clock);
  EXPECT_TRUE(clock.sleeps.empty());
  EXPECT_GE(clock.elapsed(), kSleepMargin);
}

TEST(SimulatedCost, TheWrappedHandlerAnswersAfterTheCostAndAZeroCostAddsNothing) {
  int calls = 0;
  auto handler = [&calls](const cicada::http::ServerRequest&, cicada::http::ServerResponse& out) {
    ++calls;
    out.body = "answer";
  };
  cicada::http::ServerRequest request;
  cicada::http::ServerResponse response;
  // 1 us of real spinning: the wrapper's behaviour, not its timing, is what this checks.
  cicada::serving::with_simulated_cost(handler, {1us, CostMode::kSpin})(request, response);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(response.body, "answer");
  auto same = cicada::serving::with_simulated_cost(handler, {0us, CostMode::kSpin});
  ASSERT_NE(same.target<decltype(handler)>(), nullptr) << "a zero cost returns the handler itself";
}

}  // namespace
