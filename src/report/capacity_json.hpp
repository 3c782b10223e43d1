#pragma once
// A capacity search as JSON: `cicada capacity --json FILE`, its run-history record, and the web UI's
// GET /capacity all use these, so the three agree on keys and units (latencies in ms).
#include <nlohmann/json.hpp>
#include <optional>

#include "runner/capacity_search.hpp"

namespace cicada::report {

// The search's plan: {start, step, factor, precision, max_steps, repeat, warmup_s, window_s,
// stable_windows, stability, max_windows} (the history record's configuration and GET /capacity's plan).
nlohmann::json capacity_plan_json(const runner::CapacityPlan& plan);

// One step: {step, repeat, load, throughput_rps, goodput_rps, p50_ms, p95_ms, p99_ms, avg_ms, fail_ratio,
// dropped, generator_cpu (share of its cores, null: unknown), generator_cpu_wait, generator_busy (its
// polling loops' share of time working, null: unknown), lateness_ms (median start delay), stable,
// verdict ("met", "crossed", "plateau", "dropped", "unstable", "generator saturated"), within_slo,
// violated (why it is not met, "" when met), windows: [{throughput_rps, p50_ms, p95_ms, p99_ms,
// fail_ratio, generator_cpu, generator_cpu_wait, generator_busy, lateness_ms}] every window measured, server:
// {name: value} scraped}.
nlohmann::json capacity_point_json(const runner::CapacityPoint& point);

// Where the limit was found: the lowest-load step outside the objectives above the answer; none when
// every step was within.
const runner::CapacityPoint* limiting_step(const runner::CapacityResult& result);

// The whole curve: {mode ("rate" or "users"), found, generator_saturated, stop_reason, max_load,
// max_throughput_rps, max_goodput_rps, answers (each repeat's), limit (why the limiting step failed,
// "" without one), points (in the order measured)}.
nlohmann::json capacity_curve_json(const runner::CapacityPlan& plan, const runner::CapacityResult& result);

// A search read back from capacity_curve_json's document (a capacity run in the history keeps it as
// its configuration's "result"): the plan's mode and the result, each step with the figures the
// document has (p50/p95/p99 at their Percentiles indices 0, 5, 7; windows and server figures included),
// so a stored search renders as the live one did. nullopt when the document is not such a curve.
struct CapacityCurve {
  runner::CapacityPlan plan;  // only open_model is known from the document
  runner::CapacityResult result;
};
std::optional<CapacityCurve> capacity_curve_from_json(const nlohmann::json& curve);

}  // namespace cicada::report
