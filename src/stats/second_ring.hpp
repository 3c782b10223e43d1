#pragma once
// SecondRing: the last few seconds of one entry (requests, failures, latency), for Locust's "current"
// values: rates over [max(last-12, start), last-2) and percentiles over about the last 10 seconds.
// Memory is bounded by kDepth sparse histograms; a slot is written only for a second that had requests,
// so a slot whose tag differs from the asked second means "no requests that second".
#include <array>
#include <cstdint>

#include "stats/histogram.hpp"

namespace cicada::stats {

class SecondRing {
 public:
  static constexpr int kDepth = 16;  // >= 13: the rate window reaches 12 seconds before `last`

  // Stores one closed second (overwrites whatever was kDepth seconds older).
  void put(std::int64_t second, std::uint64_t requests, std::uint64_t failures, SparseHistogram latency);

  // Mean requests and failures per second over seconds [from, to) (Locust's avg: 0 for an empty range).
  struct Rates {
    double requests_per_s = 0.0;
    double failures_per_s = 0.0;
  };
  Rates mean_rates(std::int64_t from, std::int64_t to) const;

  // Adds the latency of seconds [from, to] into out (only seconds still in the ring).
  void merge_latency(std::int64_t from, std::int64_t to, Histogram& out) const;

  void clear();

 private:
  struct Slot {
    std::int64_t second = -1;
    std::uint64_t requests = 0;
    std::uint64_t failures = 0;
    SparseHistogram latency;
  };
  const Slot* find(std::int64_t second) const;

  std::array<Slot, kDepth> slots_{};
};

}  // namespace cicada::stats
