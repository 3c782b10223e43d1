#include "report/thresholds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "base/fail_ratio_limit.hpp"
#include "report/console_tables.hpp"

namespace cicada::report {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

constexpr const char* kMetricList =
    "p50 p66 p75 p80 p90 p95 p98 p99 p99.9 p99.99 p100 median avg min max rps fail_per_s fail_ratio "
    "requests failures (and, for streamed responses, ttfb, ttft or itl before a time metric: 'ttft p95')";

bool parse_metric(std::string_view word, Threshold& t) {
  struct Named {
    std::string_view word;
    ThresholdMetric metric;
  };
  static constexpr Named kNamed[] = {
      {"median", ThresholdMetric::kMedian},
      {"avg", ThresholdMetric::kAvg},
      {"min", ThresholdMetric::kMin},
      {"max", ThresholdMetric::kMax},
      {"rps", ThresholdMetric::kRps},
      {"fail_per_s", ThresholdMetric::kFailPerS},
      {"fail_ratio", ThresholdMetric::kFailRatio},
      {"requests", ThresholdMetric::kRequests},
      {"failures", ThresholdMetric::kFailures},
  };
  for (const auto& n : kNamed) {
    if (word == n.word) {
      t.metric = n.metric;
      return true;
    }
  }
  if (word.size() < 2 || word[0] != 'p') return false;
  const std::string wanted = std::string(word.substr(1)) + "%";
  for (std::size_t i = 0; i < stats::kReportedQuantileNames.size(); ++i) {
    if (stats::kReportedQuantileNames[i] == wanted) {
      t.metric = ThresholdMetric::kPercentile;
      t.percentile_index = i;
      return true;
    }
  }
  return false;
}

// A leading "ttfb ", "ttft " or "itl " picks a streamed-response series and is removed from metric.
bool parse_series(std::string_view& metric, Threshold& t) {
  static constexpr std::pair<std::string_view, ThresholdSeries> kSeries[] = {
      {"ttfb", ThresholdSeries::kTtfb}, {"ttft", ThresholdSeries::kTtft}, {"itl", ThresholdSeries::kItl}};
  for (const auto& [word, series] : kSeries) {
    if (metric.starts_with(word) && (metric.size() == word.size() || metric[word.size()] == ' ')) {
      t.series = series;
      metric = trim(metric.substr(word.size()));
      return !metric.empty();
    }
  }
  return true;
}

// A streamed-response series as the EntrySnapshot fields a time metric reads (percentiles, mean, min,
// max), so judge() treats both alike. num_requests is the series' sample count.
stats::EntrySnapshot series_view(const Threshold& t, const stats::StreamSnapshot& s) {
  stats::EntrySnapshot e;
  e.method = s.method;
  e.name = s.name;
  const stats::Histogram* h = t.series == ThresholdSeries::kTtfb   ? s.ttfb.get()
                              : t.series == ThresholdSeries::kTtft ? s.ttft.get()
                                                                   : s.itl.get();
  e.percentiles_us = t.series == ThresholdSeries::kTtfb   ? s.ttfb_us
                     : t.series == ThresholdSeries::kTtft ? s.ttft_us
                                                          : s.itl_us;
  if (h != nullptr) {
    e.num_requests = h->count();
    e.avg_us = h->mean();
    e.min_us = h->min();
    e.max_us = h->max();
    e.median_us = h->count() ? h->value_at_rank((h->count() - 1) / 2) : 0;
  }
  return e;
}

// The limit with its unit, converted to the metric's own unit (us, fraction, per second, count).
Result<double> parse_limit(std::string_view text, const Threshold& t) {
  text = trim(text);
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || text.empty()) return make_error("expected a number after the operator");
  // "inf" and "nan" read as numbers: a limit of inf always passed, one of nan always failed.
  if (!std::isfinite(number)) return make_error("expected a finite number, got '" + std::string(text) + "'");
  if (number < 0) return make_error("expected a limit of at least 0");
  const std::string_view unit =
      trim(std::string_view(end, static_cast<std::size_t>(text.data() + text.size() - end)));
  if (t.is_time()) {
    if (unit.empty() || unit == "ms") return number * 1000.0;
    if (unit == "us") return number;
    if (unit == "s") return number * 1e6;
    return make_error("expected a time unit us, ms or s, got '" + std::string(unit) + "'");
  }
  switch (t.metric) {
    case ThresholdMetric::kFailRatio:
      return fail_ratio_limit(number, unit);
    case ThresholdMetric::kRps:
    case ThresholdMetric::kFailPerS:
      if (unit.empty() || unit == "/s") return number;
      return make_error("expected a rate (per second, no unit), got '" + std::string(unit) + "'");
    default:
      if (unit.empty()) return number;
      return make_error("expected a count with no unit, got '" + std::string(unit) + "'");
  }
}

