#pragma once
// Capacity search (`cicada capacity`), the decisions only: a pure state machine fed with measured
// windows, so it is tested without sockets or clocks (tests/unit/runner). capacity_run.hpp drives it
// with a real test. The algorithm (docs/metrics.md, "Capacity search"):
//
// 1. Steps. Each step holds one load (arrival rate, or users) for a warm-up, then measures consecutive
//    windows until the last `stable_windows` agree (throughput and the objective's latency within
//    ±stability of their mean, like perf_analyzer's --stability-percentage), or a rule fails twice in a
//    row (an objective crossed, throughput no longer following the offered load, dropped iterations,
//    the generator saturated), or `max_windows` pass: then the step is unstable. An unstable step that
//    kept up with the load (throughput within min_throughput_ratio of it, no rule failing twice in a
//    row) is measured once more, up to `max_windows` more windows; if it still does not settle it is
//    judged on all of its windows merged (and says it was unstable). Any other unstable step fails.
//    A fail_ratio objective is crossed only by failures more than chance at its limit explains (a
//    one-sided binomial test at 5%): a settled step whose ratio is above the limit by chance alone
//    measures more windows, up to `max_windows`, and is then judged on whether its failures are more
//    than the limit usually gives (kFailRatioChanceAtTheCap). A met step must also show its ratio under
//    the limit (so few failures rare at the limit, fail_ratio_shown_below): one that does not measures
//    more windows too, up to `max_windows`, and is then met but its fail ratio unproven; an answer on
//    it is no pass (capacity_exit_code 5).
// 2. Growth. With no failing load known yet, the load grows by `factor` per step (geometric: any
//    target from 1/s to 10^6/s is reached in a dozen steps).
// 3. Bisection. Between the highest good and the lowest bad load, the next step is their geometric
//    mean, until bad <= good * (1 + precision): the answer is then within `precision` below the limit.
//    In the closed model the good end's own side is bisected first (capacity_knee.cpp): a step judged
//    met against one far below it may be past the knee already, and the answer must not depend on
//    --start.
// 4. Stop early when the load generator itself saturates (iterations starting late while slots are
//    free, its CPU full in the closed model or in the open model below the polling rate, its polling
//    loops working >= 90% of their time above it, or a thread waiting for a CPU > 25% of the window):
//    what it measures is then its own limit, not the server's. A fixed plan (`step` > 0) keeps the old linear
//    steps and stops at the first bad step.
// With `repeat` > 1 the search runs again from 0.8x the first answer; the answer is the median.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/capacity_slo.hpp"
#include "stats/histogram.hpp"
#include "stats/snapshot.hpp"

