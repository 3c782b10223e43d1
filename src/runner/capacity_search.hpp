#pragma once
// Capacity search (`cicada capacity`): raise the load step by step (arrival rate, or users), hold each
// step long enough to measure it after a warm-up, and stop when a service-level objective is crossed or
// throughput stops growing. The answer is the highest step that met every objective, plus the whole
// throughput-latency curve (CapacityPoint per step) for reports and the UI.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "cicada/user.hpp"
#include "runner/run_options.hpp"
#include "stats/snapshot.hpp"

namespace cicada::runner {

// One objective: "p95 < 50ms", "p99.9 < 1s", "avg < 20ms", "fail_ratio < 1%" (or "< 0.01").
struct Slo {
  enum class Kind { kPercentile, kAverage, kFailRatio };
  Kind kind = Kind::kPercentile;
  double quantile = 0;  // kPercentile: 0.95 for p95
  double limit = 0;     // latency kinds: microseconds; kFailRatio: a ratio in [0, 1]
  std::string text;     // as written, for messages
};
Result<Slo> parse_slo(std::string_view text);

struct CapacityPlan {
  bool open_model = true;  // step the arrival rate (iterations/s); false: step users
  double start = 10;       // load of the first step
  double step = 10;        // added per step (when factor is 0)
  double factor = 0;       // > 1: multiply the load per step instead
  int max_steps = 20;
  std::chrono::seconds warmup{2};  // per step, not measured
  std::chrono::seconds hold{5};    // per step, measured
  // Throughput "stops growing" when it grows by less than this fraction of the load's growth.
  double min_growth_ratio = 0.25;
  double max_dropped_ratio = 0.01;  // open model: more dropped iterations than this fails the step
};

// One measured step: a point of the throughput-latency curve.
struct CapacityPoint {
  int step = 0;                         // 1-based
  double load = 0;                      // arrival rate (iterations/s) or users
  double throughput_rps = 0;            // completed requests per second during the hold
  stats::Percentiles percentiles_us{};  // corrected latency during the hold
  double avg_us = 0;
  double fail_ratio = 0;
  std::uint64_t dropped = 0;  // open model: iterations dropped during the hold
  bool within_slo = true;
  std::string violated;  // the objective (or rule) that failed this step, "" when within
};

struct CapacityResult {
  bool found = false;       // at least one step met every objective
  CapacityPoint best;       // highest such step
  std::string stop_reason;  // e.g. "p95 < 50ms crossed at 400/s: p95 = 73.1 ms"
  std::vector<CapacityPoint> curve;
  // The whole search as one test, for the run history: per-second history of every step, totals since
  // the last step's reset. Null when the search did not start.
  std::shared_ptr<const stats::Snapshot> final_stats;
  std::uint64_t seed = 0;  // the runner's seed (random when RunOptions::seed was 0)
};

// The search's decisions, independent of how steps are run (unit-tested on its own).
class CapacitySearch {
 public:
  CapacitySearch(CapacityPlan plan, std::vector<Slo> slos);
  double load() const { return load_; }
  int step() const { return step_; }
  // Judges the step just measured (a snapshot whose stats were reset when the hold began, `seconds`
  // long); returns false when the search is over. Advances load() otherwise.
  bool judge(const stats::Snapshot& measured, double seconds);
  const CapacityResult& result() const { return result_; }
  const CapacityPlan& plan() const { return plan_; }

 private:
  CapacityPlan plan_;
  std::vector<Slo> slos_;
  double load_;
  int step_ = 1;
  CapacityResult result_;
};

// Runs a whole search as one test (the runner follows a shape the search moves); progress is called
// after each step on the runner's thread. options.shape and run_time are replaced.
CapacityResult run_capacity_search(Scenario scenario, RunOptions options, CapacityPlan plan,
                                   std::vector<Slo> slos,
                                   const std::function<void(const CapacityPoint&)>& progress);

std::string format_load(const CapacityPlan& plan, double load);  // "200/s" or "50 users"

}  // namespace cicada::runner
