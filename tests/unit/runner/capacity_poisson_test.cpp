// The capacity search under Poisson arrivals (plan.poisson_arrivals, --arrival-distribution poisson): a
// window's request count is then a Poisson draw, sqrt(N) either way, 10% at 100 requests. The search
// allows that much before it calls windows unstable, and no more: the allowance shrinks with the count,
// so the same swing at 10,000 requests a window still counts. Whether the target keeps up is judged
// against the arrivals each window drew (its due iterations), not the rate.
// (bench/capacity/search_sim.cpp measures the effect on whole searches.)
#include <gtest/gtest.h>

#include "capacity_test_windows.hpp"

namespace cicada::runner {
namespace {

CapacityPlan plan_at(double load, bool poisson) {
  CapacityPlan plan = default_plan();
  plan.start = load;
  plan.poisson_arrivals = poisson;
  return plan;
}

TEST(CapacityPoisson, ACountsOwnNoiseIsNotInstability) {
  // 100, 85 and 112 requests in three 1 s windows: 15% below their mean, within 4 sqrt(99) = 40 of each
  // other: a Poisson count's chance.
  CapacitySearch poisson(plan_at(100, true), {*parse_slo("p95 < 1s")});
  EXPECT_FALSE(poisson.add_window(window(100, 1000)));
  EXPECT_FALSE(poisson.add_window(window(85, 1000)));
  EXPECT_TRUE(poisson.add_window(window(112, 1000)));
  EXPECT_TRUE(poisson.result().curve.back().stable);
  EXPECT_TRUE(poisson.result().curve.back().within_slo);
  // Paced arrivals make no such noise: the same windows do not agree yet.
  CapacitySearch constant(plan_at(100, false), {*parse_slo("p95 < 1s")});
  EXPECT_FALSE(constant.add_window(window(100, 1000)));
  EXPECT_FALSE(constant.add_window(window(85, 1000)));
  EXPECT_FALSE(constant.add_window(window(112, 1000)));
}

TEST(CapacityPoisson, TheSameSwingAtTenThousandRequestsAWindowIsInstability) {
  CapacitySearch search(plan_at(10'000, true), {*parse_slo("p95 < 1s")});
  EXPECT_FALSE(search.add_window(window(10'000, 1000)));
  EXPECT_FALSE(search.add_window(window(8'500, 1000)));
  EXPECT_FALSE(search.add_window(window(11'200, 1000)));  // 4 sqrt(9900) = 398 requests, not 2,700
}

// A window of `done` requests whose schedule drew `due` arrivals.
CapacityWindow drawn(double done, std::uint64_t due) {
  CapacityWindow w = window(done, 1000);
  w.due = due;
  return w;
}

TEST(CapacityPoisson, ThroughputFollowsTheArrivalsEachWindowDrewNotTheRate) {
  // 75 requests in windows whose schedule drew 75 arrivals at 100/s: all served, no plateau.
  CapacitySearch poisson(plan_at(100, true), {*parse_slo("p95 < 1s")});
  EXPECT_FALSE(poisson.add_window(drawn(75, 75)));
  EXPECT_FALSE(poisson.add_window(drawn(75, 75)));
  EXPECT_TRUE(poisson.result().curve.empty()) << "no verdict yet";
  // 75 of 100 drawn: a target behind, a plateau as with paced arrivals (no allowance lets it through).
  CapacitySearch behind(plan_at(100, true), {*parse_slo("p95 < 1s")});
  EXPECT_FALSE(behind.add_window(drawn(75, 100)));
  EXPECT_TRUE(behind.add_window(drawn(75, 100)));
  EXPECT_EQ(behind.result().curve.back().verdict, StepVerdict::kPlateau);
  // Paced, the rate is what was offered: 75 of 100/s is a plateau whatever the window says it drew.
  CapacitySearch constant(plan_at(100, false), {*parse_slo("p95 < 1s")});
  EXPECT_FALSE(constant.add_window(drawn(75, 75)));
  EXPECT_TRUE(constant.add_window(drawn(75, 75)));
  EXPECT_EQ(constant.result().curve.back().verdict, StepVerdict::kPlateau);
}

}  // namespace
}  // namespace cicada::runner
