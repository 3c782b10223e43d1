// The open-model capacity search's cap on iterations in flight (capacity_inflight.hpp): Little's law
// with headroom, between the floor and --max-inflight, and the saturation rule reading the cap that was
// in force in each window.
#include "runner/capacity_inflight.hpp"

#include <gtest/gtest.h>

#include "capacity_test_windows.hpp"
#include "runner/capacity_search.hpp"

namespace cicada::runner {
namespace {

TEST(CapacityInflightCap, FollowsTheTargetsConcurrencyWithHeadroomBetweenTheFloorAndTheCeiling) {
  // Nothing measured yet, or a fast target: wrk's usual connection count.
  EXPECT_EQ(capacity_inflight_cap(10, 0, 1000), kInflightFloor);
  EXPECT_EQ(capacity_inflight_cap(95'000, 50, 1000), kInflightFloor) << "95,000/s x 50 us: 4.75 in flight";
  // A slow, highly parallel target: 1,000/s x 100 ms holds 100 at once; four times that is allowed.
  EXPECT_EQ(capacity_inflight_cap(1000, 100'000, 1000), 400u);
  EXPECT_EQ(capacity_inflight_cap(1000, 100'001, 1000), 401u) << "rounded up, never down";
  // Never above --max-inflight, whatever the target needs; a ceiling under the floor is the ceiling.
  EXPECT_EQ(capacity_inflight_cap(10'000, 100'000, 1000), 1000u);
  EXPECT_EQ(capacity_inflight_cap(1e12, 1e12, 1000), 1000u);
  EXPECT_EQ(capacity_inflight_cap(10, 0, 10), 10u);
  // A negative load is no load: the floor.
  EXPECT_EQ(capacity_inflight_cap(-5, 100, 1000), kInflightFloor);
}

TEST(CapacityInflightCap, AGeneratorWithNoTimeToSpareNeverRaisesItsOwnCap) {
  // Its late reads made the target look 2 ms slow at 90,000/s: 720 in flight by Little's law.
  EXPECT_EQ(capacity_inflight_cap_after(64, 90'000, 2'000, 1000, false), 720u) << "a target that needs them";
  EXPECT_EQ(capacity_inflight_cap_after(64, 90'000, 2'000, 1000, true), 64u) << "a generator at its limit";
  // Lowering is always allowed: fewer connections cost less.
  EXPECT_EQ(capacity_inflight_cap_after(720, 90'000, 50, 1000, true), kInflightFloor);
}

// Two windows at `load`, iterations 8 ms late, `in_flight` running under a cap of 64.
bool saturated_with(int in_flight) {
  CapacityPlan plan = default_plan();
  plan.start = 10'000;
  CapacitySearch search(plan, {*parse_slo("p95 < 50ms")});
  auto late = window(9'000, 90'000);
  late.lateness_p50_us = 8000;
  late.in_flight = in_flight;
  late.inflight_cap = 64;
  search.add_window(late);
  search.add_window(late);
  EXPECT_EQ(search.result().curve.size(), 1u);
  EXPECT_EQ(search.result().curve.back().inflight_cap, 64u) << "reported with the step";
  return search.result().generator_saturated;
}

TEST(CapacityInflightCap, LateWithEverySlotOfTheCapBusyIsTheTargetsDoingWithSlotsFreeTheGenerators) {
  // The plan's --max-inflight is 1,000: judged against it, 64 in flight would look like free slots.
  EXPECT_FALSE(saturated_with(64));
  EXPECT_TRUE(saturated_with(20));
}

}  // namespace
}  // namespace cicada::runner