bool all_upper_letters(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

void parse_entry(std::string_view entry, Threshold& t) {
  if (entry == "Aggregated") return;
  const auto space = entry.find(' ');
  // The method is an HTTP verb, or "grpc" (gRPC entries' method, docs/protocols.md).
  if (space != std::string_view::npos &&
      (all_upper_letters(entry.substr(0, space)) || entry.substr(0, space) == "grpc")) {
    t.method = std::string(entry.substr(0, space));
    t.name = std::string(trim(entry.substr(space + 1)));
  } else {
    t.name = std::string(entry);
  }
}

bool matches(const Threshold& t, const stats::EntrySnapshot& e) {
  return e.name == t.name && (t.method.empty() || e.method == t.method);
}

double metric_value(const Threshold& t, const stats::EntrySnapshot& e) {
  switch (t.metric) {
    case ThresholdMetric::kPercentile:
      return static_cast<double>(e.percentiles_us[t.percentile_index]);
    case ThresholdMetric::kMedian:
      return static_cast<double>(e.median_us);
    case ThresholdMetric::kAvg:
      return e.avg_us;
    case ThresholdMetric::kMin:
      return static_cast<double>(e.min_us);
    case ThresholdMetric::kMax:
      return static_cast<double>(e.max_us);
    case ThresholdMetric::kRps:
      return e.total_rps;
    case ThresholdMetric::kFailPerS:
      return e.total_fail_per_s;
    case ThresholdMetric::kFailRatio:
      return e.fail_ratio();
    case ThresholdMetric::kRequests:
      return static_cast<double>(e.num_requests);
    case ThresholdMetric::kFailures:
      return static_cast<double>(e.num_failures);
  }
  return 0;
}

bool holds(ThresholdOp op, double actual, double limit) {
  switch (op) {
    case ThresholdOp::kLess:
      return actual < limit;
    case ThresholdOp::kLessEqual:
      return actual <= limit;
    case ThresholdOp::kGreater:
      return actual > limit;
    case ThresholdOp::kGreaterEqual:
      return actual >= limit;
  }
  return false;
}

// A failed result for an entry nothing was measured on (named as the threshold names it).
ThresholdResult no_data(const Threshold& t, std::string entry) {
  ThresholdResult r;
  r.threshold = &t;
  r.entry = std::move(entry);
  r.no_data = true;
  return r;
}

// "METHOD NAME", or NAME for a threshold on every method of it.
std::string threshold_entry(const Threshold& t) {
  return t.method.empty() ? t.name : t.method + " " + t.name;
}

ThresholdResult judge(const Threshold& t, const stats::EntrySnapshot& e) {
  ThresholdResult r;
  r.threshold = &t;
  r.entry = e.name == "Aggregated" && e.method.empty() ? "Aggregated" : e.method + " " + e.name;
  // No sample, no verdict: even "failures < 1" or "requests < 1000" would only pass because nothing was
  // measured (a hung target), so every metric fails with "no data" on an entry without requests.
  if (!e.has_requests()) {
    r.no_data = true;
    return r;
  }
  if (t.series == ThresholdSeries::kLatency && t.is_time() && e.num_failures >= e.num_requests) {
    r.no_data = r.only_failures = true;
    return r;
  }
  r.actual = metric_value(t, e);
  r.passed = holds(t.op, r.actual, t.limit);
  return r;
}

}  // namespace

bool Threshold::is_time() const {
  switch (metric) {
    case ThresholdMetric::kPercentile:
    case ThresholdMetric::kMedian:
    case ThresholdMetric::kAvg:
    case ThresholdMetric::kMin:
    case ThresholdMetric::kMax:
      return true;
    default:
      return false;
  }
}