namespace cicada::runner {

struct CapacityPlan {
  bool open_model = true;          // step the arrival rate (iterations/s); false: step users
  double start = 10;               // load of the first step
  double factor = 3;               // growth per step while no failing load is known (> 1)
  double step = 0;                 // > 0: a fixed plan, +step per step, no bisection
  double precision = 0.05;         // bisect until bad <= good * (1 + precision); 0: no bisection
  int max_steps = 40;              // per repeat
  int repeat = 1;                  // searches; the answer is their median, with their spread
  std::chrono::seconds warmup{1};  // per step, not measured
  std::chrono::seconds window{0};  // one measurement; 0: automatic (window_for)
  int stable_windows = 3;          // consecutive windows that must agree
  double stability = 0.10;         // ... within ±this of their mean
  // Windows per step before it is called unstable, or judged on the fail ratio it measured.
  int max_windows = 10;
  // An unstable step that kept up with the load gets max_windows more, then is judged on them all merged.
  bool remeasure_unstable = true;
  // Open model: achieved throughput below this share of the offered load means the target no longer
  // keeps up (throughput plateau).
  double min_throughput_ratio = 0.9;
  // Closed model: throughput "stops growing" when it grows by less than this share of the users' growth.
  double min_growth_ratio = 0.25;
  double max_dropped_ratio = 0.01;  // open model: more dropped iterations than this fails the step
  std::size_t max_inflight = 1000;  // open model: the generator's cap on iterations in flight
  bool poisson_arrivals = false;    // open model: exponential gaps (reported; RunOptions applies it)
  // The generator is saturated when its iterations start this late (median; at least a tenth of the
  // tightest latency objective) while slots are free...
  std::chrono::microseconds max_lateness{1000};
  // ... or its loops use this share of their cores: in the closed model, and in the open model below
  // open_cpu_valid_below, where they sleep between arrivals, so their CPU measures their work (above it
  // they poll and keep their cores busy whatever their load: arrival_polling.hpp)...
  double max_generator_cpu = 0.9;
  double open_cpu_valid_below = 0;  // iterations/s; 0: CPU never judged in the open model
  // ... or, above it, its polling loops spend this share of their time working rather than polling idle
  // (polling_load.hpp)...
  double max_generator_busy = 0.9;
  // ... or (either model) one of its threads waited for a CPU this share of the window: starved.
  double max_cpu_wait = 0.25;
};

// A step that can measure no more crosses a fail_ratio objective when its failures would happen less
// often than this at the limit: more than the median count (a neutral verdict, near the measured ratio).
inline constexpr double kFailRatioChanceAtTheCap = 0.5;

// Server-side figures scraped for one window (--server-metrics); name -> value, e.g. "server_rps".
using ServerFigures = std::map<std::string, double>;
// The figure that holds the target's CPU (process_cpu_seconds_total) as a share of one core: made by
// report::server_figures, read by the search's failed steps and by report::server_figure_text.
inline constexpr std::string_view kTargetCpuFigure = "process cpu";

// One measured window: the raw input of the search.
struct CapacityWindow {
  double seconds = 0;                // wall time it covers
  std::uint64_t requests = 0;        // completed, failures included
  std::uint64_t failures = 0;        // subset of requests
  std::uint64_t dropped = 0;         // open model: iterations that never started
  std::uint64_t due = 0;             // open model: iterations the schedule offered in it
  stats::Histogram latency;          // corrected latency (from when each request was due), us
  std::int64_t lateness_p50_us = 0;  // median of how late iterations started (corrected - sent)
  int in_flight = 0;                 // open model: iterations in flight at its end; closed: users
  // Open model: the mean latency from each request's send (the target's own, without waiting for a
  // slot), us; 0 when nothing completed. capacity_inflight.hpp sizes the next cap from it.
  double sent_mean_us = 0;
  // Open model: the cap on iterations in flight during the window (capacity_inflight.hpp); 0: the plan's
  // max_inflight.
  std::size_t inflight_cap = 0;
  double generator_cpu = -1;  // the generator's CPU over the window, share of its cores; < 0: unknown
  // Share of the window its most starved thread spent waiting for a CPU (run_queue_wait.hpp); < 0: unknown.
  double generator_cpu_wait = -1;
  // Open model above the polling rate: the share of its loops' polled time that was work; < 0: unknown.
  double generator_busy = -1;
  ServerFigures server;  // empty without --server-metrics
};

// What a report shows of one window.
struct CapacityWindowSummary {
  double throughput_rps = 0;
  std::int64_t p50_us = 0, p95_us = 0, p99_us = 0;
  double fail_ratio = 0;
  double generator_cpu = -1;
  std::int64_t lateness_p50_us = 0;
  double generator_cpu_wait = -1;  // its most starved thread's share of the window waiting for a CPU
  double generator_busy = -1;      // its polling loops' share of time working; < 0: unknown
};

CapacityWindowSummary summarize(const CapacityWindow& window);

enum class StepVerdict {
  kMet,                 // stable, every objective held, throughput followed the load
  kCrossed,             // an objective was crossed
  kPlateau,             // throughput no longer follows the offered load
  kDropped,             // too many iterations dropped
  kUnstable,            // no agreement within max_windows
  kGeneratorSaturated,  // the load generator, not the target, was the limit
};
const char* verdict_name(StepVerdict v);  // "met", "crossed", "plateau", ...

// One step: a point of the throughput-latency curve.
struct CapacityPoint {
  int step = 0;  // 1-based over the whole run (all repeats)
  int repeat = 1;
  double load = 0;                      // arrival rate (iterations/s) or users
  double throughput_rps = 0;            // completed requests per second over the judged windows
  double goodput_rps = 0;               // of which succeeded within the latency objective
  stats::Percentiles percentiles_us{};  // corrected latency over the judged windows
  double avg_us = 0;
  double fail_ratio = 0;
  std::uint64_t dropped = 0;
  double generator_cpu = -1;       // mean over the judged windows; < 0: unknown
  double generator_cpu_wait = -1;  // likewise: its most starved thread's share of time waiting for a CPU
  double generator_busy = -1;      // likewise: its polling loops' share of time working (polling_load.hpp)
  std::int64_t lateness_p50_us = 0;
  std::size_t inflight_cap = 0;  // open model: the cap on iterations in flight in its last window; 0: unknown
  bool stable = false;           // the judged windows agreed
  // Never settled even when re-measured, so judged on all of its windows merged; `note` says so.
  bool judged_merged = false;
  // "" or why the verdict rests on merged windows, or why the step measured more windows for a fail ratio.
  std::string note;
  bool within_slo = true;  // verdict == kMet
  // Met, but its requests could not show a fail-ratio objective held: its failures were above the limit by
  // an amount chance explains even at --max-windows, or it had too few requests to show a ratio under the
  // limit at all (`note` says which). An answer on such a step is not a pass (capacity_exit_code).
  bool fail_ratio_unproven = false;
  // Every objective held: a met step, or one where the generator saturated whose judged windows each
  // completed requests, agreed on throughput within --stability, dropped no more than a met step may and
  // kept every objective. Such a step still shows what the target served within the objectives.
  bool objectives_held = false;
  StepVerdict verdict = StepVerdict::kMet;
  std::string violated;                        // why it is not met, "" when met
  std::vector<CapacityWindowSummary> windows;  // every window measured, in order
  ServerFigures server;                        // the last judged window's server figures
};

struct CapacityResult {
  bool found = false;                // at least one step met every objective
  CapacityPoint best;                // the answer: the highest met step (the median repeat's with repeat > 1)
  bool generator_saturated = false;  // the search stopped at the generator's own limit
  // The search stopped at --max-steps before any step of the deciding repeat failed: the target's limit
  // is above every load tried, and the answer only a lower bound of it.
  bool limit_not_reached = false;
  // The search came down to its lowest load (under --factor of 1/s, or 1 user) and that failed too.
  bool lowest_load_failed = false;
  std::string stop_reason;      // where and why it stopped
  std::vector<double> answers;  // each repeat's highest met load (0: none)
  std::vector<CapacityPoint> curve;
  // When the search ended at the generator's limit: its step with the highest goodput among those of
  // the deciding (last) repeat where the generator saturated and every objective held, if that goodput
  // is above the answer's; else null. In a closed loop without think time the generator is busy at any
  // user count, so the bisection ends at one user while 10 showed the target serving several times that
  // within the objectives: the better lower bound of what it serves that way.
  const CapacityPoint* saturated_bound() const;
  // Filled by the driver: the whole search as one test, for the run history.
  std::shared_ptr<const stats::Snapshot> final_stats;
  std::uint64_t seed = 0;
};

class CapacitySearch {
 public:
  CapacitySearch(CapacityPlan plan, std::vector<Slo> slos);

