// How a master shares a test over its workers (distributed/dispatch.hpp): users, spawn rate, fixed counts,
// Locust's order of the weighted types, a load shape's named types, --max-inflight.
#include "distributed/dispatch.hpp"

#include <gtest/gtest.h>

namespace cicada::distributed {
namespace {

TEST(Dispatch, SharesAddUpAndDifferByAtMostOne) {
  auto shares = split_users(10, 3.0, 3);
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_EQ(shares[0].users, 4);
  EXPECT_EQ(shares[1].users, 3);
  EXPECT_EQ(shares[2].users, 3);
  EXPECT_DOUBLE_EQ(shares[0].spawn_rate + shares[1].spawn_rate + shares[2].spawn_rate, 3.0);
  EXPECT_TRUE(split_users(5, 1, 0).empty());
  auto few = split_users(1, 1, 2);
  EXPECT_EQ(few[0].users + few[1].users, 1);
}

TEST(Dispatch, FixedCountsAreSharedSoTheFleetRunsEachOnce) {
  const std::map<std::string, int> fixed{{"Admin", 1}, {"Robot", 5}};
  int admins = 0, robots = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto share = split_fixed_counts(fixed, i, 3);
    admins += share.at("Admin");
    robots += share.at("Robot");
  }
  EXPECT_EQ(admins, 1);
  EXPECT_EQ(robots, 5);
  // As Locust 2.12's UsersDispatcher deals them (its fixed order is Robot, Robot, Admin, Robot, Robot,
  // Robot; the fleet's user k to worker k mod 3): {Robot 2}, {Robot 2}, {Admin 1, Robot 1}.
  EXPECT_EQ(split_fixed_counts(fixed, 0, 3), (std::map<std::string, int>{{"Admin", 0}, {"Robot", 2}}));
  EXPECT_EQ(split_fixed_counts(fixed, 1, 3), (std::map<std::string, int>{{"Admin", 0}, {"Robot", 2}}));
  EXPECT_EQ(split_fixed_counts(fixed, 2, 3), (std::map<std::string, int>{{"Admin", 1}, {"Robot", 1}}));
  // F 2, G 2 on two workers: Locust's order F, G, F, G gives worker 0 both F and worker 1 both G.
  const std::map<std::string, int> pairs{{"F", 2}, {"G", 2}};
  EXPECT_EQ(split_fixed_counts(pairs, 0, 2), (std::map<std::string, int>{{"F", 2}, {"G", 0}}));
  EXPECT_EQ(split_fixed_counts(pairs, 1, 2), (std::map<std::string, int>{{"F", 0}, {"G", 2}}));
  // Fewer users than the fixed counts: the fleet's first ones only (Locust: Admin 2, Robot 4 is Robot,
  // Admin, Robot, Robot, Admin, Robot; four users on two workers give {Robot 2} and {Admin 1, Robot 1}).
  const std::map<std::string, int> more{{"Admin", 2}, {"Robot", 4}};
  EXPECT_EQ(split_fixed_counts(more, 0, 2, 4), (std::map<std::string, int>{{"Admin", 0}, {"Robot", 2}}));
  EXPECT_EQ(split_fixed_counts(more, 1, 2, 4), (std::map<std::string, int>{{"Admin", 1}, {"Robot", 1}}));
  EXPECT_EQ(split_fixed_counts(fixed, 0, 1, 2), (std::map<std::string, int>{{"Admin", 0}, {"Robot", 2}}));
  // Past 2^20 fixed users no order is held: each type's users one after the other, still user k to
  // worker k mod n.
  const std::map<std::string, int> huge{{"A", 600'000}, {"B", 600'001}};
  int a = 0, b = 0;
  const auto sums = split_users(1'200'001, 1, 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto share = split_fixed_counts(huge, i, 3);
    a += share.at("A");
    b += share.at("B");
    EXPECT_EQ(share.at("A") + share.at("B"), sums[i].users);
  }
  EXPECT_EQ(a, 600'000);
  EXPECT_EQ(b, 600'001);
  EXPECT_EQ(split_fixed_counts(huge, 0, 1, 700'000),
            (std::map<std::string, int>{{"A", 600'000}, {"B", 100'000}}));
  const auto none = split_fixed_counts(fixed, 0, 0);
  EXPECT_EQ(none.at("Admin"), 0);
  EXPECT_EQ(none.at("Robot"), 0);
}

TEST(Dispatch, FixedCountRemaindersGoRoundSoEachWorkerRunsItsShareOfTheSum) {
  // Two types of 1 over two workers: one each (worker 0 with its single user could run only one).
  const std::map<std::string, int> fixed{{"Admin", 1}, {"Robot", 1}};
  EXPECT_EQ(split_fixed_counts(fixed, 0, 2), (std::map<std::string, int>{{"Admin", 1}, {"Robot", 0}}));
  EXPECT_EQ(split_fixed_counts(fixed, 1, 2), (std::map<std::string, int>{{"Admin", 0}, {"Robot", 1}}));
  // Worker i's fixed users add up to split_users of the sum, so they fit in its share of the users.
  const std::map<std::string, int> many{{"A", 2}, {"B", 3}, {"C", 1}};
  for (std::size_t n = 1; n <= 4; ++n) {
    const auto sums = split_users(6, 1, n);
    for (std::size_t i = 0; i < n; ++i) {
      int total = 0;
      for (const auto& [type, count] : split_fixed_counts(many, i, n)) total += count;
      EXPECT_EQ(total, sums[i].users) << "worker " << i << " of " << n;
    }
  }
}

UserType weighted(std::string name, double weight) {
  UserType t;
  t.name = std::move(name);
  t.weight = weight;
  return t;
}

TEST(Dispatch, WeightedUsersAreDealtToWorkersAsLocustsDispatcherDeals) {
  Scenario scenario;
  scenario.user_types = {weighted("Reader", 3), weighted("Breaker", 1)};
  const auto cycle = weighted_cycle_of(scenario);
  // Locust 2.12: classes by name (Breaker 2, Reader 6 once scaled), smooth round robin.
  EXPECT_EQ(cycle, (std::vector<std::string>{"Reader", "Breaker", "Reader", "Reader", "Reader", "Breaker",
                                             "Reader", "Reader"}));
  // Four users on two workers: the fleet's users 0 and 2 (Reader, Reader) on worker 0, 1 and 3 (Breaker,
  // Reader) on worker 1: Locust runs one Breaker. Weights applied in each worker gave two Readers each.
  auto shares = split_weighted_counts(cycle, 0, 4, 2);
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_EQ(shares[0], (std::map<std::string, int>{{"Breaker", 0}, {"Reader", 2}}));
  EXPECT_EQ(shares[1], (std::map<std::string, int>{{"Breaker", 1}, {"Reader", 1}}));
  // After 3 fixed users (dealt first, to workers 0, 1, 0), the weighted ones start at worker 1.
  shares = split_weighted_counts(cycle, 3, 5, 2);
  EXPECT_EQ(shares[0], (std::map<std::string, int>{{"Breaker", 1}, {"Reader", 0}}));
  EXPECT_EQ(shares[1], (std::map<std::string, int>{{"Breaker", 0}, {"Reader", 1}}));
  // Each worker's users, fixed and weighted, add up to its split_users share; the fleet's to the cycle's.
  const std::map<std::string, int> fixed{{"Admin", 2}, {"Robot", 1}};
  for (std::size_t n = 1; n <= 5; ++n) {
    for (int users = 3; users <= 40; users += 7) {
      const auto sums = split_users(users, 1, n);
      const auto dealt = split_weighted_counts(cycle, 3, users, n);
      int readers = 0;
      for (std::size_t i = 0; i < n; ++i) {
        int total = 0;
        for (const auto& [type, count] : split_fixed_counts(fixed, i, n)) total += count;
        for (const auto& [type, count] : dealt[i]) total += count;
        readers += dealt[i].at("Reader");
        EXPECT_EQ(total, sums[i].users) << users << " users on worker " << i << " of " << n;
      }
      int expected_readers = 0;
      for (int k = 0; k < users - 3; ++k)
        expected_readers += cycle[static_cast<std::size_t>(k) % 8] == "Reader";
      EXPECT_EQ(readers, expected_readers) << users << " users on " << n << " workers";
    }
  }
  EXPECT_TRUE(split_weighted_counts({}, 0, 4, 2)[0].empty());  // no weighted type: nothing to say
  EXPECT_TRUE(split_weighted_counts(cycle, 0, 4, 0).empty());
}

// A target whose load shape names user types: the master deals the named types alone, by the same rule
// as a local run (runner::restrict_to_named).
TEST(Dispatch, ANamedPlanDealsTheNamedTypesAlone) {
  TypePlan plan;
  plan.names = {"Admin", "Breaker", "Reader", "Writer"};
  plan.fixed_counts = {{"Admin", 2}};
  plan.weights = {{"Breaker", 1}, {"Reader", 3}, {"Writer", 1}};
  Scenario all;
  all.user_types = {weighted("Reader", 3), weighted("Breaker", 1), weighted("Writer", 1)};
  plan.weighted_cycle = weighted_cycle_of(all);
  const TypePlan named = named_plan(plan, {"Reader", "Breaker"});
  EXPECT_EQ(named.names, plan.names);      // every worker keeps the test's types
  EXPECT_EQ(named.weights, plan.weights);  // weighted maps stay padded with every type
  EXPECT_EQ(named.fixed_counts, (std::map<std::string, int>{{"Admin", 0}}));
  Scenario reader_breaker;
  reader_breaker.user_types = {weighted("Reader", 3), weighted("Breaker", 1)};
  EXPECT_EQ(named.weighted_cycle, weighted_cycle_of(reader_breaker));
  const TypePlan admin = named_plan(plan, {"Admin"});
  EXPECT_EQ(admin.fixed_counts, (std::map<std::string, int>{{"Admin", 2}}));
  EXPECT_TRUE(admin.weighted_cycle.empty());
}

TEST(Dispatch, MaxInflightIsSharedRoundedUpAndAtLeastOne) {
  EXPECT_EQ(split_max_inflight(1000, 2), 500u);
  EXPECT_EQ(split_max_inflight(5, 2), 3u);
  EXPECT_EQ(split_max_inflight(5, 1), 5u);
  EXPECT_EQ(split_max_inflight(1, 3), 1u);
  EXPECT_EQ(split_max_inflight(0, 2), 1u);
}

TEST(Dispatch, FixedCountsOfAScenarioListOnlyFixedTypes) {
  Scenario s;
  s.user_types.resize(2);
  s.user_types[0].name = "Weighted";
  s.user_types[1].name = "Pinned";
  s.user_types[1].fixed_count = 2;
  const auto fixed = fixed_counts_of(s);
  ASSERT_EQ(fixed.size(), 1u);
  EXPECT_EQ(fixed.at("Pinned"), 2);
}

}  // namespace
}  // namespace cicada::distributed
