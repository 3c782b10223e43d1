#pragma once
// Service-level objectives of a capacity search (`--slo 'p95 < 50ms'`): parsed once, then judged on
// each measured window of requests.
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "stats/histogram.hpp"

namespace cicada::runner {

// One objective: "p95 < 50ms", "p99.9 < 1s", "avg < 20ms", "fail_ratio < 1%" (or "< 0.01").
struct Slo {
  enum class Kind { kPercentile, kAverage, kFailRatio };
  Kind kind = Kind::kPercentile;
  double quantile = 0;  // kPercentile: 0.95 for p95
  double limit = 0;     // latency kinds: microseconds; kFailRatio: a ratio in [0, 1]
  std::string text;     // as written, for messages
  bool is_latency() const { return kind != Kind::kFailRatio; }
};
Result<Slo> parse_slo(std::string_view text);

// What an objective measures on some requests: latency in us (histogram of their latency) or the
// failure ratio in [0, 1].
double slo_value(const Slo& slo, const stats::Histogram& latency, double fail_ratio);
// The measured value as a message shows it: "73.1 ms" or "2.50%".
std::string slo_value_text(const Slo& slo, double value);

// part / whole, 0 when whole is 0: a measured ratio (failures of requests, dropped of due).
double ratio_of(std::uint64_t part, std::uint64_t whole);

// Whether `failures` of `requests` show a failure ratio above `limit`, not only by chance: at a true ratio
// of `limit`, that many failures or more would happen less than 5% of the time (binomial). One failure in
// 87 requests (1.15%) does not show a ratio above 1%; four do (4.6%); one of ten does not; any failure
// shows a ratio above 0.
// `chance` 0.5 asks only that the failures be more than the limit usually gives (more than the median
// count): a neutral verdict where no more can be measured, without "1 of 100 crosses 1%".
bool fail_ratio_shown_above(std::uint64_t failures, std::uint64_t requests, double limit,
                            double chance = 0.05);
// The other side: so few failures in `requests` would happen less than `chance` of the time at `limit`,
// so the ratio is shown under it. No failure in 299 requests shows a ratio under 1%, in 298 does not;
// 5 of 1,000 does not (P(X <= 5) = 6.6% at 1%), 3 of 1,000 does.
bool fail_ratio_shown_below(std::uint64_t failures, std::uint64_t requests, double limit,
                            double chance = 0.05);
// About how many requests at the ratio `failures` of `requests` (under `limit`) it takes for
// fail_ratio_shown_below to hold: 299 for no failure under 1%, about 1,050 at 0.5%. The user's hint for a
// step that had too few (a longer --window, more --max-windows); 0 when the ratio is not under the limit
// or it would take more than a trillion.
std::uint64_t requests_to_show_below(std::uint64_t failures, std::uint64_t requests, double limit);

}  // namespace cicada::runner