  double load() const { return load_; }  // the load to hold now
  bool done() const { return done_; }
  int step() const { return step_; }
  // Length of the next window at load(): the plan's, or long enough for about 100 requests, 1 to 5 s.
  std::chrono::seconds window() const;
  // Judges one more window measured at load(). Returns true when this window ended the step (then
  // result().curve.back() is it, and load() / done() say what comes next).
  bool add_window(const CapacityWindow& window);

  const CapacityResult& result() const { return result_; }
  const CapacityPlan& plan() const { return plan_; }

 private:
  struct Rule {  // one failed rule in a window
    StepVerdict verdict;
    std::string why;
  };
  // How a fail_ratio objective is crossed: by failures more than chance at its limit explains (while
  // the step can measure more), or by more failures than the limit usually gives (once it cannot).
  enum class FailRatioTest { kShownAbove, kMeasured };
  std::optional<Rule> failed_rule(const CapacityWindow& w,
                                  FailRatioTest test = FailRatioTest::kShownAbove) const;
  // The --slo part of failed_rule.
  std::optional<Rule> failed_objective(const CapacityWindow& w,
                                       FailRatioTest test = FailRatioTest::kShownAbove) const;
  // Why more windows are needed: a fail ratio at or above its limit that chance could explain ("fail
  // ratio 1.15% (1 of 87) could be chance at 1.00%"); nullopt when every fail_ratio objective is settled.
  std::optional<std::string> fail_ratio_unsettled(const CapacityWindow& m) const;
  // What a step's fail ratio still leaves open.
  struct OpenFailRatio {
    std::string why;
    bool over_limit = false;  // from fail_ratio_unsettled: a ratio over its limit that could be chance
    // From fail_ratio_too_few: the failures and requests measured and the objective (one of the search's)
    // they could not show the ratio under, for the note of a step left unproven.
    std::uint64_t failures = 0;
    std::uint64_t requests = 0;
    const Slo* objective = nullptr;
    // "; about 299 requests at this fail ratio would show it under 1.00%" (requests_to_show_below), or "".
    // Worked out only for that note: near a limit of 100% it costs milliseconds.
    std::string needed_text() const;
  };
  // Why more windows are needed by a step that fails no rule: a fail ratio under its limit as measured
  // but not shown under it ("0 of 150 failed: too few requests to show a fail ratio under 1.00%");
  // nullopt when every fail_ratio objective is shown under its limit, or the step fails a rule anyway
  // (it crosses; more windows would not make it met).
  std::optional<OpenFailRatio> fail_ratio_too_few(const CapacityWindow& m) const;
  // Either of the two above (unsettled first), and which: the one question both a settled step and a step
  // judged on merged windows ask of their fail ratio.
  std::optional<OpenFailRatio> fail_ratio_open(const CapacityWindow& m) const;
  // CapacityPoint::objectives_held for a saturated step (m: its judged windows merged).
  bool saturated_but_held(const CapacityWindow& m, std::size_t judged) const;
  bool generator_saturated(const CapacityWindow& w) const;
  bool stable() const;
  bool follows_load(const CapacityWindow& merged_step) const;
  // Ends the step on merged windows.
  void judge(const CapacityWindow& m, std::size_t judged, FailRatioTest test = FailRatioTest::kShownAbove);
  void end_step(StepVerdict verdict, std::string why, std::size_t judged);
  // After a step: good or not at load(), or nullopt when the bracket (good_, bad_) is already updated.
  void next_load(std::optional<bool> good);
  // Closed model: whether `load` users serving throughput_rps are past the knee over the met step
  // `lower` (throughput grew by less than min_growth_ratio of the users' growth), and the words for it.
  bool past_the_knee(const CapacityPoint& lower, double load, double throughput_rps) const;
  std::string plateau_text(const CapacityPoint& lower, double load, double throughput_rps) const;
  // Closed model, once a bracket is known (capacity_knee.cpp): whether the best step was measured
  // against a step far below it (or none, above 1 user), so that it may itself be past the knee; then the
  // next load is between them, and true (also when --max-steps ended the repeat instead).
  bool probe_below();
  void after_probe_below(const CapacityPoint& p);        // p: the step measured below the best
  void demote_past_the_knee(int step, std::string why);  // a met step of this repeat becomes a plateau
  const CapacityPoint* met_below(double load) const;     // this repeat's highest met step under load
  // Ends the repeat once it has taken --max-steps steps.
  bool stopped_at_max_steps();
  // Whether this repeat's lowest failed step is the generator's saturation, not the target's limit.
  bool limit_is_the_generators() const;
  void finish(std::string reason);
  double latency_limit_us() const;  // tightest latency objective; 0: none

