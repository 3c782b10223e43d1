#include "stats/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using cicada::stats::Histogram;

namespace {

// Locust's rule on exact data: the sample at index floor(n * q), capped at n - 1.
std::int64_t exact_quantile(const std::vector<std::int64_t>& sorted, double q) {
  auto n = sorted.size();
  auto r = std::min<std::size_t>(static_cast<std::size_t>(static_cast<double>(n) * q), n - 1);
  return sorted[r];
}

void expect_quantiles_within_1pct(std::vector<std::int64_t> samples, const char* what) {
  Histogram h;
  for (auto v : samples) h.record(v);
  std::sort(samples.begin(), samples.end());
  for (double q : {0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0}) {
    const auto exact = exact_quantile(samples, q);
    const auto got = h.value_at_quantile(q);
    EXPECT_LE(std::abs(static_cast<double>(got - exact)), 0.01 * static_cast<double>(exact))
        << what << " q=" << q << " exact=" << exact << " got=" << got;
  }
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.count(), samples.size());
}

}  // namespace

TEST(Histogram, BucketWidthIsAtMostOnePercentOfItsValues) {
  for (std::uint32_t i = 0; i < Histogram::kBucketCount; ++i) {
    const auto lo = Histogram::bucket_low(i), hi = Histogram::bucket_high(i);
    ASSERT_LE(lo, hi) << i;
    ASSERT_EQ(Histogram::bucket_of(lo), i);
    ASSERT_EQ(Histogram::bucket_of(hi), i);
    if (i + 1 < Histogram::kBucketCount) {
      ASSERT_EQ(Histogram::bucket_low(i + 1), hi + 1) << i;
    }
    if (lo >= Histogram::kExactBelow) {
      ASSERT_LE(static_cast<double>(hi - lo + 1), 0.01 * static_cast<double>(lo));
    }
  }
  EXPECT_GE(Histogram::bucket_high(Histogram::kBucketCount - 1), (std::int64_t{1} << 40));
}

TEST(Histogram, ExactBelowLinearRange) {
  Histogram h;
  std::vector<std::int64_t> values;
  for (std::int64_t v = 0; v < Histogram::kExactBelow; ++v) {
    for (int k = 0; k < 1 + v % 3; ++k) {
      h.record(v);
      values.push_back(v);
    }
  }
  for (double q = 0.0; q <= 1.0; q += 0.01) EXPECT_EQ(h.value_at_quantile(q), exact_quantile(values, q)) << q;
}

TEST(Histogram, UniformWithinOnePercent) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::int64_t> d(1, 2'000'000);
  std::vector<std::int64_t> s(200'000);
  for (auto& v : s) v = d(rng);
  expect_quantiles_within_1pct(s, "uniform");
}

TEST(Histogram, LognormalWithinOnePercent) {
  std::mt19937_64 rng(2);
  std::lognormal_distribution<double> d(std::log(3000.0), 1.2);
  std::vector<std::int64_t> s(200'000);
  for (auto& v : s) v = static_cast<std::int64_t>(d(rng));
  expect_quantiles_within_1pct(s, "lognormal");
}

TEST(Histogram, BimodalWithinOnePercent) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> fast(800.0, 60.0), slow(250'000.0, 20'000.0);
  std::bernoulli_distribution pick_slow(0.03);
  std::vector<std::int64_t> s(200'000);
  for (auto& v : s)
    v = std::max<std::int64_t>(0, static_cast<std::int64_t>(pick_slow(rng) ? slow(rng) : fast(rng)));
  expect_quantiles_within_1pct(s, "bimodal");
}

TEST(Histogram, MeanSumMinMaxAreExact) {
  Histogram h;
  h.record(1001);
  h.record(1003);
  h.record(123'456'789);
  EXPECT_EQ(h.sum_us(), 1001 + 1003 + 123'456'789);
  EXPECT_DOUBLE_EQ(h.mean(), (1001.0 + 1003.0 + 123'456'789.0) / 3.0);
  EXPECT_EQ(h.min(), 1001);
  EXPECT_EQ(h.max(), 123'456'789);
  EXPECT_EQ(h.value_at_quantile(1.0), 123'456'789);
  EXPECT_EQ(h.value_at_quantile(0.0), 1001);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(4);
  std::lognormal_distribution<double> d(std::log(5000.0), 1.5);
  Histogram a, b, all;
  for (int i = 0; i < 50'000; ++i) {
    auto v = static_cast<std::int64_t>(d(rng));
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  Histogram merged;
  merged.merge(a);
  merged.merge(b.to_sparse());
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.sum_us(), all.sum_us());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_EQ(merged.to_sparse().buckets, all.to_sparse().buckets);
  for (double q : {0.1, 0.5, 0.9, 0.99, 0.9999})
    EXPECT_EQ(merged.value_at_quantile(q), all.value_at_quantile(q));
}

TEST(Histogram, EmptyAndOneSample) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.value_at_quantile(0.5), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_TRUE(h.to_sparse().buckets.empty());
  h.record(987'654);
  for (double q : {0.0, 0.5, 0.99, 1.0}) EXPECT_EQ(h.value_at_quantile(q), 987'654);
  EXPECT_EQ(h.value_at_rank(0), 987'654);
}

TEST(Histogram, HugeAndNegativeValues) {
  Histogram h;
  const std::int64_t huge = std::int64_t{1} << 50;  // beyond the resolved range: last bucket, exact max
  h.record(huge);
  h.record(-5);  // clock skew: counts as 0
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), huge);
  EXPECT_EQ(h.value_at_quantile(1.0), huge);
  EXPECT_EQ(Histogram::bucket_of(huge), Histogram::kBucketCount - 1);
  const std::int64_t big = std::int64_t{1} << 39;  // ~6 days, still resolved
  Histogram g;
  for (int i = 0; i < 10; ++i) g.record(big + i);
  g.record(1);
  EXPECT_NEAR(static_cast<double>(g.value_at_quantile(0.5)), static_cast<double>(big), 0.01 * big);
}

TEST(Histogram, ResetForgetsEverything) {
  Histogram h;
  for (int i = 0; i < 1000; ++i) h.record(i * 37);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_TRUE(h.to_sparse().buckets.empty());
  h.record(42);
  EXPECT_EQ(h.value_at_quantile(0.5), 42);
  EXPECT_EQ(h.to_sparse().buckets.size(), 1u);
}

TEST(Histogram, CopyIsIndependent) {
  Histogram h;
  h.record(500);
  Histogram c = h;
  c.record(9000);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(c.count(), 2u);
  EXPECT_EQ(c.max(), 9000);
}

TEST(Histogram, MovedFromIsEmptyAndResettable) {
  Histogram h;
  h.record(700);
  Histogram moved = std::move(h);
  EXPECT_EQ(moved.count(), 1u);
  EXPECT_EQ(moved.value_at_quantile(0.5), 700);
  EXPECT_EQ(h.count(), 0u);  // NOLINT(bugprone-use-after-move): the documented moved-from state
  h.reset();
  h = moved;
  EXPECT_EQ(h.count(), 1u);
}

TEST(Histogram, ResetAfterACountWithNoBucketStaysInBounds) {
  // The codec refuses such a histogram off the wire; reset() must still not clear from kBucketCount down
  // to 0 (a length that wrapped around) if one gets merged.
  Histogram h;
  cicada::stats::SparseHistogram bad;
  bad.count = 1;
  h.merge(bad);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  h.record(42);
  EXPECT_EQ(h.value_at_quantile(0.5), 42);
}
