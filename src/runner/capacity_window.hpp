#pragma once
// Measuring a capacity search's windows from the run's snapshots, with no stats reset: a window is
// the difference between two snapshots' whole-run totals (counts, and histograms bucket by bucket),
// so no second's samples are dropped at a boundary and a local run and a distributed master's fleet
// are measured the same way.
#include "runner/capacity_search.hpp"
#include "stats/snapshot.hpp"

namespace cicada::runner {

// The totals of a snapshot that a window needs, kept at a window's start.
struct WindowMark {
  double at_unix_s = 0;
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  std::uint64_t dropped = 0;
  std::uint64_t due = 0;         // open model: iterations the schedule offered
  stats::Histogram latency;      // corrected, whole run
  stats::Histogram uncorrected;  // from when each request was sent, whole run
};
WindowMark mark_of(const stats::Snapshot& snapshot);

// later - earlier, for histograms whose samples only ever grow between the two.
stats::Histogram histogram_difference(const stats::Histogram& later, const stats::Histogram& earlier);

// The window between two marks (generator CPU and server figures are the caller's to fill).
CapacityWindow window_between(const WindowMark& from, const WindowMark& to, int in_flight);

}  // namespace cicada::runner
