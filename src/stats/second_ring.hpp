#pragma once
// SecondRing: the last few seconds of one entry (requests, failures, latency), for the "current" values:
// rates over the last closed seconds and percentiles over about the last 10 seconds.
// Memory is bounded by kDepth sparse histograms; a slot is written only for a second that had requests,
// so a slot whose tag differs from the asked second means "no requests that second".
#include <array>
#include <cstdint>

#include "stats/histogram.hpp"

namespace cicada::stats {

class SecondRing {
 public:
  static constexpr int kDepth = 16;  // > kCurrentPercentileSeconds (10) with room for a late clock

  // Stores one closed second (overwrites whatever was kDepth seconds older).
  void put(std::int64_t second, std::uint64_t requests, std::uint64_t failures, SparseHistogram latency);

  // Requests and failures of one second (0 when it had none or left the ring).
  struct Counts {
    std::uint64_t requests = 0;
    std::uint64_t failures = 0;
  };
  Counts counts(std::int64_t second) const;

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
