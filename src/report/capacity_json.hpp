#pragma once
// A capacity search as JSON: `cicada capacity --json FILE`, its run-history record, and the web UI's
// GET /capacity all use these, so the three agree on keys and units (latencies in ms).
#include <nlohmann/json.hpp>

#include "runner/capacity_search.hpp"

namespace cicada::report {

// One step: {step, load, throughput_rps, p50_ms, p95_ms, p99_ms, avg_ms, fail_ratio, dropped, within_slo,
// violated} ("violated": the objective the step crossed, "" when within).
nlohmann::json capacity_point_json(const runner::CapacityPoint& point);

// The step that ended the search: the first one outside the objectives; none when the search ran out of
// steps (or throughput stopped growing) while every step was within.
const runner::CapacityPoint* limiting_step(const runner::CapacityResult& result);

// The whole curve: {mode ("rate" or "users"), found, stop_reason, max_load, max_throughput_rps, limit
// (the objective the limiting step crossed, "" without one), points}.
nlohmann::json capacity_curve_json(const runner::CapacityPlan& plan, const runner::CapacityResult& result);

}  // namespace cicada::report
