#include "report/capacity_json.hpp"

#include <cmath>

#include "scenario/arrival_distribution.hpp"

namespace cicada::report {
namespace {

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }
std::int64_t us_of(const nlohmann::json& j, const char* key) {
  return static_cast<std::int64_t>(std::llround(j.value(key, 0.0) * 1000.0));
}
// A share written as null when unknown reads back as -1.
double share_of(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : -1.0;
}

// A share that may be unknown (< 0): null then.
nlohmann::json share(double v) { return v >= 0 ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json window_json(const runner::CapacityWindowSummary& w) {
  return {{"throughput_rps", w.throughput_rps},
          {"p50_ms", ms(w.p50_us)},
          {"p95_ms", ms(w.p95_us)},
          {"p99_ms", ms(w.p99_us)},
          {"fail_ratio", w.fail_ratio},
          {"generator_cpu", share(w.generator_cpu)},
          {"generator_cpu_wait", share(w.generator_cpu_wait)},
          {"generator_busy", share(w.generator_busy)},
          {"lateness_ms", ms(w.lateness_p50_us)}};
}

runner::StepVerdict verdict_of(const std::string& name) {
  using runner::StepVerdict;
  for (auto v : {StepVerdict::kMet, StepVerdict::kCrossed, StepVerdict::kPlateau, StepVerdict::kDropped,
                 StepVerdict::kUnstable, StepVerdict::kGeneratorSaturated})
    if (name == runner::verdict_name(v)) return v;
  return StepVerdict::kCrossed;
}

runner::CapacityPoint point_of(const nlohmann::json& j) {
  runner::CapacityPoint p;
  p.step = j.value("step", 0);
  p.repeat = j.value("repeat", 1);
  p.load = j.value("load", 0.0);
  p.throughput_rps = j.value("throughput_rps", 0.0);
  p.goodput_rps = j.value("goodput_rps", 0.0);
  p.percentiles_us[0] = us_of(j, "p50_ms");
  p.percentiles_us[5] = us_of(j, "p95_ms");
  p.percentiles_us[7] = us_of(j, "p99_ms");
  p.avg_us = j.value("avg_ms", 0.0) * 1000.0;
  p.fail_ratio = j.value("fail_ratio", 0.0);
  p.dropped = j.value("dropped", std::uint64_t{0});
  p.generator_cpu = share_of(j, "generator_cpu");
  p.generator_cpu_wait = share_of(j, "generator_cpu_wait");
  p.generator_busy = share_of(j, "generator_busy");
  p.lateness_p50_us = us_of(j, "lateness_ms");
  if (const auto cap = j.find("inflight_cap"); cap != j.end() && cap->is_number_unsigned())
    p.inflight_cap = cap->get<std::size_t>();  // older records and closed-model steps: 0
  p.stable = j.value("stable", false);
  p.note = j.value("note", std::string());
  p.within_slo = j.value("within_slo", false);
  p.fail_ratio_unproven = j.value("fail_ratio_unproven", false);  // older records: not told
  p.objectives_held = j.value("objectives_held", p.within_slo);   // older records: only met steps are known
  p.verdict = verdict_of(j.value("verdict", std::string()));
  p.violated = j.value("violated", std::string());
  if (const auto w = j.find("windows"); w != j.end() && w->is_array()) {
    for (const auto& x : *w) {
      if (!x.is_object()) continue;
      p.windows.push_back({x.value("throughput_rps", 0.0), us_of(x, "p50_ms"), us_of(x, "p95_ms"),
                           us_of(x, "p99_ms"), x.value("fail_ratio", 0.0), share_of(x, "generator_cpu"),
                           us_of(x, "lateness_ms"), share_of(x, "generator_cpu_wait"),
                           share_of(x, "generator_busy")});
    }
  }
  if (const auto s = j.find("server"); s != j.end() && s->is_object())
    for (const auto& [name, v] : s->items())
      if (v.is_number()) p.server[name] = v.get<double>();
  return p;
}

}  // namespace

std::optional<CapacityCurve> capacity_curve_from_json(const nlohmann::json& j) {
  // Any shape that is not a curve (an older record, a hand-edited one) is "no curve", never a throw.
  if (!j.is_object() || !j.contains("points") || !j["points"].is_array()) return std::nullopt;
  try {
    CapacityCurve c;
    c.plan.open_model = j.value("mode", std::string("rate")) == "rate";
    auto& r = c.result;
    r.found = j.value("found", false);
    r.generator_saturated = j.value("generator_saturated", false);
    r.limit_not_reached = j.value("limit_not_reached", false);
    r.lowest_load_failed = j.value("lowest_load_failed", false);
    r.stop_reason = j.value("stop_reason", std::string());
    if (const auto a = j.find("answers"); a != j.end() && a->is_array())
      for (const auto& v : *a)
        if (v.is_number()) r.answers.push_back(v.get<double>());
    for (const auto& p : j["points"])
      if (p.is_object()) r.curve.push_back(point_of(p));
    if (r.found) {
      // The answer is the step best_step names (steps are numbered over all repeats); older records: the
      // met step at max_load, with repeats the one with the recorded throughput.
      const int step = j.value("best_step", 0);
      const double load = j.value("max_load", 0.0), throughput = j.value("max_throughput_rps", 0.0);
      const runner::CapacityPoint* best = nullptr;
      for (const auto& p : r.curve) {
        if (!p.within_slo || p.load != load || (step > 0 && p.step != step)) continue;
        if (best == nullptr || p.throughput_rps == throughput) best = &p;
      }
      if (best == nullptr) return std::nullopt;
      r.best = *best;
    }
    return c;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

const runner::CapacityPoint* limiting_step(const runner::CapacityResult& r) {
  // The lowest failing load above the answer: where the search found the limit (with bisection the
  // first failing step is usually far above it).
  const runner::CapacityPoint* limit = nullptr;
  for (const auto& p : r.curve) {
    if (p.within_slo || (r.found && p.load <= r.best.load)) continue;
    if (limit == nullptr || p.load < limit->load) limit = &p;
  }
  return limit;
}

nlohmann::json capacity_point_json(const runner::CapacityPoint& p) {
  nlohmann::json windows = nlohmann::json::array();
  for (const auto& w : p.windows) windows.push_back(window_json(w));
  return {{"step", p.step},
          {"repeat", p.repeat},
          {"load", p.load},
          {"throughput_rps", p.throughput_rps},
          {"goodput_rps", p.goodput_rps},
          {"p50_ms", ms(p.percentiles_us[0])},
          {"p95_ms", ms(p.percentiles_us[5])},
          {"p99_ms", ms(p.percentiles_us[7])},
          {"avg_ms", p.avg_us / 1000.0},
          {"fail_ratio", p.fail_ratio},
          {"dropped", p.dropped},
          {"generator_cpu", share(p.generator_cpu)},
          {"generator_cpu_wait", share(p.generator_cpu_wait)},
          {"generator_busy", share(p.generator_busy)},
          {"lateness_ms", ms(p.lateness_p50_us)},
          {"inflight_cap", p.inflight_cap > 0 ? nlohmann::json(p.inflight_cap) : nlohmann::json(nullptr)},
          {"stable", p.stable},
          {"note", p.note},
          {"verdict", runner::verdict_name(p.verdict)},
          {"within_slo", p.within_slo},
          {"fail_ratio_unproven", p.fail_ratio_unproven},
          {"objectives_held", p.objectives_held},
          {"outcome", runner::step_outcome(p)},
          {"violated", p.violated},
          {"windows", std::move(windows)},
          {"server", p.server}};
}

// The open model's arrival process by name; null for a search by users, which has none.
nlohmann::json arrival_distribution_json(const runner::CapacityPlan& plan) {
  return plan.open_model ? nlohmann::json(scenario::arrival_distribution_name(plan.poisson_arrivals))
                         : nlohmann::json();
}

nlohmann::json capacity_plan_json(const runner::CapacityPlan& plan) {
  return {{"start", plan.start},
          {"arrival_distribution", arrival_distribution_json(plan)},
          {"step", plan.step},
          {"factor", plan.factor},
          {"precision", plan.precision},
          {"max_steps", plan.max_steps},
          {"repeat", plan.repeat},
          {"warmup_s", plan.warmup.count()},
          {"window_s", plan.window.count()},
          {"stable_windows", plan.stable_windows},
          {"stability", plan.stability},
          {"max_windows", plan.max_windows}};
}

nlohmann::json capacity_curve_json(const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.curve) points.push_back(capacity_point_json(p));
  const runner::CapacityPoint* limit = limiting_step(r);
  const runner::CapacityPoint* bound = r.saturated_bound();
  const auto past = runner::served_past_limit(plan, r);
  return {{"mode", plan.open_model ? "rate" : "users"},
          {"arrival_distribution", arrival_distribution_json(plan)},
          {"found", r.found},
          {"generator_saturated", r.generator_saturated},
          {"limit_not_reached", r.limit_not_reached},
          {"lowest_load_failed", r.lowest_load_failed},
          {"stop_reason", r.stop_reason},
          // The answer's step met a fail-ratio objective on too few requests to show it (exit code 5).
          {"fail_ratio_unproven", r.found && r.best.fail_ratio_unproven},
          {"best_step", r.found ? r.best.step : 0},
          {"max_load", r.found ? r.best.load : 0.0},
          {"max_throughput_rps", r.found ? r.best.throughput_rps : 0.0},
          {"max_goodput_rps", r.found ? r.best.goodput_rps : 0.0},
          // CapacityResult::saturated_bound()'s goodput, 0 when there is none.
          {"saturated_bound_rps", bound != nullptr ? bound->goodput_rps : 0.0},
          // runner::served_past_limit as [slowest, fastest] req/s, null without two such steps; and
          // runner::past_limit_spread_text ("" when they agree).
          {"served_past_limit_rps",
           past ? nlohmann::json::array({past->min_rps, past->max_rps}) : nlohmann::json(nullptr)},
          {"past_limit_note", runner::past_limit_spread_text(plan, r)},
          {"answers", r.answers},
          {"limit", limit != nullptr ? nlohmann::json(limit->violated) : nlohmann::json("")},
          {"points", std::move(points)}};
}

}  // namespace cicada::report
