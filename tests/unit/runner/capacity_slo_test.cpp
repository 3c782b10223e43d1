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
       {"p95 50ms", "p95 < fast", "p0 < 1ms", "p101 < 1ms", "median < 1ms", "fail_ratio < x", "p95 < inf",
        "avg < infms", "p95 < nan", "fail_ratio < nan%", "fail_ratio < nan", "pnan < 1ms"}) {
    EXPECT_FALSE(parse_slo(bad)) << bad;
  }
}

TEST(CapacitySlo, AFailRatioOfOneOrMoreWithoutPercentIsRefusedNotReadAsAHundredPercent) {
  // "fail_ratio < 1" as a fraction is 100%: an objective nothing crosses. The user meant 1%.
  for (const char* text : {"fail_ratio < 1", "fail_ratio < 20"}) {
    const auto slo = parse_slo(text);
    ASSERT_FALSE(slo) << text;
    EXPECT_NE(slo.error().message.find("as a percentage (1%) or a fraction below 1"), std::string::npos)
        << slo.error().message;
  }
  const auto over = parse_slo("fail_ratio < 150%");
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().message.find("at most 100%"), std::string::npos) << over.error().message;
  EXPECT_FALSE(parse_slo("fail_ratio < 1 percent"));
  EXPECT_DOUBLE_EQ(parse_slo("fail_ratio < 100%")->limit, 1.0);
  EXPECT_DOUBLE_EQ(parse_slo("fail_ratio<0.5 %")->limit, 0.005);
}

}  // namespace
}  // namespace cicada::runner
