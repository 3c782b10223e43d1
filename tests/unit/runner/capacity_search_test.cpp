#include "runner/capacity_search.hpp"

#include <gtest/gtest.h>

#include "stats/aggregate.hpp"

namespace cicada::runner {
namespace {

TEST(Slo, ParsesPercentilesAveragesAndFailRatios) {
  auto p95 = parse_slo("p95 < 50ms");
  ASSERT_TRUE(p95) << p95.error().message;
  EXPECT_EQ(p95->kind, Slo::Kind::kPercentile);
  EXPECT_DOUBLE_EQ(p95->quantile, 0.95);
  EXPECT_DOUBLE_EQ(p95->limit, 50'000);
  EXPECT_DOUBLE_EQ(parse_slo("p99.9<1s")->quantile, 0.999);
  EXPECT_DOUBLE_EQ(parse_slo("p99.9<1s")->limit, 1e6);
  EXPECT_EQ(parse_slo("avg < 250us")->kind, Slo::Kind::kAverage);
  EXPECT_DOUBLE_EQ(parse_slo("fail_ratio < 1%")->limit, 0.01);
  EXPECT_DOUBLE_EQ(parse_slo("fail_ratio < 0.05")->limit, 0.05);
  for (const char* bad :
       {"p95 50ms", "p95 < fast", "p0 < 1ms", "p101 < 1ms", "median < 1ms", "fail_ratio < x"}) {
    EXPECT_FALSE(parse_slo(bad)) << bad;
  }
}

// A snapshot of `n` requests all taking latency_us, `failures` of them failed.
stats::Snapshot measured(std::uint64_t n, std::int64_t latency_us, std::uint64_t failures = 0) {
  stats::Histogram h;
  h.record_n(latency_us, n);
  stats::Aggregate agg(1000.0);
  stats::StatsDelta d;
  d.entries.push_back(stats::EntryDelta{"GET", "/", n, failures, 0, h.to_sparse(), {}});
  agg.merge(std::move(d));
  agg.close_second(1001, 1);
  return agg.snapshot(1001.0);
}

CapacityPlan plan() {
  CapacityPlan p;
  p.start = 100;
  p.step = 100;
  p.max_steps = 10;
  return p;
}

TEST(CapacitySearch, StopsAtTheFirstStepThatCrossesAnObjective) {
  CapacitySearch search(plan(), {*parse_slo("p95 < 50ms")});
  EXPECT_TRUE(search.judge(measured(500, 10'000), 5));
  EXPECT_EQ(search.load(), 200);
  EXPECT_TRUE(search.judge(measured(1000, 20'000), 5));
  EXPECT_FALSE(search.judge(measured(1500, 80'000), 5));
  const auto& r = search.result();
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.best.load, 200);
  EXPECT_DOUBLE_EQ(r.best.throughput_rps, 200);
  ASSERT_EQ(r.curve.size(), 3u);
  EXPECT_NE(r.stop_reason.find("p95 < 50ms"), std::string::npos);
  EXPECT_NE(r.stop_reason.find("300/s"), std::string::npos);
}

TEST(CapacitySearch, StopsWhenThroughputStopsGrowing) {
  CapacitySearch search(plan(), {*parse_slo("p95 < 1s")});
  EXPECT_TRUE(search.judge(measured(500, 10'000), 5));    // 100/s
  EXPECT_TRUE(search.judge(measured(1000, 10'000), 5));   // 200/s
  EXPECT_FALSE(search.judge(measured(1010, 10'000), 5));  // 202/s at 300 offered
  EXPECT_EQ(search.result().best.load, 200);
  EXPECT_NE(search.result().stop_reason.find("stopped growing"), std::string::npos);
}

TEST(CapacitySearch, FailRatioAndFactorSteps) {
  CapacityPlan p = plan();
  p.factor = 2;
  p.open_model = false;
  CapacitySearch search(p, {*parse_slo("fail_ratio < 1%")});
  EXPECT_TRUE(search.judge(measured(500, 10'000, 1), 5));
  EXPECT_EQ(search.load(), 200);
  EXPECT_FALSE(search.judge(measured(1000, 10'000, 50), 5));
  EXPECT_EQ(search.result().best.load, 100);
  EXPECT_NE(search.result().stop_reason.find("200 users"), std::string::npos);
}

TEST(CapacitySearch, NoStepWithinTheObjectivesIsReportedAsNotFound) {
  CapacitySearch search(plan(), {*parse_slo("p95 < 5ms")});
  EXPECT_FALSE(search.judge(measured(500, 10'000), 5));
  EXPECT_FALSE(search.result().found);
}

}  // namespace
}  // namespace cicada::runner
