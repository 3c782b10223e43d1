// The closed model's knee (`cicada capacity --mode users`): the most users before throughput stops
// growing with them. A step is judged against the best met step below it; one judged against a step far
// below it (a growth step of x3, or no step at all when it was the first) may be past the knee itself:
// 27 users against 9 grew throughput enough while the knee was at 20, and a first step of 10 users
// against a target that one user nearly fills has nothing to be compared with. So before bisecting above
// the best step, the search bisects below it, until a step within --precision under it shows it still
// grows: the answer then depends on the target, not on --start (session 14's finding: 1 user from
// --start 1, 10 users from --start 10, against the same target).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "runner/capacity_search.hpp"

namespace cicada::runner {

bool CapacitySearch::past_the_knee(const CapacityPoint& lower, double load, double throughput_rps) const {
  if (!(lower.throughput_rps > 0) || !(load > lower.load)) return false;
  const double load_growth = (load - lower.load) / lower.load;
  const double tp_growth = (throughput_rps - lower.throughput_rps) / lower.throughput_rps;
  return tp_growth < plan_.min_growth_ratio * load_growth;
}

std::string CapacitySearch::plateau_text(const CapacityPoint& lower, double load,
                                         double throughput_rps) const {
  return fmt::format("throughput stopped growing ({:.1f} req/s at {}, {:.1f} at {})", throughput_rps,
                     format_load(plan_, load), lower.throughput_rps, format_load(plan_, lower.load));
}

const CapacityPoint* CapacitySearch::met_below(double load) const {
  const CapacityPoint* below = nullptr;
  for (const auto& p : met_this_repeat_)
    if (p.load < load && (below == nullptr || p.load > below->load)) below = &p;
  return below;
}

bool CapacitySearch::probe_below() {
  if (plan_.open_model || plan_.precision <= 0 || !best_this_repeat_) return false;
  const CapacityPoint& best = *best_this_repeat_;
  if (best.step == knee_confirmed_step_) return false;
  double next = 0;
  if (const CapacityPoint* below = met_below(best.load)) {
    // Each probe compares steps apart by at least --stability (10%): closer ones differ in throughput by
    // about as much in noise alone, and demoted at random (a review's simulation: a knee at 50 users
    // answered from 28 to 56 with 3% noise when probes went down to --precision).
    const double apart = 1 + std::max(plan_.precision, plan_.stability);
    if (best.load <= below->load * apart * apart) return false;
    next = std::round(std::sqrt(below->load * best.load));
    if (next <= below->load || next >= best.load) return false;
  } else {
    if (best.load <= 1) return false;
    next = std::min(best.load - 1, std::max(1.0, std::round(best.load / factor_)));
  }
  load_ = next;
  probing_below_ = true;
  stopped_at_max_steps();
  return true;
}

void CapacitySearch::demote_past_the_knee(int step, std::string why) {
  for (auto& q : result_.curve) {
    if (q.step != step) continue;
    q.verdict = StepVerdict::kPlateau;
    q.within_slo = false;
    q.fail_ratio_unproven = false;  // said of met steps only
    q.objectives_held = false;
    q.violated = std::move(why);
    if (!limit_this_repeat_ || q.load < limit_this_repeat_->load) limit_this_repeat_ = q;
    bad_ = std::min(bad_.value_or(q.load), q.load);
  }
  std::erase_if(met_this_repeat_, [&](const CapacityPoint& q) { return q.step == step; });
}

void CapacitySearch::after_probe_below(const CapacityPoint& p) {
  probing_below_ = false;
  const CapacityPoint above = *best_this_repeat_;
  if (!p.within_slo) {
    // Failed below a met step: noise, or a target that is not monotone; the bracket stays as it was.
    knee_confirmed_step_ = above.step;
  } else if (const CapacityPoint* below = met_below(p.load);
             below != nullptr && past_the_knee(*below, p.load, p.throughput_rps)) {
    // This step is past the knee over the one below it, so the best one above it is too.
    const CapacityPoint good = *below;  // a copy: demoting edits the list `below` points into
    const std::string why = plateau_text(good, p.load, p.throughput_rps);
    demote_past_the_knee(p.step, why);
    demote_past_the_knee(above.step,
                         fmt::format("past the knee: {} above {}, where {}", format_load(plan_, above.load),
                                     format_load(plan_, p.load), why));
    best_this_repeat_ = good;
    good_ = good.load;
    return next_load(std::nullopt);
  } else {
    met_this_repeat_.push_back(p);
    if (past_the_knee(p, above.load, above.throughput_rps)) {
      // The best step was past the knee: it is the failing end of the bracket now, this one its good end.
      demote_past_the_knee(above.step, plateau_text(p, above.load, above.throughput_rps));
      auto& shown = result_.curve.back();
      shown.note += fmt::format("{}{} was already past the knee: {:.1f} req/s there, {:.1f} here",
                                shown.note.empty() ? "" : "; ", format_load(plan_, above.load),
                                above.throughput_rps, p.throughput_rps);
      best_this_repeat_ = shown;
      good_ = p.load;
    }
  }
  next_load(std::nullopt);
}

}  // namespace cicada::runner
