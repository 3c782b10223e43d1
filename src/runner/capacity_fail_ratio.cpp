// What a step's fail_ratio objectives still need (declared in capacity_search.hpp): more windows while
// the failures measured neither show the ratio above the limit nor under it (runner/capacity_slo.hpp's
// binomial tests), and the note that says which.
#include <fmt/format.h>

#include "runner/capacity_search.hpp"

namespace cicada::runner {

std::optional<std::string> CapacitySearch::fail_ratio_unsettled(const CapacityWindow& m) const {
  for (const auto& slo : slos_) {
    if (slo.kind != Slo::Kind::kFailRatio || m.failures == 0 || m.failures >= m.requests) continue;
    const double value = ratio_of(m.failures, m.requests);
    if (!(value < slo.limit) && !fail_ratio_shown_above(m.failures, m.requests, slo.limit))
      return fmt::format("fail ratio {} ({} of {}) could be chance at {}", slo_value_text(slo, value),
                         m.failures, m.requests, slo_value_text(slo, slo.limit));
  }
  return std::nullopt;
}

std::optional<CapacitySearch::OpenFailRatio> CapacitySearch::fail_ratio_too_few(
    const CapacityWindow& m) const {
  if (failed_rule(m, FailRatioTest::kMeasured)) return std::nullopt;
  for (const auto& slo : slos_) {
    if (slo.kind != Slo::Kind::kFailRatio || slo.limit <= 0 || slo.limit >= 1 || m.failures >= m.requests)
      continue;
    // Under the limit as measured, but so few failures would not be rare at the limit itself (none in
    // fewer than 299 requests, for 1%): the requests cannot show the ratio under it yet.
    if (ratio_of(m.failures, m.requests) < slo.limit &&
        !fail_ratio_shown_below(m.failures, m.requests, slo.limit)) {
      return OpenFailRatio{fmt::format("{} of {} failed: too few requests to show a fail ratio under {}",
                                       m.failures, m.requests, slo_value_text(slo, slo.limit)),
                           false, m.failures, m.requests, &slo};
    }
  }
  return std::nullopt;
}

std::optional<CapacitySearch::OpenFailRatio> CapacitySearch::fail_ratio_open(const CapacityWindow& m) const {
  if (auto why = fail_ratio_unsettled(m)) return OpenFailRatio{std::move(*why), true};
  return fail_ratio_too_few(m);
}

std::string CapacitySearch::OpenFailRatio::needed_text() const {
  if (objective == nullptr) return "";
  const std::uint64_t needed = requests_to_show_below(failures, requests, objective->limit);
  return needed > 0 ? fmt::format("; about {} requests at this fail ratio would show it under {}", needed,
                                  slo_value_text(*objective, objective->limit))
                    : "";
}

}  // namespace cicada::runner