  CapacityPlan plan_;
  std::vector<Slo> slos_;
  double load_;
  bool done_ = false;
  int step_ = 1;
  int steps_this_repeat_ = 0;
  int repeat_ = 1;
  double factor_;
  std::optional<double> good_, bad_;  // this repeat's bracket
  std::optional<CapacityPoint> best_this_repeat_;
  std::optional<CapacityPoint> limit_this_repeat_;  // the lowest bad step
  std::vector<CapacityPoint> met_this_repeat_;      // every met step (closed model: the knee's evidence)
  bool probing_below_ = false;                      // this step is below the best (probe_below)
  int knee_confirmed_step_ = 0;                     // a best step not to probe below again
  std::vector<CapacityPoint> best_of_repeat_;
  std::vector<CapacityWindow> windows_;  // of the current step
  bool remeasuring_ = false;             // the current step is being measured a second time
  bool judging_merged_ = false;          // end_step: the verdict rests on all windows merged
  // The step settled at this window, and its windows from here on are measured for a fail ratio.
  std::optional<std::size_t> fail_ratio_from_;
  std::string fail_ratio_note_;         // why the step measured more windows, for its CapacityPoint::note
  bool fail_ratio_unproven_ = false;    // for its CapacityPoint::fail_ratio_unproven, if it is met
  bool fail_ratio_over_limit_ = false;  // the step first measured on for a ratio over its limit
  CapacityResult result_;
};

std::string format_load(const CapacityPlan& plan, double load);  // "200/s" or "50 users"
// The answer of a repeated search from each repeat's answer (not empty): the median by load, the lower
// one of an even count. A repeat that answered that load with its fail ratio unproven makes the answer
// unproven, whichever came first: it is no pass either way.
CapacityPoint median_answer(std::vector<CapacityPoint> answers);
// A step's outcome in a report's row: "met", or its verdict and why ("crossed: p95 < 50ms (measured
// 73.1 ms)"), with "(objectives held)" for a saturated step that kept them.
std::string step_outcome(const CapacityPoint& p);
// The note a report shows beside a step's outcome ("" when none, or when its reason already leads with
// it): why it measured more windows for a fail ratio, or was judged on merged windows.
std::string step_note(const CapacityPoint& p);
// What the answer is called: "Maximum sustainable load", or what it is when the generator saturated or
// its fail ratio is unproven.
std::string answer_label(const CapacityResult& result);
// The answer after its label: "468/s (466.9 req/s, goodput 466.9 req/s, p95 31.0 ms)"; "" when none.
std::string answer_text(const CapacityPlan& plan, const CapacityResult& result);
// The process's exit code for a finished search: 3, the generator saturated (the answer is its limit, not
// the target's); 4, --max-steps ended it before any step failed (the target's limit is unknown); 1, no step
// met every objective; 5, the answer's step met a fail-ratio objective only on too few requests to show it
// (a target failing 2% against "fail_ratio < 1%" at a few requests a second): not a pass; 0, the answer.
int capacity_exit_code(const CapacityResult& result);
// What is said when no step met every objective: the advice to lower --start, unless the objectives
// held where the generator saturated or the lowest load failed too (a lower start would not help
// then). No final period.
std::string no_answer_text(const CapacityResult& result);
// CapacityResult::saturated_bound() in words ("" when null), after "Highest throughput within the
// objectives: ".
std::string saturated_bound_text(const CapacityPlan& plan, const CapacityResult& result);
// Open model: the slowest and the fastest throughput of the steps past the limit (failed, having served
// under 95% of the rate offered), over the whole search; nullopt with fewer than two such steps. Past its
// limit a target serves what it can at that load, so these are its throughput (or the generator's) step by
// step.
struct ServedPastLimit {
  double min_rps = 0;
  double max_rps = 0;
};
std::optional<ServedPastLimit> served_past_limit(const CapacityPlan& plan, const CapacityResult& result);
// When those are more than twice --stability apart, why the answer sits below the fastest of them (""
// otherwise), after "Note: ". Two causes, which the figures alone cannot tell apart: a flooded step serves
// more than a steady rate near the limit does (case A on this VM, steady minutes: the 197,000/s step
// served 126,000-134,000 req/s, the steps just past the limit 107,000-110,000, wrk's 16-connection flood
// 107,000-110,000), and a shared machine (a CI runner, a VM whose host is busy) changes speed from minute
// to minute, a latency objective failing in its slow seconds (bench/RESULTS.md, "Session 27").
std::string past_limit_spread_text(const CapacityPlan& plan, const CapacityResult& result);

}  // namespace cicada::runner
