#include "runner/user_mix.hpp"

#include <gtest/gtest.h>

#include <map>

using cicada::Random;
using cicada::TaskSpec;
using cicada::UserType;
using cicada::runner::TaskPicker;
using cicada::runner::UserMix;

namespace {
UserType type(double weight, std::optional<int> fixed = std::nullopt, std::string name = "") {
  UserType t;
  t.name = std::move(name);
  t.weight = weight;
  t.fixed_count = fixed;
  return t;
}
std::vector<std::size_t> spawn(UserMix& mix, std::size_t types, std::size_t n) {
  std::vector<std::size_t> live(types, 0);
  for (std::size_t i = 0; i < n; ++i) ++live[mix.next(live)];
  return live;
}
}  // namespace

TEST(UserMix, EveryPrefixFollowsTheWeights) {
  UserMix mix({type(4), type(1)});
  EXPECT_EQ(spawn(mix, 2, 5), (std::vector<std::size_t>{4, 1}));
  EXPECT_EQ(spawn(mix, 2, 10), (std::vector<std::size_t>{8, 2}));
  // No prefix gives the light type a user before its share says so, nor starves it.
  std::vector<std::size_t> live(2, 0);
  for (int i = 1; i <= 100; ++i) {
    ++live[mix.next(live)];
    EXPECT_NEAR(static_cast<double>(live[1]), i / 5.0, 1.0) << "after " << i << " users";
  }
}

TEST(UserMix, FixedCountsComeFirstAndAreExact) {
  UserMix mix({type(1), type(1, 2), type(3)});
  auto live = spawn(mix, 3, 10);
  EXPECT_EQ(live[1], 2u);
  EXPECT_EQ(live[0] + live[2], 8u);
  EXPECT_EQ(live[0], 2u);
  EXPECT_EQ(live[2], 6u);
}

// The order in which a ramp spawns the types: one letter per user, the first letter of each type's name.
std::string ramp(const std::vector<UserType>& types, std::size_t n) {
  UserMix mix(types);
  std::vector<std::size_t> live(types.size(), 0);
  std::string order;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t t = mix.next(live);
    ++live[t];
    order += types[t].name[0];
  }
  return order;
}

TEST(UserMix, SpawnsInLocustsDispatchOrder) {
  // Each expected order is what Locust 2.12's UsersDispatcher._user_gen gives for these classes (its
  // weights scaled so the smallest is 2, the roundrobin package's smooth, classes sorted by name).
  EXPECT_EQ(ramp({type(3, {}, "Reader"), type(1, {}, "Breaker")}, 12), "RBRRRBRRRBRR");
  EXPECT_EQ(ramp({type(5, {}, "A"), type(1, {}, "B")}, 12), "AAABAAAAABAA");
  EXPECT_EQ(ramp({type(6, {}, "C"), type(2, {}, "A"), type(5, {}, "B")}, 13), "CBACBCBCBCABC");
  // 1.5, 2, 2.4 scale to 2, 2.67 and 3.2, rounded to 2, 3, 3.
  EXPECT_EQ(ramp({type(1.5, {}, "A"), type(2, {}, "B"), type(2.4, {}, "C")}, 13), "BCABCABCBCABC");
  EXPECT_EQ(ramp({type(1, {}, "A"), type(1, {}, "B")}, 4), "ABAB");
  // Fixed counts first, in Locust's order of them (its dispatcher's round robin of the counts, each class
  // taken while under its count), then the weighted ones.
  EXPECT_EQ(ramp({type(1, 1, "Admin"), type(1, 5, "Robot")}, 6), "RRARRR");
  EXPECT_EQ(ramp({type(1, 2, "F"), type(1, 2, "G"), type(1, {}, "W")}, 6), "FGFGWW");
  EXPECT_EQ(ramp({type(1, 2, "A"), type(1, 3, "B"), type(1, 1, "C")}, 6), "BABCAB");
}

TEST(UserMix, WeightsFarApartMakeACycleOfBoundedLength) {
  // 1e300 / 1e-300 is no number; Locust raises an OverflowError. The ratio is bounded, then shrunk with
  // the rest to at most 2^20 positions: the light type still runs, rarely.
  UserMix mix({type(1e-300, {}, "A"), type(1e300, {}, "B")});
  EXPECT_LE(mix.cycle().size(), std::size_t{1} << 20);
  const auto live = spawn(mix, 2, 1000);
  EXPECT_EQ(live[0] + live[1], 1000u);
  EXPECT_LE(live[0], 1u);
  // A worker's share past 2^20 users keeps its ratio (shrunk alike, not rescaled to a smallest of 2).
  UserMix big({type(1, {}, "A"), type(1, {}, "B")});
  big.set_counts({700'000, 700'001});
  std::size_t a = 0;
  for (const auto t : big.cycle()) a += t == 0;
  EXPECT_NEAR(static_cast<double>(a) / static_cast<double>(big.cycle().size()), 0.5, 0.001);
}

