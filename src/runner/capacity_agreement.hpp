#pragma once
// When a capacity step's windows agree (capacity_search.cpp's stability and plateau rules): how much of
// their difference is noise that cannot change a verdict.
#include <algorithm>
#include <cmath>
#include <vector>

namespace cicada::runner {

inline double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

// Every value within `stability` (a share) of their mean, or all within `floor` of each other: differences
// far below an objective cannot change a verdict (noise of a fast target's 0.2 ms p95 on a busy machine
// would otherwise never settle).
inline bool agree_within(const std::vector<double>& v, double stability, double floor) {
  const double mean = mean_of(v);
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  if (*hi - *lo <= floor) return true;
  for (double x : v) {
    if (std::abs(x - mean) > stability * mean) return false;
  }
  return true;
}

// Poisson arrivals (plan.poisson_arrivals) put a window's request count N at the chance of a Poisson
// draw: its standard deviation is sqrt(N), 10% at 100 requests a window. The agreement rule below allows
// that much before it calls windows unstable: in req/s, for `rps` measured over `seconds`. (The plateau
// rule compares with the arrivals each window drew instead: capacity_search.cpp, offered_rps.)
inline double poisson_sd_rps(double rps, double seconds) {
  seconds = std::max(1e-3, seconds);
  return std::sqrt(std::max(0.0, rps) * seconds) / seconds;
}

// Throughputs of consecutive windows agree: within `stability` of their mean, or, under Poisson arrivals,
// within 4 standard deviations of a Poisson count of each other (the range of three such draws exceeds
// that 1.4% of the time).
inline bool throughputs_agree(const std::vector<double>& tp, double stability, bool poisson, double seconds) {
  return agree_within(tp, stability, poisson ? 4 * poisson_sd_rps(mean_of(tp), seconds) : 0);
}

}  // namespace cicada::runner
