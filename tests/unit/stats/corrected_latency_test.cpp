// Corrected and uncorrected latency travel side by side from ThreadStats through the Aggregate.
#include <gtest/gtest.h>

#include "stats/aggregate.hpp"
#include "stats/thread_stats.hpp"

namespace cicada::stats {
namespace {

TEST(CorrectedLatency, ClosedModelSamplesSendOneHistogramAndReportEqualPercentiles) {
  ThreadStats s;
  const EntryId id = s.entry("GET", "/");
  for (int i = 1; i <= 100; ++i) s.record_success(id, i * 1000, 0);
  StatsDelta d = s.take_delta();
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_TRUE(d.entries[0].uncorrected_latency.empty());  // "same as latency"
  Aggregate agg(1000.0);
  agg.merge(std::move(d));
  agg.close_second(1001, 1);
  const Snapshot snap = agg.snapshot(1001.5);
  EXPECT_EQ(snap.total.percentiles_us, snap.total.uncorrected_percentiles_us);
  EXPECT_EQ(snap.total.uncorrected_max_us, snap.total.max_us);
  ASSERT_TRUE(snap.total.uncorrected_latency);
  EXPECT_EQ(snap.total.uncorrected_latency->count(), 100u);
}

TEST(CorrectedLatency, LateSamplesKeepBothDistributions) {
  ThreadStats s;
  const EntryId id = s.entry("GET", "/");
  for (int i = 0; i < 90; ++i) s.record_success(id, 1000, 0);
  // Ten requests that started late: 500 ms from their schedule, 1 ms from their send.
  for (int i = 0; i < 10; ++i) s.record_failure(id, SampleLatency{500'000, 1000}, 0, "late");
  s.record_dropped_iterations(3);
  StatsDelta d = s.take_delta();
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_EQ(d.entries[0].uncorrected_latency.count, 100u);
  EXPECT_EQ(d.dropped_iterations, 3u);
  Aggregate agg(1000.0);
  agg.merge(std::move(d));
  agg.close_second(1001, 1);
  const Snapshot snap = agg.snapshot(1001.5);
  EXPECT_EQ(snap.total.num_failures, 10u);
  EXPECT_EQ(snap.dropped_iterations, 3u);
  EXPECT_EQ(snap.total.max_us, 500'000);
  EXPECT_EQ(snap.total.uncorrected_max_us, 1000);
  EXPECT_NEAR(snap.total.percentiles_us[5], 500'000, 500'000 * 0.005);  // p95
  EXPECT_EQ(snap.total.uncorrected_percentiles_us[5], 1000);
  // The next interval starts clean.
  EXPECT_EQ(s.take_delta().dropped_iterations, 0u);
}

TEST(CorrectedLatency, StageMarksSurviveAReset) {
  Aggregate agg(1000.0);
  agg.mark_stage(1000.0, "stage 1/2: 10 users");
  agg.mark_stage(1030.0, "stage 2/2: 100 users");
  agg.reset(1031.0);
  const Snapshot snap = agg.snapshot(1032.0);
  ASSERT_EQ(snap.stages.size(), 2u);
  EXPECT_EQ(snap.stages[1].label, "stage 2/2: 100 users");
  EXPECT_EQ(snap.stages[1].start_unix_s, 1030.0);
}

}  // namespace
}  // namespace cicada::stats
