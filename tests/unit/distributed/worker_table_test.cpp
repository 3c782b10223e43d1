#include "distributed/worker_table.hpp"

#include <gtest/gtest.h>

#include "distributed/dispatch.hpp"

namespace cicada::distributed {
namespace {

using namespace std::chrono_literals;

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

TEST(WorkerTable, JoinOrderAndIndicesAreStable) {
  WorkerTable t;
  const MonoTime t0{};
  EXPECT_TRUE(t.join("a", {}, t0));
  EXPECT_TRUE(t.join("b", {}, t0));
  EXPECT_FALSE(t.join("a", {}, t0 + 1s));  // a repeated hello is not a second worker
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.workers()[1].index, 1u);
  t.remove("a");
  EXPECT_TRUE(t.join("c", {}, t0));
  EXPECT_EQ(t.find("c")->index, 2u);  // never reused: seeds stay distinct
}

TEST(WorkerTable, StatsOfATestAreMergedOncePerSeq) {
  WorkerTable t;
  t.join("a", {}, MonoTime{});
  t.find("a")->test_id = 5;
  EXPECT_TRUE(t.accept_stats("a", 5, 1));
  EXPECT_FALSE(t.accept_stats("a", 5, 1));  // the same message twice
  EXPECT_TRUE(t.accept_stats("a", 5, 2));
  EXPECT_FALSE(t.accept_stats("a", 5, 1));  // late and older
  EXPECT_FALSE(t.accept_stats("a", 4, 3));  // another test
  EXPECT_FALSE(t.accept_stats("x", 5, 3));  // unknown worker
}

TEST(WorkerTable, SilentWorkersExpire) {
  WorkerTable t;
  const MonoTime t0{};
  t.join("a", {}, t0);
  t.join("b", {}, t0);
  t.find("b")->last_seen = t0 + 2s;
  t.find("a")->user_count = 3;
  t.find("b")->user_count = 4;
  EXPECT_EQ(t.reported_users(), 7);
  EXPECT_TRUE(t.expire(t0 + 3s, 3s, 0).empty());  // exactly the timeout: still alive
  auto gone = t.expire(t0 + 3s + 1ms, 3s, 0);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].id, "a");
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.missing_count(), 1u);
  EXPECT_EQ(t.reported_users(), 4);
}

TEST(WorkerTable, AMissingWorkerThatSpeaksAgainIsReadmittedWithWhatWasMerged) {
  WorkerTable t;
  const MonoTime t0{};
  t.join("a", {}, t0);
  t.join("b", {}, t0 + 5s);
  t.find("a")->test_id = 7;
  EXPECT_TRUE(t.accept_stats("a", 7, 1));
  EXPECT_TRUE(t.accept_stats("a", 7, 2));
  ASSERT_EQ(t.expire(t0 + 4s, 3s, 7).size(), 1u);
  EXPECT_EQ(t.find("a"), nullptr);
  ASSERT_EQ(t.missing().size(), 1u);
  EXPECT_EQ(t.missing()[0].lost_in_test, 7u);
  EXPECT_FALSE(t.accept_stats("a", 7, 3));      // not merged while missing
  EXPECT_EQ(t.readmit("b", t0 + 6s), nullptr);  // live, not missing
  WorkerInfo* back = t.readmit("a", t0 + 6s);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(t.missing_count(), 0u);
  EXPECT_EQ(t.workers().back().id, "a");  // last in join order, its index kept (its seed)
  EXPECT_EQ(back->index, 0u);
  // Its stats go on from the last seq merged: the one sent while it was missing is merged now, once.
  EXPECT_FALSE(t.accept_stats("a", 7, 2));
  EXPECT_TRUE(t.accept_stats("a", 7, 3));
  EXPECT_FALSE(t.accept_stats("a", 7, 3));
  // A missing worker's hello is a new worker (it restarted), no longer listed as missing.
  ASSERT_EQ(t.expire(t0 + 20s, 3s, 7).size(), 2u);
  EXPECT_TRUE(t.join("a", {}, t0 + 21s));
  EXPECT_EQ(t.find("a")->test_id, 0u);
  ASSERT_EQ(t.missing().size(), 1u);
  t.remove("b");
  EXPECT_EQ(t.missing_count(), 0u);
}

}  // namespace
}  // namespace cicada::distributed
