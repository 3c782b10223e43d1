#include "report/kept_seconds.hpp"

#include <gtest/gtest.h>

#include <memory>

using namespace cicada;

namespace {

std::shared_ptr<const stats::HistoryBlock> second(std::int64_t t, std::uint64_t requests,
                                                  std::uint64_t failures, int users) {
  auto b = std::make_shared<stats::HistoryBlock>();
  b->timestamp = t;
  b->user_count = users;
  b->total.name = "Aggregated";
  b->total.num_requests = requests;
  b->total.num_failures = failures;
  b->total.median_us = 2'000;
  b->total.avg_us = 2'500.0;
  b->total.min_us = 900;
  b->total.max_us = 9'000;
  b->total.percentiles_us.fill(3'000);  // the recent window's
  b->total_run_percentiles_us.fill(4'000);
  return b;
}

}  // namespace

// A killed run's figures are its last kept second's whole-run totals; a stats reset (the totals going
// down) moves the stats start, so req/s is over the seconds since it.
TEST(KeptSeconds, TheLastSecondGivesTheFiguresAndAResetTheStart) {
  stats::HistoryLog log;
  for (auto b : {second(100, 0, 0, 0), second(101, 50, 1, 2), second(102, 100, 2, 4), second(103, 0, 0, 4),
                 second(104, 40, 1, 4), second(105, 80, 2, 4)})
    log.append(b);
  stats::Snapshot snap;
  snap.history = log.view();
  report::summarize_kept_seconds(snap, 99.5);
  EXPECT_EQ(snap.total.name, "Aggregated");
  EXPECT_EQ(snap.total.num_requests, 80u);
  EXPECT_EQ(snap.total.num_failures, 2u);
  EXPECT_EQ(snap.total.median_us, 2'000);
  EXPECT_EQ(snap.total.percentiles_us[5], 4'000) << "whole-run percentiles, not the recent window's";
  EXPECT_EQ(snap.total.current_percentiles_us[5], 3'000);
  EXPECT_DOUBLE_EQ(snap.start_unix_s, 103.0);
  EXPECT_DOUBLE_EQ(snap.now_unix_s, 105.0);
  EXPECT_DOUBLE_EQ(snap.total.total_rps, 40.0);  // 80 requests in the 2 s since the reset
  EXPECT_EQ(snap.user_count, 4);
  ASSERT_TRUE(snap.total.latency);

  // Without a reset the stats start is the run's.
  stats::HistoryLog plain;
  for (auto b : {second(100, 0, 0, 0), second(101, 50, 1, 2), second(102, 100, 2, 4)}) plain.append(b);
  stats::Snapshot run;
  run.history = plain.view();
  report::summarize_kept_seconds(run, 100.0);
  EXPECT_DOUBLE_EQ(run.start_unix_s, 100.0);
  EXPECT_DOUBLE_EQ(run.total.total_rps, 50.0);

  // No kept second: nothing is made up.
  stats::Snapshot none;
  report::summarize_kept_seconds(none, 100.0);
  EXPECT_EQ(none.total.num_requests, 0u);
  EXPECT_FALSE(none.total.latency);
}
