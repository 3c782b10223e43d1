#include "webui/stats_json.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "report/html_report.hpp"
#include "report/json_dump.hpp"
#include "report/stream_tables.hpp"
#include "report/svg_chart.hpp"
#include "scenario/arrival_distribution.hpp"

namespace cicada::webui {
namespace {

using nlohmann::json;

// The two percentile columns Locust's JSON has, as indices into kReportedQuantiles.
constexpr std::size_t kP50 = 0, kP90 = 4, kP95 = 5, kP99 = 7;
// Locust cuts its lists here so a run with runaway URL names cannot make the page unusable.
constexpr std::size_t kMaxRows = 500;

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }
double ms(double us) { return us / 1000.0; }
// Locust's percentile keys are whole milliseconds (read from its rounded histogram): a script doing
// int(x) or json type checks sees the same type from cicada. cicada's own keys keep microseconds.
std::int64_t whole_ms(std::int64_t us) { return (us + 500) / 1000; }

// An entry without requests, with Locust's own types (its ready state): integer 0 where Locust writes
// 0, 0.0 where it writes 0.0, so a client's `x > 100` or int parsing behaves as with Locust.
json empty_entry_json(const stats::EntrySnapshot& e, json method) {
  json zeros = json::array();
  for (std::size_t i = 0; i < e.percentiles_us.size(); ++i) zeros.push_back(0);
  return json{
      {"avg_content_length", 0},
      {"avg_response_time", 0.0},
      {"current_fail_per_sec", 0},
      {"current_rps", 0},
      {"max_response_time", 0.0},
      {"median_response_time", 0},
      {"method", std::move(method)},
      {"min_response_time", 0},
      {"name", html_escape(e.name)},
      {"ninetieth_response_time", 0},
      {"ninety_ninth_response_time", 0},
      {"num_failures", e.num_failures},
      {"num_requests", e.num_requests},
      {"safe_name", html_escape(e.name)},
      {"total_rps", 0},
      {"total_fail_per_sec", 0},
      {"response_time_percentiles", std::move(zeros)},
  };
}

json entry_json(const stats::EntrySnapshot& e, json method) {
  if (!e.has_requests()) return empty_entry_json(e, std::move(method));
  json percentiles = json::array();
  for (auto p : e.percentiles_us) percentiles.push_back(ms(p));
  return json{
      {"avg_content_length", e.avg_content_size},
      {"avg_response_time", ms(e.avg_us)},
      {"current_fail_per_sec", e.current_fail_per_s},
      {"current_rps", e.current_rps},
      {"max_response_time", ms(e.max_us)},
      {"median_response_time", whole_ms(e.median_us)},
      {"method", std::move(method)},
      {"min_response_time", ms(e.min_us)},
      {"name", html_escape(e.name)},
      {"ninetieth_response_time", whole_ms(e.percentiles_us[kP90])},
      {"ninety_ninth_response_time", whole_ms(e.percentiles_us[kP99])},
      {"num_failures", e.num_failures},
      {"num_requests", e.num_requests},
      {"safe_name", html_escape(e.name)},
      // cicada's additions: whole-run rates and the CSV's percentile columns (50% ... 100%).
      {"total_rps", e.total_rps},
      {"total_fail_per_sec", e.total_fail_per_s},
      {"response_time_percentiles", std::move(percentiles)},
  };
}

bool has_current_sample(const stats::EntrySnapshot& total) {
  const auto& p = total.current_percentiles_us;
  return std::any_of(p.begin(), p.end(), [](std::int64_t v) { return v != 0; });
}

// Locust's current_response_time_percentile_NN: whole ms, null until there is a sample.
json current_percentile(const stats::EntrySnapshot& total, std::size_t index) {
  return has_current_sample(total) ? json(whole_ms(total.current_percentiles_us[index])) : json(nullptr);
}

// The same, to the microsecond (cicada's key; what the live charts draw): {p50, p95, p99} or null.
json current_percentiles_ms(const stats::EntrySnapshot& total) {
  if (!has_current_sample(total)) return nullptr;
  const auto& p = total.current_percentiles_us;
  return json{{"p50", ms(p[kP50])}, {"p95", ms(p[kP95])}, {"p99", ms(p[kP99])}};
}

// The open model's figures (docs/metrics.md, "Coordinated omission"): in an open-model run the runner
// reports iterations in flight as its user count.
json open_model_json(const stats::Snapshot& snap, const LoadStatus& load) {
  if (!load.arrival_rate) return nullptr;
  const auto& t = snap.total;
  auto pct = [&](const stats::Percentiles& p, std::size_t i) {
    return t.has_requests() ? json(ms(p[i])) : json(nullptr);
  };
  return json{
      {"arrival_rate", *load.arrival_rate},
      {"in_flight", snap.user_count},
      {"max_inflight", load.max_inflight},
      {"arrival_distribution", scenario::arrival_distribution_name(load.poisson_arrivals)},
      {"dropped_iterations", snap.dropped_iterations},
      {"corrected", {{"p95", pct(t.percentiles_us, kP95)}, {"p99", pct(t.percentiles_us, kP99)}}},
      {"uncorrected",
       {{"p95", pct(t.uncorrected_percentiles_us, kP95)}, {"p99", pct(t.uncorrected_percentiles_us, kP99)}}}};
}

// cicada's streamed responses (docs/protocols.md): one object per entry that streamed, then Aggregated,
// each series' p50/p95/p99 in ms (null without samples); [] when nothing streamed.
json streams_json(const stats::Snapshot& snap) {
  json rows = json::array();
  for (const auto& s : snap.streams) {
    // streams_cut: those of streams the end of the test cut while they arrived (no total; as --json's).
    json row{{"method", s.method},
             {"name", html_escape(s.name)},
             {"streams", s.streams},
             {"streams_cut", stats::cut_streams(s)},
             {"events", s.events},
             {"tokens", s.tokens},
             {"tokens_per_s", s.tokens_per_s}};
    constexpr std::pair<report::StreamSeries, const char*> kSeries[] = {
        {report::StreamSeries::ttfb, "ttfb"},
        {report::StreamSeries::ttft, "ttft"},
        {report::StreamSeries::itl, "itl"},
        {report::StreamSeries::total, "total"}};
    for (const auto& [series, key] : kSeries) {
      json values;
      for (const auto& [label, q] :
           {std::pair{"p50", kP50}, std::pair{"p95", kP95}, std::pair{"p99", kP99}}) {
        const auto us = report::stream_value_us(s, series, q);
        values[label] = us ? json(ms(*us)) : json(nullptr);
      }
      row[key] = std::move(values);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// A history point's streams: the last ~10 s of time to first token and inter-token gap (ms).
json stream_second_json(const stats::StreamSecond& s) {
  auto series = [](const std::array<std::int64_t, 3>& us, std::uint64_t n) {
    if (n == 0) return json(nullptr);
    return json{{"p50", ms(us[0])}, {"p95", ms(us[1])}, {"p99", ms(us[2])}};
  };
  return json{{"streams", s.streams},
              {"ttft", series(s.ttft_us, s.ttft_count)},
              {"itl", series(s.itl_us, s.itl_count)}};
}

}  // namespace

std::string html_escape(std::string_view s) { return report::xml_escape(s); }

std::string stats_requests_json(const stats::Snapshot& snap, runner::RunState state, bool started,
                                bool pretty, const LoadStatus& load) {
  json stats = json::array();
  for (std::size_t i = 0; i < snap.entries.size() && i < kMaxRows; ++i) {
    stats.push_back(entry_json(snap.entries[i], snap.entries[i].method));
  }
  stats.push_back(entry_json(snap.total, started ? json("") : json(nullptr)));
  json errors = json::array();
  for (std::size_t i = 0; i < snap.failures.size() && i < kMaxRows; ++i) {
    const auto& f = snap.failures[i];
    errors.push_back(json{{"error", html_escape(f.error)},
                          {"method", f.method},
                          {"name", html_escape(f.name)},
                          {"occurrences", f.occurrences}});
  }
  // Stage boundaries of the whole run, for the live charts' marks (plain text: drawn on a canvas).
  json stages = json::array();
  for (const auto& stage : snap.stages)
    stages.push_back(json{{"time", stage.start_unix_s}, {"label", stage.label}});
  json out{
      {"current_response_time_percentile_50", current_percentile(snap.total, kP50)},
      {"current_response_time_percentile_95", current_percentile(snap.total, kP95)},
      {"current_response_time_percentile_99", current_percentile(snap.total, kP99)},
      {"current_response_time_ms", current_percentiles_ms(snap.total)},
      {"errors", std::move(errors)},
      {"fail_ratio", snap.total.fail_ratio()},
      {"state", std::string(runner::to_string(state))},
      {"stats", std::move(stats)},
      {"total_rps", snap.total.has_requests() ? json(snap.total.current_rps) : json(0)},
      {"total_fail_per_sec", snap.total.current_fail_per_s},
      {"user_count", snap.user_count},
      {"time", snap.now_unix_s},
      {"stages", std::move(stages)},
      {"load_mode", load.mode},
      {"host", load.host},
      {"test_id", load.test_id},
      {"open_model", open_model_json(snap, load)},
      {"streams", streams_json(snap)},
      {"current_streams", !snap.history.empty() && snap.history.back()->streams
                              ? stream_second_json(*snap.history.back()->streams)
                              : json(nullptr)},
  };
  return report::dump_json(out, pretty);
}

std::string exceptions_json(const stats::Snapshot& snap) {
  json rows = json::array();
  for (const auto& e : snap.exceptions) {
    rows.push_back(json{{"count", e.count},
                        {"msg", html_escape(e.message)},
                        {"nodes", e.nodes},
                        {"traceback", html_escape(e.traceback)},
                        // cicada's: the line the UI shows while the traceback is collapsed.
                        {"summary", html_escape(report::traceback_summary(e.traceback))}});
  }
  return report::dump_json(json{{"exceptions", std::move(rows)}}, true);
}

std::string history_json(const stats::Snapshot& snap) {
  json points = json::array();
  for (const auto& block : snap.history) {
    const auto& t = block->total;
    const bool has = t.num_requests != 0;
    json point{{"time", block->timestamp},
               {"user_count", block->user_count},
               {"rps", t.current_rps},
               {"fail_per_s", t.current_fail_per_s},
               {"p50", has ? json(ms(t.percentiles_us[kP50])) : json(nullptr)},
               {"p95", has ? json(ms(t.percentiles_us[kP95])) : json(nullptr)},
               {"p99", has ? json(ms(t.percentiles_us[kP99])) : json(nullptr)}};
    if (block->streams) point["streams"] = stream_second_json(*block->streams);
    points.push_back(std::move(point));
  }
  return report::dump_json(points);
}

std::string histogram_json(const stats::Snapshot& snap, std::string_view method, std::string_view name) {
  const stats::EntrySnapshot* entry = nullptr;
  if (name == "Aggregated" && method.empty()) entry = &snap.total;
  for (const auto& e : snap.entries) {
    if (e.method == method && e.name == name) entry = &e;
  }
  if (entry == nullptr || !entry->latency) return "null";
  json buckets = json::array();
  entry->latency->for_each_bucket([&](const stats::HistogramBucket& b) {
    buckets.push_back(json::array(
        {ms(stats::Histogram::bucket_low(b.index)), ms(stats::Histogram::bucket_high(b.index)), b.count}));
  });
  return report::dump_json(json{{"method", entry->method},
                                {"name", entry->name},
                                {"count", entry->num_requests},
                                {"buckets", std::move(buckets)}});
}

}  // namespace cicada::webui
