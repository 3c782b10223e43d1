#include "stats/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

namespace cicada::stats {

namespace {
constexpr std::int64_t kMaxResolved = (std::int64_t{1} << Histogram::kMaxValueBits) - 1;
}

Histogram::Histogram() : counts_(new std::uint64_t[kBucketCount]()) {}

Histogram::Histogram(const Histogram& other) : Histogram() { *this = other; }

Histogram& Histogram::operator=(const Histogram& other) {
  if (this == &other) return *this;
  if (!counts_) counts_.reset(new std::uint64_t[kBucketCount]());
  reset();
  merge(other);
  return *this;
}

Histogram::Histogram(Histogram&& other) noexcept { *this = std::move(other); }

Histogram& Histogram::operator=(Histogram&& other) noexcept {
  if (this == &other) return *this;
  counts_ = std::move(other.counts_);
  count_ = std::exchange(other.count_, 0);
  sum_us_ = std::exchange(other.sum_us_, 0);
  min_us_ = std::exchange(other.min_us_, 0);
  max_us_ = std::exchange(other.max_us_, 0);
  lowest_ = std::exchange(other.lowest_, kBucketCount);
  highest_ = std::exchange(other.highest_, 0);
  return *this;
}

std::uint32_t Histogram::bucket_of(std::int64_t value_us) {
  auto v = static_cast<std::uint64_t>(std::clamp<std::int64_t>(value_us, 0, kMaxResolved));
  int width = std::bit_width(v);
  int shift = std::max(0, width - (kSubBucketBits + 1));
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(shift) << kSubBucketBits) + (v >> shift));
}

std::int64_t Histogram::bucket_low(std::uint32_t index) {
  if (index < kExactBelow) return index;
  std::uint32_t shift = (index >> kSubBucketBits) - 1;
  std::int64_t top = index - (shift << kSubBucketBits);
  return top << shift;
}

std::int64_t Histogram::bucket_high(std::uint32_t index) {
  if (index < kExactBelow) return index;
  std::uint32_t shift = (index >> kSubBucketBits) - 1;
  return bucket_low(index) + (std::int64_t{1} << shift) - 1;
}

std::int64_t Histogram::bucket_mid(std::uint32_t index) {
  return bucket_low(index) + (bucket_high(index) - bucket_low(index)) / 2;
}

std::int64_t Histogram::representative(std::uint32_t index) const {
  return std::clamp(bucket_mid(index), min_us_, max_us_);
}

void Histogram::record_n(std::int64_t value_us, std::uint64_t n) {
  if (n == 0) return;
  if (value_us < 0) value_us = 0;
  std::uint32_t i = bucket_of(value_us);
  counts_[i] += n;
  if (count_ == 0) {
    min_us_ = max_us_ = value_us;
  } else {
    min_us_ = std::min(min_us_, value_us);
    max_us_ = std::max(max_us_, value_us);
  }
  lowest_ = std::min(lowest_, i);
  highest_ = std::max(highest_, i);
  count_ += n;
  sum_us_ += value_us * static_cast<std::int64_t>(n);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (std::uint32_t i = other.lowest_; i <= other.highest_; ++i) counts_[i] += other.counts_[i];
  min_us_ = count_ ? std::min(min_us_, other.min_us_) : other.min_us_;
  max_us_ = count_ ? std::max(max_us_, other.max_us_) : other.max_us_;
  lowest_ = std::min(lowest_, other.lowest_);
  highest_ = std::max(highest_, other.highest_);
  count_ += other.count_;
  sum_us_ += other.sum_us_;
}

void Histogram::merge(const SparseHistogram& other) {
  if (other.count == 0) return;
  for (const auto& b : other.buckets) {
    if (b.index >= kBucketCount || b.count == 0) continue;  // defensive: data may come off the wire
    counts_[b.index] += b.count;
    lowest_ = std::min(lowest_, b.index);
    highest_ = std::max(highest_, b.index);
  }
  min_us_ = count_ ? std::min(min_us_, other.min_us) : other.min_us;
  max_us_ = count_ ? std::max(max_us_, other.max_us) : other.max_us;
  count_ += other.count;
  sum_us_ += other.sum_us;
}

void Histogram::reset() {
  if (count_ != 0 && lowest_ <= highest_) {  // a count with no bucket: nothing to clear
    std::memset(&counts_[lowest_], 0, (highest_ - lowest_ + 1) * sizeof(std::uint64_t));
  }
  count_ = 0;
  sum_us_ = min_us_ = max_us_ = 0;
  lowest_ = kBucketCount;
  highest_ = 0;
}

std::int64_t Histogram::value_at_quantile(double q) const {
  std::int64_t out = 0;
  values_at_quantiles(std::span<const double>(&q, 1), std::span<std::int64_t>(&out, 1));
  return out;
}

std::int64_t Histogram::value_at_rank(std::uint64_t rank) const {
  if (count_ == 0) return 0;
  rank = std::min(rank, count_ - 1);
  std::int64_t out = 0;
  values_at_ranks(std::span<const std::uint64_t>(&rank, 1), std::span<std::int64_t>(&out, 1));
  return out;
}

void Histogram::values_at_quantiles(std::span<const double> qs, std::span<std::int64_t> out) const {
  if (count_ == 0) {
    for (auto& v : out) v = 0;
    return;
  }
  // Locust walks its keys from the top and returns the first where count - counted <= int(count * q):
  // that is the sample at 0-based index floor(count * q), capped at the last one.
  constexpr std::size_t kMaxQuantiles = 32;
  std::array<std::uint64_t, kMaxQuantiles> ranks{};
  const std::size_t n = std::min({qs.size(), out.size(), kMaxQuantiles});
  for (std::size_t k = 0; k < n; ++k) {
    double q = std::clamp(qs[k], 0.0, 1.0);
    ranks[k] = std::min(static_cast<std::uint64_t>(static_cast<double>(count_) * q), count_ - 1);
  }
  values_at_ranks(std::span<const std::uint64_t>(ranks.data(), n), out.first(n));
}

void Histogram::values_at_ranks(std::span<const std::uint64_t> ranks, std::span<std::int64_t> out) const {
  std::size_t k = 0;
  std::uint64_t seen = 0;  // samples in buckets up to and including i
  for (std::uint32_t i = lowest_; i <= highest_ && k < ranks.size(); ++i) {
    seen += counts_[i];
    for (; k < ranks.size() && ranks[k] < seen; ++k) {
      // The extreme samples are known exactly; everything else is its bucket's representative.
      out[k] = ranks[k] == count_ - 1 ? max_us_ : (ranks[k] == 0 ? min_us_ : representative(i));
    }
  }
  for (; k < ranks.size(); ++k) out[k] = max_us_;
}

SparseHistogram Histogram::to_sparse() const {
  SparseHistogram s;
  s.count = count_;
  s.sum_us = sum_us_;
  s.min_us = min();
  s.max_us = max();
  for_each_bucket([&](HistogramBucket b) { s.buckets.push_back(b); });
  return s;
}

}  // namespace cicada::stats