Result<Threshold> parse_threshold(std::string_view text) {
  Threshold t;
  t.text = std::string(trim(text));
  auto fail = [&](const std::string& why) {
    return make_error("threshold '" + t.text + "': " + why +
                      " (form: [METHOD NAME:] METRIC < LIMIT, e.g. 'POST /predict: p99 < 50ms')");
  };
  std::string_view expr = t.text;
  if (const auto colon = expr.rfind(':'); colon != std::string_view::npos) {
    const std::string_view entry = trim(expr.substr(0, colon));
    if (entry.empty()) return fail("expected an entry name before ':'");
    parse_entry(entry, t);
    expr = trim(expr.substr(colon + 1));
  }
  const auto op_at = expr.find_first_of("<>");
  if (op_at == std::string_view::npos) return fail("expected an operator <, <=, > or >=");
  std::string_view metric = trim(expr.substr(0, op_at));
  if (metric.empty()) return fail("expected a metric before the operator");
  if (!parse_series(metric, t))
    return fail("expected a time metric after ttfb, ttft or itl (e.g. 'ttft p95')");
  if (!parse_metric(metric, t))
    return fail("unknown metric '" + std::string(metric) + "', expected one of: " + kMetricList);
  if (t.series != ThresholdSeries::kLatency && !t.is_time())
    return fail("ttfb, ttft and itl take a time metric (p50 ... p100, median, avg, min, max)");
  const bool less = expr[op_at] == '<';
  std::size_t value_at = op_at + 1;
  const bool equal = value_at < expr.size() && expr[value_at] == '=';
  if (equal) ++value_at;
  t.op = less ? (equal ? ThresholdOp::kLessEqual : ThresholdOp::kLess)
              : (equal ? ThresholdOp::kGreaterEqual : ThresholdOp::kGreater);
  auto limit = parse_limit(expr.substr(value_at), t);
  if (!limit) return fail(limit.error().message);
  t.limit = *limit;
  return t;
}

Result<std::vector<Threshold>> parse_thresholds(const std::vector<std::string>& texts) {
  std::vector<Threshold> out;
  for (const auto& text : texts) {
    auto t = parse_threshold(text);
    if (!t) return t.error();
    out.push_back(std::move(*t));
  }
  return out;
}

Result<void> check_threshold_entries(const std::vector<Threshold>& thresholds,
                                     const std::vector<EntryKey>& known) {
  for (const auto& t : thresholds) {
    if (t.aggregated()) continue;
    const bool found = std::any_of(known.begin(), known.end(), [&](const EntryKey& k) {
      return k.second == t.name && (t.method.empty() || k.first == t.method);
    });
    if (found) continue;
    std::string list;
    for (const auto& [method, name] : known) list += (list.empty() ? "" : ", ") + method + " " + name;
    return make_error("threshold '" + t.text + "': no request entry '" + threshold_entry(t) +
                      "' in the scenario (entries: " + (list.empty() ? "none" : list) + ")");
  }
  return {};
}

void declare_entries(std::vector<Threshold>& thresholds, const std::vector<EntryKey>& known) {
  for (auto& t : thresholds) {
    if (t.aggregated() || !t.method.empty()) continue;
    t.declared_methods.clear();
    for (const auto& [method, name] : known)
      if (name == t.name &&
          std::find(t.declared_methods.begin(), t.declared_methods.end(), method) == t.declared_methods.end())
        t.declared_methods.push_back(method);
  }
}

std::vector<ThresholdResult> evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                                 const stats::Snapshot& snap) {
  std::vector<ThresholdResult> out;
  for (const auto& t : thresholds) {
    if (t.series != ThresholdSeries::kLatency) {
      bool any = false;
      for (const auto& s : snap.streams) {
        const bool total = s.method.empty() && s.name == "Aggregated";
        if (t.aggregated() ? !total
                           : (total || s.name != t.name || (!t.method.empty() && s.method != t.method)))
          continue;
        out.push_back(judge(t, series_view(t, s)));
        any = true;
      }
      if (!any) out.push_back(no_data(t, t.aggregated() ? "Aggregated" : threshold_entry(t)));
      continue;
    }
    if (t.aggregated()) {
      out.push_back(judge(t, snap.total));
      continue;
    }
    bool any = false;
    std::vector<std::string_view> seen_methods;
    for (const auto& e : snap.entries) {
      if (!matches(t, e)) continue;
      out.push_back(judge(t, e));
      seen_methods.push_back(e.method);
      any = true;
    }
    // A declared entry of that name that never completed a request (a rare task, a branch not taken).
    for (const auto& method : t.declared_methods) {
      if (std::find(seen_methods.begin(), seen_methods.end(), method) != seen_methods.end()) continue;
      out.push_back(no_data(t, method + " " + t.name));
      any = true;
    }
    if (!any) out.push_back(no_data(t, threshold_entry(t)));
  }
  return out;
}

