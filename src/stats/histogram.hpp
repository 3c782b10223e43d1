#pragma once
// Histogram: a log-linear (HDR-style) histogram of latencies in microseconds.
//
// Layout (why: O(1) record with a shift and an add, bounded memory, relative error below 1%):
// - values 0..255 us each have their own bucket (exact);
// - above that, every power of two [2^k, 2^(k+1)) is split into 128 equal buckets, so a bucket is at most
//   1/128 (0.78%) of its values wide; the representative value of a bucket is its midpoint, clamped to the
//   exact min/max, so a reported percentile is within 0.4% of a recorded value in the same bucket;
// - values up to 2^41 - 1 us (~25 days) are resolved; larger ones fall into the last bucket (min, max and
//   sum stay exact).
// Count, sum, min and max are kept exactly beside the buckets, so mean/min/max carry no bucket error.
//
// record() never allocates; the bucket array is allocated once, in the constructor.
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace cicada::stats {

// One non-zero bucket, the unit of the sparse form sent between threads and processes.
struct HistogramBucket {
  std::uint32_t index = 0;  // bucket index (Histogram::bucket_of); stable across builds of this layout
  std::uint64_t count = 0;  // samples in that bucket
  bool operator==(const HistogramBucket&) const = default;
};

// The sparse form of a histogram: only non-zero buckets (ascending index) plus the exact summaries.
// This is what a StatsDelta carries and what the per-second ring of an Aggregate stores.
struct SparseHistogram {
  std::vector<HistogramBucket> buckets;  // ascending index, counts > 0
  std::uint64_t count = 0;               // samples, == sum of bucket counts
  std::int64_t sum_us = 0;               // exact sum of recorded values, us
  std::int64_t min_us = 0;               // exact smallest value, us (0 when count == 0)
  std::int64_t max_us = 0;               // exact largest value, us (0 when count == 0)
  bool empty() const { return count == 0; }
};

class Histogram {
 public:
  static constexpr int kSubBucketBits = 7;                                // 128 buckets per power of two
  static constexpr std::int64_t kExactBelow = 1 << (kSubBucketBits + 1);  // 256 us: one bucket per us
  static constexpr int kMaxValueBits = 41;                                // resolves values < 2^41 us
  static constexpr std::uint32_t kBucketCount =
      (kMaxValueBits - kSubBucketBits - 1) * (1u << kSubBucketBits) + (1u << (kSubBucketBits + 1));

  Histogram();
  Histogram(const Histogram& other);
  Histogram& operator=(const Histogram& other);
  // A moved-from histogram is empty and may only be assigned to, reset() or destroyed.
  Histogram(Histogram&& other) noexcept;
  Histogram& operator=(Histogram&& other) noexcept;
  ~Histogram() = default;

  // One sample (negative values count as 0). O(1), no allocation.
  void record(std::int64_t value_us) { record_n(value_us, 1); }
  void record_n(std::int64_t value_us, std::uint64_t n);

  // Adds every sample of other (counts add; min/max/sum combine exactly).
  void merge(const Histogram& other);
  void merge(const SparseHistogram& other);

  // Back to empty. Clears only the range of buckets that was touched, so it is cheap for narrow data.
  void reset();

  std::uint64_t count() const { return count_; }
  std::int64_t sum_us() const { return sum_us_; }
  std::int64_t min() const { return count_ ? min_us_ : 0; }  // exact, us; 0 when empty
  std::int64_t max() const { return count_ ? max_us_ : 0; }  // exact, us; 0 when empty
  double mean() const { return count_ ? static_cast<double>(sum_us_) / static_cast<double>(count_) : 0.0; }

  // Locust's percentile rule on our buckets: the value of sample number floor(count * q) (0-based,
  // capped at count - 1) in ascending order, reported as its bucket's representative value clamped to
  // [min, max]. q = 1 gives max() exactly, q = 0 gives min(). 0 when empty.
  std::int64_t value_at_quantile(double q) const;
  // Several quantiles in one pass over the buckets; qs must be ascending. out.size() == qs.size().
  void values_at_quantiles(std::span<const double> qs, std::span<std::int64_t> out) const;
  // The value of sample number `rank` (0-based, ascending; capped at count - 1), same representation.
  // Locust's median is value_at_rank((count - 1) / 2).
  std::int64_t value_at_rank(std::uint64_t rank) const;

  // Calls fn(HistogramBucket) for each non-zero bucket in ascending order.
  template <class Fn>
  void for_each_bucket(Fn&& fn) const {
    if (count_ == 0) return;
    for (std::uint32_t i = lowest_; i <= highest_; ++i) {
      if (counts_[i] != 0) fn(HistogramBucket{i, counts_[i]});
    }
  }
  SparseHistogram to_sparse() const;

  // Bucket arithmetic (public for tests and for decoding sparse data).
  static std::uint32_t bucket_of(std::int64_t value_us);
  static std::int64_t bucket_low(std::uint32_t index);   // smallest value in the bucket
  static std::int64_t bucket_high(std::uint32_t index);  // largest value in the bucket
  static std::int64_t bucket_mid(std::uint32_t index);   // representative value

 private:
  std::int64_t representative(std::uint32_t index) const;
  // ranks must be ascending and < count_.
  void values_at_ranks(std::span<const std::uint64_t> ranks, std::span<std::int64_t> out) const;

  std::unique_ptr<std::uint64_t[]> counts_;
  std::uint64_t count_ = 0;
  std::int64_t sum_us_ = 0;
  std::int64_t min_us_ = 0;
  std::int64_t max_us_ = 0;
  std::uint32_t lowest_ = kBucketCount;  // lowest non-zero bucket index (kBucketCount when empty)
  std::uint32_t highest_ = 0;            // highest non-zero bucket index
};

}  // namespace cicada::stats
