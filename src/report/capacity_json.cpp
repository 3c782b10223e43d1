#include "report/capacity_json.hpp"

namespace cicada::report {
namespace {

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

}  // namespace

const runner::CapacityPoint* limiting_step(const runner::CapacityResult& r) {
  for (const auto& p : r.curve) {
    if (!p.within_slo) return &p;
  }
  return nullptr;
}

nlohmann::json capacity_point_json(const runner::CapacityPoint& p) {
  return {{"step", p.step},
          {"load", p.load},
          {"throughput_rps", p.throughput_rps},
          {"p50_ms", ms(p.percentiles_us[0])},
          {"p95_ms", ms(p.percentiles_us[5])},
          {"p99_ms", ms(p.percentiles_us[7])},
          {"avg_ms", p.avg_us / 1000.0},
          {"fail_ratio", p.fail_ratio},
          {"dropped", p.dropped},
          {"within_slo", p.within_slo},
          {"violated", p.violated}};
}

nlohmann::json capacity_curve_json(const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.curve) points.push_back(capacity_point_json(p));
  const runner::CapacityPoint* limit = limiting_step(r);
  return {{"mode", plan.open_model ? "rate" : "users"},
          {"found", r.found},
          {"stop_reason", r.stop_reason},
          {"max_load", r.found ? r.best.load : 0.0},
          {"max_throughput_rps", r.found ? r.best.throughput_rps : 0.0},
          {"limit", limit != nullptr ? nlohmann::json(limit->violated) : nlohmann::json("")},
          {"points", std::move(points)}};
}

}  // namespace cicada::report
