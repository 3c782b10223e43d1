#include "distributed/worker_table.hpp"

#include <gtest/gtest.h>

namespace cicada::distributed {
namespace {

using namespace std::chrono_literals;

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
