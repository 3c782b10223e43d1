#pragma once
// Thresholds: pass/fail limits on a run's final (or live) statistics, written as short text:
//
//   p95 < 200ms                      the Aggregated row
//   POST /predict: p99 < 50ms        one entry (METHOD NAME); "NAME:" alone matches every method
//   fail_ratio < 1%                  ratios take "%" or a plain fraction (0.01)
//   rps > 1000                       whole-run requests per second
//   ttft p95 < 500ms                 streamed responses (docs/protocols.md): time to first token;
//   POST chat: itl p99 < 50ms        also ttfb (first byte) and itl (gap between tokens), with the time
//                                    metrics only (percentiles, median, avg, min, max)
//
// Metrics: p50 p66 p75 p80 p90 p95 p98 p99 p99.9 p99.99 p100, median, avg, min, max (times: us, ms, s;
// a bare number is ms), rps, fail_per_s, fail_ratio, requests, failures. Operators: < <= > >=.
// The entry part is everything before the last ':' so names holding ':' still work.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "stats/snapshot.hpp"

namespace cicada::report {

enum class ThresholdMetric {
  kPercentile,  // percentile_index says which of stats::kReportedQuantiles
  kMedian,
  kAvg,
  kMin,
  kMax,
  kRps,
  kFailPerS,
  kFailRatio,
  kRequests,
  kFailures,
};

enum class ThresholdOp { kLess, kLessEqual, kGreater, kGreaterEqual };

// Which samples a time metric reads: request latency, or one of the streamed-response series.
enum class ThresholdSeries { kLatency, kTtfb, kTtft, kItl };

struct Threshold {
  std::string text;    // as written, for messages and the history
  std::string method;  // "" with an empty name: the Aggregated row; "" with a name: any method
  std::string name;    // entry name; "" for the Aggregated row
  ThresholdSeries series = ThresholdSeries::kLatency;
  ThresholdMetric metric = ThresholdMetric::kPercentile;
  std::size_t percentile_index = 0;
  ThresholdOp op = ThresholdOp::kLess;
  double limit = 0;  // times in us, ratios as fractions, rates per second, counts
  // "NAME:" with no method: the methods the scenario declares entries of that name with (set by
  // declare_entries; empty when the scenario's entries are not known before the run, as a locustfile's).
  std::vector<std::string> declared_methods;

  bool is_time() const;
  // Upper limits (< <=) can be judged while the run goes; a lower limit (rps > N) only at the end.
  bool is_upper_limit() const { return op == ThresholdOp::kLess || op == ThresholdOp::kLessEqual; }
  bool aggregated() const { return name.empty(); }
};

// One threshold checked against one entry.
struct ThresholdResult {
  const Threshold* threshold = nullptr;
  std::string entry;  // "GET /health" or "Aggregated"
  double actual = 0;  // same unit as Threshold::limit
  bool passed = false;
  // The entry had no completed request: a failure whatever the metric (a limit on nothing is not met,
  // and "failures < 1" on a target that never answered must not pass).
  bool no_data = false;
  // With no_data: requests completed, but every one failed, and the metric is a request time. Failures
  // count in the times (as in Locust), and a refused connection is fast: "p95 < 200ms" passed against a
  // target that was down.
  bool only_failures = false;
};

Result<Threshold> parse_threshold(std::string_view text);
Result<std::vector<Threshold>> parse_thresholds(const std::vector<std::string>& texts);

// A (method, name) request stats entry the scenario can produce.
using EntryKey = std::pair<std::string, std::string>;

// Usage check before a run: every threshold names an entry in `known`. Error text names the first one
// that does not, and lists what exists.
Result<void> check_threshold_entries(const std::vector<Threshold>& thresholds,
                                     const std::vector<EntryKey>& known);

// Gives each "NAME:" threshold the methods of the scenario's entries of that name, so an entry that made
// no request fails it (no data) instead of being left out of its results.
void declare_entries(std::vector<Threshold>& thresholds, const std::vector<EntryKey>& known);

// Evaluates every threshold against the snapshot; a threshold on "NAME" (no method) gives one result per
// matching entry (each declared entry included); one on an entry absent from the snapshot gives a failed
// no_data result.
std::vector<ThresholdResult> evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                                 const stats::Snapshot& snap);

bool all_passed(const std::vector<ThresholdResult>& results);

// "200ms", "1%", "1000.50/s", "12" (counts): a limit in the threshold's own terms, with its usual digits.
std::string format_threshold_value(const Threshold& t, double value);
// Operator as written: "<", "<=", ">", ">=".
std::string_view threshold_op_text(ThresholdOp op);

// One result's figures as every report prints them (console, history, JSON, JUnit, markdown): the actual
// value ("no data" for an entry without requests, "no successful request" for request times of an entry
// whose every request failed) and the limit with its operator ("< 200ms"). Each has
// its usual digits, and more when those would make the line read the other way than its verdict (a
// failing p95 of 50.04 ms printed "50.0ms" against "<= 50.0ms").
struct ThresholdFigures {
  std::string actual;
  std::string limit;
};
ThresholdFigures threshold_figures(const ThresholdResult& r);

// The console block printed at the end of a run: one line per result with actual vs limit.
std::string thresholds_table(const std::vector<ThresholdResult>& results);

}  // namespace cicada::report