bool all_passed(const std::vector<ThresholdResult>& results) {
  return std::all_of(results.begin(), results.end(), [](const ThresholdResult& r) { return r.passed; });
}

std::string_view threshold_op_text(ThresholdOp op) {
  switch (op) {
    case ThresholdOp::kLess:
      return "<";
    case ThresholdOp::kLessEqual:
      return "<=";
    case ThresholdOp::kGreater:
      return ">";
    case ThresholdOp::kGreaterEqual:
      return ">=";
  }
  return "?";
}

namespace {

// A value in the unit it is shown in: times in ms, ratios in %, the rest as they are.
double shown_value(const Threshold& t, double value) {
  if (t.is_time()) return value / 1000.0;
  return t.metric == ThresholdMetric::kFailRatio ? value * 100.0 : value;
}

std::string_view shown_unit(const Threshold& t) {
  if (t.is_time()) return "ms";
  switch (t.metric) {
    case ThresholdMetric::kFailRatio:
      return "%";
    case ThresholdMetric::kRps:
    case ThresholdMetric::kFailPerS:
      return "/s";
    default:
      return "";
  }
}

// The usual digits: times as the console tables print them (console_ms), ratios and rates with 2, counts
// with none.
int usual_decimals(const Threshold& t, double shown) {
  // Times are whole microseconds: three decimals of a millisecond show any of them ('p95 < 1us' read
  // "limit < 0.00ms").
  if (t.is_time()) return shown > 0 && shown < 0.0095 ? 3 : shown < 9.995 ? 2 : shown < 99.95 ? 1 : 0;
  switch (t.metric) {
    case ThresholdMetric::kFailRatio:
    case ThresholdMetric::kRps:
    case ThresholdMetric::kFailPerS:
      return 2;
    default:
      return 0;
  }
}

std::string fixed(double shown, int decimals) { return fmt::format("{:.{}f}", shown, decimals); }

}  // namespace

std::string format_threshold_value(const Threshold& t, double value) {
  const double shown = shown_value(t, value);
  return fixed(shown, usual_decimals(t, shown)) + std::string(shown_unit(t));
}

ThresholdFigures threshold_figures(const ThresholdResult& r) {
  const Threshold& t = *r.threshold;
  const std::string op(threshold_op_text(t.op));
  const std::string unit(shown_unit(t));
  const double limit = shown_value(t, t.limit);
  if (r.no_data)
    return {r.only_failures ? "no successful request" : "no data",
            op + " " + format_threshold_value(t, t.limit)};
  const double actual = shown_value(t, r.actual);
  std::string a = fixed(actual, usual_decimals(t, actual)), l = fixed(limit, usual_decimals(t, limit));
  // The figures as printed must give the verdict the exact values gave: a p95 of 50.04 ms printed "50.0ms"
  // beside "<= 50.0ms" reads as passing while it failed. Both get more digits, together, until they do;
  // the shortest exact form of each (fmt's "{}") always does.
  const auto reads_right = [&] { return holds(t.op, std::stod(a), std::stod(l)) == r.passed; };
  for (int decimals = std::max(usual_decimals(t, actual), usual_decimals(t, limit)); !reads_right();
       ++decimals) {
    if (decimals > 12) {
      a = fmt::format("{}", actual), l = fmt::format("{}", limit);
      break;
    }
    a = fixed(actual, decimals), l = fixed(limit, decimals);
  }
  return {a + unit, op + " " + l + unit};
}

std::string thresholds_table(const std::vector<ThresholdResult>& results) {
  if (results.empty()) return {};
  std::string out = "Thresholds\n";
  for (const auto& r : results) {
    const Threshold& t = *r.threshold;
    const auto figures = threshold_figures(r);
    out += fmt::format("  {:<4} {:<40} {:<28} actual {} (limit {})\n", r.passed ? "PASS" : "FAIL", t.text,
                       r.entry, figures.actual, figures.limit);
  }
  out += all_passed(results) ? "All thresholds passed.\n\n" : "Some thresholds FAILED.\n\n";
  return out;
}

}  // namespace cicada::report
