#include "report/capacity_json.hpp"

namespace cicada::report {
namespace {

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

// A share that may be unknown (< 0): null then.
nlohmann::json share(double v) { return v >= 0 ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json window_json(const runner::CapacityWindowSummary& w) {
  return {{"throughput_rps", w.throughput_rps},
          {"p50_ms", ms(w.p50_us)},
          {"p95_ms", ms(w.p95_us)},
          {"p99_ms", ms(w.p99_us)},
          {"fail_ratio", w.fail_ratio},
          {"generator_cpu", share(w.generator_cpu)},
          {"lateness_ms", ms(w.lateness_p50_us)}};
}

}  // namespace

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
          {"lateness_ms", ms(p.lateness_p50_us)},
          {"stable", p.stable},
          {"note", p.note},
          {"verdict", runner::verdict_name(p.verdict)},
          {"within_slo", p.within_slo},
          {"violated", p.violated},
          {"windows", std::move(windows)},
          {"server", p.server}};
}

nlohmann::json capacity_curve_json(const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.curve) points.push_back(capacity_point_json(p));
  const runner::CapacityPoint* limit = limiting_step(r);
  return {{"mode", plan.open_model ? "rate" : "users"},
          {"found", r.found},
          {"generator_saturated", r.generator_saturated},
          {"stop_reason", r.stop_reason},
          {"max_load", r.found ? r.best.load : 0.0},
          {"max_throughput_rps", r.found ? r.best.throughput_rps : 0.0},
          {"max_goodput_rps", r.found ? r.best.goodput_rps : 0.0},
          {"answers", r.answers},
          {"limit", limit != nullptr ? nlohmann::json(limit->violated) : nlohmann::json("")},
          {"points", std::move(points)}};
}

}  // namespace cicada::report
