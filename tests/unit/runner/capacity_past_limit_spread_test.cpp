// The open-model search's note on the spread of the steps past the limit (failed, served under 95% of the
// rate offered): each served what the target could at that load and time, so far apart they say why the
// answer sits below the fastest (a flood served more than a steady rate does, or the speed moved).
#include <gtest/gtest.h>

#include "runner/capacity_search.hpp"

namespace cicada::runner {
namespace {

CapacityPoint step(double load, double served, bool met) {
  CapacityPoint p;
  p.load = load;
  p.throughput_rps = served;
  p.within_slo = met;
  p.verdict = met ? StepVerdict::kMet : StepVerdict::kCrossed;
  return p;
}

CapacityResult curve(std::initializer_list<CapacityPoint> points) {
  CapacityResult r;
  r.curve = points;
  return r;
}

// As measured on this VM (session 26, case A): 197,000/s offered served 104,548 req/s, and a later step at
// 86,500/s only 76,275, while the steps in between met.
TEST(CapacityPastLimitSpread, StepsPastTheLimitServingFarApartAreNotedWithBothCauses) {
  const CapacityPlan plan;  // open model, --stability 10%
  const auto r =
      curve({step(65'700, 65'700, true), step(197'000, 104'548, false), step(114'000, 101'339, false),
             step(86'500, 76'275, false), step(75'400, 75'400, true)});
  const auto range = served_past_limit(plan, r);
  ASSERT_TRUE(range);
  EXPECT_DOUBLE_EQ(range->min_rps, 76'275);
  EXPECT_DOUBLE_EQ(range->max_rps, 104'548);
  EXPECT_EQ(past_limit_spread_text(plan, r),
            "past the limit the steps served 76275 to 104548 req/s (37% apart): a target can serve more "
            "flooded than at a steady rate (queued requests are handled together), and its speed can move "
            "during a search; the answer is the highest steady rate that met every objective; --repeat shows "
            "the spread");
}

TEST(CapacityPastLimitSpread, StepsPastTheLimitThatAgreeWithinTwiceTheStabilitySayNothing) {
  CapacityPlan plan;
  const auto r = curve({step(197'000, 104'548, false), step(114'000, 95'000, false)});  // 10% apart
  EXPECT_TRUE(served_past_limit(plan, r));
  EXPECT_EQ(past_limit_spread_text(plan, r), "");
  plan.stability = 0.04;  // windows must agree within 4%: 10% between steps is then more than twice that
  EXPECT_NE(past_limit_spread_text(plan, r), "");
}

TEST(CapacityPastLimitSpread, OnlyFailedStepsThatServedLessThanOfferedCount) {
  const CapacityPlan plan;
  // A step that crossed a latency objective at a rate it kept up with (served 96% of it) is no measure of
  // the target's speed, nor is a met step, nor one in which nothing completed; one that served 92% of its
  // rate is (the plateau rule's 90% would pass it as following the load).
  const auto r = curve({step(50'000, 50'000, true), step(100'000, 96'000, false), step(300'000, 0, false),
                        step(200'000, 120'000, false)});
  EXPECT_FALSE(served_past_limit(plan, r));  // one step past the limit: no spread to speak of
  EXPECT_EQ(past_limit_spread_text(plan, r), "");
  // Measured (session 26): a flooded step served 130,643 req/s, a later one 79,345 of its 86,500/s with
  // the target's core at 99%.
  const auto dipped = curve({step(197'000, 130'643, false), step(86'500, 79'345, false)});
  const auto range = served_past_limit(plan, dipped);
  ASSERT_TRUE(range);
  EXPECT_DOUBLE_EQ(range->min_rps, 79'345);
  EXPECT_NE(past_limit_spread_text(plan, dipped).find("79345 to 130643 req/s (65% apart)"), std::string::npos)
      << past_limit_spread_text(plan, dipped);
}

TEST(CapacityPastLimitSpread, AClosedLoopSearchHasNoRateToServeUnder) {
  CapacityPlan plan;
  plan.open_model = false;
  const auto r = curve({step(100, 104'548, false), step(50, 76'275, false)});
  EXPECT_FALSE(served_past_limit(plan, r));
  EXPECT_EQ(past_limit_spread_text(plan, r), "");
}

}  // namespace
}  // namespace cicada::runner