TEST(UserMix, FixedCountsPastTheLongestOrderFillOneTypeAfterTheOther) {
  UserMix mix({type(1, 600'001, "B"), type(1, 600'000, "A")});
  EXPECT_EQ(mix.fixed_total(), 1'200'001u);
  EXPECT_EQ(mix.next({0, 0}), 1u);  // A first, by name
  EXPECT_EQ(mix.next({0, 600'000}), 0u);
  EXPECT_EQ(mix.fixed_kept(700'000), (std::vector<std::size_t>{100'000, 600'000}));
  EXPECT_EQ(mix.fixed_kept(2'000'000), (std::vector<std::size_t>{600'001, 600'000}));
}

TEST(UserMix, AMixThatMovedIsMendedByTheTypeBelowItsShare) {
  UserMix mix({type(3, {}, "Reader"), type(1, {}, "Breaker")});
  std::vector<std::size_t> live(2, 0);
  for (int i = 0; i < 4; ++i) ++live[mix.next(live)];  // R B R R
  ASSERT_EQ(live, (std::vector<std::size_t>{3, 1}));
  // The Breaker stopped (a worker's new share stops users by type): the next user is a Breaker, though the
  // cycle's own next position (the fourth) is a Reader.
  --live[1];
  EXPECT_EQ(mix.next(live), 1u);
  // Readers only, two of them: the cycle's prefix of three users is R B R, so a Breaker again.
  live = {2, 0};
  EXPECT_EQ(mix.next(live), 1u);
}

TEST(UserMix, AWorkersCountsAreSpawnedExactlyAndInterleaved) {
  UserMix mix({type(3, {}, "Reader"), type(1, {}, "Breaker"), type(1, 1, "Admin")});
  mix.set_counts({5, 3, 7});  // the fixed type's entry is ignored
  const auto live = spawn(mix, 3, 9);
  EXPECT_EQ(live, (std::vector<std::size_t>{5, 3, 1}));
  // Interleaved, not one type after the other: among the first four weighted users, both types.
  const auto first = spawn(mix, 3, 5);
  EXPECT_EQ(first[2], 1u);
  EXPECT_GE(first[1], 1u);
  EXPECT_GE(first[0], 2u);
  // A type counted 0 never runs.
  mix.set_counts({2, 0, 0});
  EXPECT_EQ(spawn(mix, 3, 3), (std::vector<std::size_t>{2, 0, 1}));
}

TEST(TaskPicker, FollowsWeightsStatistically) {
  std::vector<TaskSpec> tasks(3);
  tasks[0].weight = 4;
  tasks[1].weight = 1;
  tasks[2].weight = 0;  // never picked
  TaskPicker picker(tasks);
  Random rng(42);
  std::map<std::size_t, int> counts;
  const int n = 200000;
  for (int i = 0; i < n; ++i) ++counts[picker.pick(rng)];
  EXPECT_NEAR(counts[0] / double(n), 0.8, 0.01);
  EXPECT_NEAR(counts[1] / double(n), 0.2, 0.01);
  EXPECT_EQ(counts[2], 0);
}

TEST(WaitTime, DistributionsMatchLocust) {
  Random rng(7);
  auto between = cicada::WaitTime::between(1, 5);
  double sum = 0, lo = 1e9, hi = -1;
  for (int i = 0; i < 100000; ++i) {
    double w = between.next(rng, 0);
    sum += w, lo = std::min(lo, w), hi = std::max(hi, w);
  }
  EXPECT_GE(lo, 1.0);
  EXPECT_LT(hi, 5.0);
  EXPECT_NEAR(sum / 100000, 3.0, 0.02);
  EXPECT_DOUBLE_EQ(cicada::WaitTime::constant(2).next(rng, 0.5), 2.0);
  // Pacing: the task time counts against the interval, never negative.
  EXPECT_DOUBLE_EQ(cicada::WaitTime::constant_pacing(1).next(rng, 0.25), 0.75);
  EXPECT_DOUBLE_EQ(cicada::WaitTime::constant_pacing(1).next(rng, 3), 0.0);
  EXPECT_DOUBLE_EQ(cicada::WaitTime::constant_throughput(4).next(rng, 0.05), 0.2);
}
