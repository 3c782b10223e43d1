// The capacity search's objectives as the user writes them (--slo): runner/capacity_slo.hpp.
#include "runner/capacity_slo.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cicada::runner
