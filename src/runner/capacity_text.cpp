// What reports say of a search (console, --html, the history's report, the web page): one text each,
// made here so every output says the same (declared in capacity_search.hpp).
#include <fmt/format.h>

#include <algorithm>

#include "runner/capacity_search.hpp"

namespace cicada::runner {

std::string step_note(const CapacityPoint& p) {
  // A failed step judged on merged windows already leads its reason with the note.
  if (p.note.empty() || (!p.within_slo && p.violated.starts_with(p.note))) return "";
  return p.note;
}

std::string step_outcome(const CapacityPoint& p) {
  const std::string note = step_note(p);
  const std::string noted = note.empty() ? "" : " (" + note + ")";
  if (p.within_slo) return "met" + noted;
  return fmt::format("{}{}: {}{}", verdict_name(p.verdict), p.objectives_held ? " (objectives held)" : "",
                     p.violated, noted);
}

std::string answer_label(const CapacityResult& result) {
  if (result.generator_saturated) return "Highest load measured before the generator saturated";
  if (result.limit_not_reached)
    return "Highest load measured, no step failed before --max-steps (a lower bound)";
  if (result.best.fail_ratio_unproven) return "Highest load met, its fail ratio unproven";
  return "Maximum sustainable load";
}

int capacity_exit_code(const CapacityResult& result) {
  if (result.generator_saturated) return 3;
  if (result.limit_not_reached) return 4;
  if (!result.found) return 1;
  return result.best.fail_ratio_unproven ? 5 : 0;
}

std::string answer_text(const CapacityPlan& plan, const CapacityResult& result) {
  if (!result.found) return "";
  const CapacityPoint& b = result.best;
  // What qualifies the answer's own step (a fail ratio that could be chance or rests on too few requests,
  // a verdict on merged windows) is said with the answer, not only in that step's row.
  const std::string note = step_note(b);
  return fmt::format("{} ({:.1f} req/s, goodput {:.1f} req/s, p95 {:.1f} ms{})", format_load(plan, b.load),
                     b.throughput_rps, b.goodput_rps, static_cast<double>(b.percentiles_us[5]) / 1000.0,
                     note.empty() ? "" : "; " + note);
}

std::string no_answer_text(const CapacityResult& result) {
  if (result.saturated_bound() != nullptr) return "No step met every objective with the generator keeping up";
  // Down to 1/s (1 user) and still failing: the target is down or failing, not loaded too much.
  if (result.lowest_load_failed) return "No load met every objective, not even the lowest tried";
  return "No step met every objective: lower --start";
}

std::string saturated_bound_text(const CapacityPlan& plan, const CapacityResult& result) {
  const CapacityPoint* top = result.saturated_bound();
  if (top == nullptr) return "";
  return fmt::format(
      "{:.1f} req/s at {}, where the generator saturated (p95 {:.1f} ms): a lower bound of what the target "
      "serves {}",
      top->goodput_rps, format_load(plan, top->load), static_cast<double>(top->percentiles_us[5]) / 1000.0,
      !plan.open_model        ? "in a closed loop"
      : plan.poisson_arrivals ? "at a Poisson arrival rate"
                              : "at a paced arrival rate");
}

// A failed step that served under this share of its rate was past the target's limit: it served what it
// could at that load. Stricter than the plateau rule's 90% (min_throughput_ratio, a failure criterion with
// room for noise): a step that failed on latency while serving 91.7% of its rate (79,345 of 86,500/s, the
// target's core at 99%) was past the limit too, and its speed 39% under a flooded step's of the same search
// (bench/RESULTS.md, "Session 26").
constexpr double kServedPastLimitRatio = 0.95;

std::optional<ServedPastLimit> served_past_limit(const CapacityPlan& plan, const CapacityResult& result) {
  if (!plan.open_model) return std::nullopt;  // users are no rate to serve under
  std::optional<ServedPastLimit> range;
  int steps = 0;
  for (const auto& p : result.curve) {
    if (p.within_slo || p.throughput_rps <= 0 || p.throughput_rps >= kServedPastLimitRatio * p.load) continue;
    ++steps;
    if (!range) range = ServedPastLimit{p.throughput_rps, p.throughput_rps};
    range->min_rps = std::min(range->min_rps, p.throughput_rps);
    range->max_rps = std::max(range->max_rps, p.throughput_rps);
  }
  if (steps < 2) return std::nullopt;
  return range;
}

std::string past_limit_spread_text(const CapacityPlan& plan, const CapacityResult& result) {
  const auto range = served_past_limit(plan, result);
  if (!range || range->max_rps <= range->min_rps * (1 + 2 * plan.stability)) return "";
  return fmt::format(
      "past the limit the steps served {:.0f} to {:.0f} req/s ({:.0f}% apart): a target can serve more "
      "flooded than at a steady rate (queued requests are handled together), and its speed can move during "
      "a search; the answer is the highest steady rate that met every objective; --repeat shows the spread",
      range->min_rps, range->max_rps, (range->max_rps / range->min_rps - 1) * 100);
}

}  // namespace cicada::runner
