#include "runner/stages.hpp"

#include <gtest/gtest.h>

namespace cicada::runner {
namespace {

using namespace std::chrono_literals;
using Seconds = std::chrono::duration<double>;

TEST(Stages, ParsesUsersStagesWithAndWithoutSpawnRate) {
  auto stages = parse_stages("30s:10@5, 1m:100");
  ASSERT_TRUE(stages) << stages.error().message;
  ASSERT_EQ(stages->size(), 2u);
  EXPECT_EQ((*stages)[0].duration, 30s);
  EXPECT_EQ((*stages)[0].users, 10);
  EXPECT_EQ((*stages)[0].spawn_rate, 5.0);
  EXPECT_EQ((*stages)[1].duration, 60s);
  EXPECT_EQ((*stages)[1].users, 100);
  EXPECT_FALSE((*stages)[1].spawn_rate);
  EXPECT_FALSE((*stages)[1].open_model());
}

TEST(Stages, ParsesConstantAndRampingRates) {
  auto stages = parse_stages("10s:50/s,20s:50..200/s");
  ASSERT_TRUE(stages) << stages.error().message;
  EXPECT_EQ((*stages)[0].arrival_rate, 50.0);
  EXPECT_FALSE((*stages)[0].rate_from);
  EXPECT_EQ((*stages)[1].rate_from, 50.0);
  EXPECT_EQ((*stages)[1].arrival_rate, 200.0);
}

TEST(Stages, RejectsBadInputWithTheStageInTheMessage) {
  for (const char* bad : {"30s", "x:10", "30s:ten", "30s:10@0", "0s:10", "30s:-5/s", "30s:1.5", ""}) {
    auto r = parse_stages(bad);
    EXPECT_FALSE(r) << bad;
  }
  auto mixed = parse_stages("10s:5,10s:100/s");
  ASSERT_FALSE(mixed);
  EXPECT_NE(mixed.error().message.find("not both"), std::string::npos);
  auto bad = parse_stages("10s:5,10s:abc");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("10s:abc"), std::string::npos);
}

// A negative sign is refused on 0 too: -0 passed the check for a negative number and labelled a stage
// "-0/s" (found by the stages fuzz target).
TEST(Stages, RejectsMinusZero) {
  for (const char* bad : {"30s:-0/s", "30s:-0..5/s", "30s:-0", "30s:1@-0"})
    EXPECT_FALSE(parse_stages(bad)) << bad;
  auto zero = parse_stages("30s:0..5/s");
  ASSERT_TRUE(zero) << zero.error().message;
  EXPECT_EQ(stage_label(*zero, 0), "stage 1/1: 0..5/s");
}

TEST(Stages, ShapeFollowsStagesThenStops) {
  auto stages = parse_stages("10s:10@5,5s:3");
  ASSERT_TRUE(stages);
  auto shape = stages_shape(*stages, 2.0);
  auto t = shape(Seconds(0));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->users, 10);
  EXPECT_EQ(t->spawn_rate, 5.0);
  EXPECT_EQ(t->stage, "stage 1/2: 10 users @ 5/s");
  t = shape(Seconds(12));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->users, 3);
  EXPECT_EQ(t->spawn_rate, 2.0);  // the run's default
  EXPECT_EQ(t->stage, "stage 2/2: 3 users");
  EXPECT_FALSE(shape(Seconds(15)));
}

TEST(Stages, RampingRateIsLinearWithinTheStage) {
  auto stages = parse_stages("10s:100/s,10s:100..200/s");
  ASSERT_TRUE(stages);
  auto shape = stages_shape(*stages, 1.0);
  EXPECT_DOUBLE_EQ(*shape(Seconds(5))->arrival_rate, 100.0);
  EXPECT_DOUBLE_EQ(*shape(Seconds(10))->arrival_rate, 100.0);
  EXPECT_DOUBLE_EQ(*shape(Seconds(15))->arrival_rate, 150.0);
  EXPECT_NEAR(*shape(Seconds(19.9))->arrival_rate, 199.0, 1e-9);
  EXPECT_FALSE(shape(Seconds(20)));
}

TEST(Stages, StepAndSpikeShapes) {
  auto steps = step_stages(10, 5, 3, 30s, 2.0);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[2].users, 20);
  auto spike = spike_stages(5, 50, 10s, 5s, 10s, 25.0);
  auto shape = stages_shape(spike, 1.0);
  EXPECT_EQ(shape(Seconds(3))->users, 5);
  EXPECT_EQ(shape(Seconds(12))->users, 50);
  EXPECT_EQ(shape(Seconds(16))->users, 5);
  EXPECT_FALSE(shape(Seconds(25)));
}

TEST(Stages, ConstantRateNeverEnds) {
  auto shape = constant_rate_shape(250);
  EXPECT_EQ(*shape(Seconds(0))->arrival_rate, 250.0);
  EXPECT_EQ(*shape(Seconds(1e6))->arrival_rate, 250.0);
}

}  // namespace
}  // namespace cicada::runner
