// The open model's gaps between arrivals (runner/arrival_executor.hpp, next_arrival_gap_s): the rate's
// interval every time, or exponential gaps of that mean. A seeded stream, so the figures are the same on
// every machine; the bounds are several standard errors wide for 200,000 draws.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "runner/arrival_executor.hpp"

namespace cicada::runner {
namespace {

TEST(ArrivalGap, ConstantArrivalsAreTheIntervalEveryTime) {
  Random rng(42);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(next_arrival_gap_s(0.002, false, rng), 0.002);
}

TEST(ArrivalGap, PoissonGapsAreExponentialWithTheIntervalAsTheirMean) {
  Random rng(42);
  constexpr double kMean = 0.002;
  constexpr int kDraws = 200'000;
  double sum = 0, sum_sq = 0;
  int below_tenth = 0, above_three = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double gap = next_arrival_gap_s(kMean, true, rng);
    ASSERT_TRUE(std::isfinite(gap) && gap >= 0) << gap;
    sum += gap;
    sum_sq += gap * gap;
    below_tenth += gap < kMean / 10;
    above_three += gap > 3 * kMean;
  }
  const double mean = sum / kDraws;
  const double sd = std::sqrt(sum_sq / kDraws - mean * mean);
  // The rate holds: the mean gap is the interval (standard error 0.22%).
  EXPECT_NEAR(mean / kMean, 1.0, 0.01);
  // An exponential's standard deviation equals its mean: gaps as uneven as independent clients make them.
  EXPECT_NEAR(sd / mean, 1.0, 0.02);
  // Its tails: P(gap < mean/10) = 1 - e^-0.1 = 9.52%, P(gap > 3 mean) = e^-3 = 4.98%.
  EXPECT_NEAR(static_cast<double>(below_tenth) / kDraws, 1 - std::exp(-0.1), 0.004);
  EXPECT_NEAR(static_cast<double>(above_three) / kDraws, std::exp(-3.0), 0.003);
}

}  // namespace
}  // namespace cicada::runner
