#include "runner/capacity_slo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "base/fail_ratio_limit.hpp"

namespace cicada::runner {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "50ms", "1.5s", "250us", "0.2" (ms) into microseconds.
std::optional<double> parse_latency_us(std::string_view s) {
  double scale = 1000.0;
  if (s.ends_with("ms")) {
    s.remove_suffix(2);
  } else if (s.ends_with("us")) {
    s.remove_suffix(2);
    scale = 1.0;
  } else if (s.ends_with("s")) {
    s.remove_suffix(1);
    scale = 1e6;
  }
  double v = 0;
  s = trim(s);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !(v > 0) || !std::isfinite(v)) return std::nullopt;
  return v * scale;
}

}  // namespace

Result<Slo> parse_slo(std::string_view text) {
  const auto lt = text.find('<');
  auto bad = [&](std::string_view why) {
    return make_error("--slo '" + std::string(text) + "': " + std::string(why) +
                      " (expected e.g. 'p95 < 50ms', 'avg < 20ms', 'fail_ratio < 1%')");
  };
  if (lt == std::string_view::npos) return bad("no '<'");
  const std::string_view metric = trim(text.substr(0, lt));
  std::string_view value = trim(text.substr(lt + 1));
  Slo slo;
  slo.text = std::string(trim(text));
  if (metric == "fail_ratio") {
    slo.kind = Slo::Kind::kFailRatio;
    double v = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || p == value.data() || !(v >= 0) || !std::isfinite(v)) return bad("not a ratio");
    const auto limit = fail_ratio_limit(v, trim(value.substr(static_cast<std::size_t>(p - value.data()))));
    if (!limit) return bad(limit.error().message);
    slo.limit = *limit;
    return slo;
  }
  const auto limit = parse_latency_us(value);
  if (!limit) return bad("not a latency (50ms, 1s, 250us)");
  slo.limit = *limit;
  if (metric == "avg") {
    slo.kind = Slo::Kind::kAverage;
    return slo;
  }
  if (metric.size() < 2 || metric[0] != 'p') return bad("unknown metric");
  double q = 0;
  auto [p, ec] = std::from_chars(metric.data() + 1, metric.data() + metric.size(), q);
  if (ec != std::errc() || p != metric.data() + metric.size() || !(q > 0) || q > 100)
    return bad("bad percentile");
  slo.kind = Slo::Kind::kPercentile;
  slo.quantile = q / 100.0;
  return slo;
}

double ratio_of(std::uint64_t part, std::uint64_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

namespace {

// P(X < failures) for X ~ Binomial(requests, limit), 0 < limit < 1. The normal approximation (with
// continuity correction) once the variance is large, where the exact sum would be long; the exact sum of
// P(X = k) for k below `failures` otherwise, its terms built one from the last, in logs from P(X = 0).
double probability_fewer(std::uint64_t failures, std::uint64_t requests, double limit) {
  if (failures > requests) return 1;
  const double n = static_cast<double>(requests);
  if (n * limit * (1 - limit) >= 1000 || failures > 100'000) {
    const double mean = n * limit, sd = std::sqrt(n * limit * (1 - limit));
    const double zscore = (static_cast<double>(failures) - 0.5 - mean) / sd;
    return 1 - 0.5 * std::erfc(zscore / std::sqrt(2.0));
  }
  double log_term = n * std::log1p(-limit), below = 0;
  const double odds = std::log(limit) - std::log1p(-limit);
  for (std::uint64_t k = 0; k < failures; ++k) {
    below += std::exp(log_term);
    log_term += std::log((n - static_cast<double>(k)) / static_cast<double>(k + 1)) + odds;
  }
  return std::min(1.0, below);
}

}  // namespace

bool fail_ratio_shown_above(std::uint64_t failures, std::uint64_t requests, double limit, double chance) {
  if (requests == 0 || failures == 0) return false;
  if (limit <= 0) return true;
  if (limit >= 1) return false;
  // P(X >= failures) at the limit, below `chance`: so many failures are unlikely there.
  return 1 - probability_fewer(failures, requests, limit) < chance;
}

bool fail_ratio_shown_below(std::uint64_t failures, std::uint64_t requests, double limit, double chance) {
  if (requests == 0 || limit <= 0) return false;
  if (limit >= 1) return failures < requests;
  // P(X <= failures) at the limit, below `chance`: so few failures are unlikely there.
  return probability_fewer(failures + 1, requests, limit) < chance;
}

std::uint64_t requests_to_show_below(std::uint64_t failures, std::uint64_t requests, double limit) {
  if (requests == 0 || limit <= 0 || limit >= 1) return 0;
  const double ratio = ratio_of(failures, requests);
  if (!(ratio < limit)) return 0;
  // The failures of n requests at the measured ratio, floor(n * failures / requests) in integers (in
  // floating point 49 * (1 / 49.0) floors to 0); no overflow: failures and requests are counts of one step.
  const auto shown = [&](std::uint64_t n) {
    const std::uint64_t at_ratio = n / requests * failures + n % requests * failures / requests;
    return fail_ratio_shown_below(at_ratio, n, limit);
  };
  // Doubling to a count that shows it, then bisection: the evidence grows with n at a fixed ratio (up to
  // the rounding of the failures, hence "about").
  constexpr std::uint64_t kMost = 1'000'000'000'000;
  std::uint64_t low = requests;
  std::uint64_t high = std::max<std::uint64_t>(requests, 1);
  while (!shown(high)) {
    low = high;
    if (high > kMost / 2) return 0;
    high *= 2;
  }
  while (high - low > 1) {
    const std::uint64_t mid = low + (high - low) / 2;
    (shown(mid) ? high : low) = mid;
  }
  return high;
}

double slo_value(const Slo& slo, const stats::Histogram& latency, double fail_ratio) {
  switch (slo.kind) {
    case Slo::Kind::kPercentile:
      return static_cast<double>(latency.value_at_quantile(slo.quantile));
    case Slo::Kind::kAverage:
      return latency.mean();
    case Slo::Kind::kFailRatio:
      return fail_ratio;
  }
  return 0;
}

std::string slo_value_text(const Slo& slo, double value) {
  return slo.is_latency() ? fmt::format("{:.1f} ms", value / 1000.0) : fmt::format("{:.2f}%", value * 100.0);
}

}  // namespace cicada::runner
