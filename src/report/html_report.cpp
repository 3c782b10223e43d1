#include "report/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "report/run_verdict.hpp"
#include "report/stream_tables.hpp"
#include "report/svg_chart.hpp"
#include "report/unanswered.hpp"

namespace cicada::report {
namespace {

// The response-time columns of Locust's report (not the CSV's set).
constexpr std::array<double, 8> kReportQuantiles = {0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0};
constexpr int kHistogramBins = 40;

constexpr const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:24px;color:#1d2733;background:#fff}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #dde3ea;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #dde3ea;padding:4px 8px;text-align:right}
th{background:#f2f5f8}td.text,th.text{text-align:left}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;font-size:14px}dt{color:#5c6b7a}
.chart{width:100%;max-width:900px;display:block;margin:8px 0}
.chart .title{font-size:14px;font-weight:600;fill:#1d2733}.chart .tick{font-size:11px;fill:#5c6b7a}
.chart .grid{stroke:#e6eaef}.chart .bar{fill:#3d7ec9}
.chart .mark{stroke:#7a8794;stroke-dasharray:4 3}.chart .mark-label{font-size:10px;fill:#5c6b7a}pre{white-space:pre-wrap;margin:0;text-align:left}
summary{cursor:pointer;font-family:ui-monospace,monospace;font-size:12px}details pre{margin-top:4px}
)";

std::string utc(double unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string ms2(double us) { return fmt::format("{:.2f}", us / 1000.0); }
std::string ms2(std::int64_t us) { return ms2(static_cast<double>(us)); }

void request_table(std::string& out, const stats::Snapshot& snap) {
  out +=
      "<h2>Request Statistics</h2><table><tr><th class=\"text\">Method</th><th class=\"text\">Name</th>"
      "<th># Requests</th><th># Fails</th><th>Average (ms)</th><th>Min (ms)</th><th>Max (ms)</th>"
      "<th>Average size (bytes)</th><th>RPS</th><th>Failures/s</th></tr>";
  auto row = [&](const stats::EntrySnapshot& e) {
    out += fmt::format(
        "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{:.0f}</td><td>{:.1f}</td><td>{:.1f}</td></tr>",
        xml_escape(e.method), xml_escape(e.name), e.num_requests, e.num_failures, ms2(e.avg_us),
        ms2(e.min_us), ms2(e.max_us), e.avg_content_size, e.total_rps, e.total_fail_per_s);
  };
  for (const auto& e : snap.entries) row(e);
  row(snap.total);
  out += "</table>";
}

void percentile_table(std::string& out, const stats::Snapshot& snap) {
  out +=
      "<h2>Response Time Statistics</h2><table><tr><th class=\"text\">Method</th><th "
      "class=\"text\">Name</th>";
  for (double q : kReportQuantiles) out += fmt::format("<th>{:g}%ile (ms)</th>", q * 100);
  out += "</tr>";
  auto row = [&](const stats::EntrySnapshot& e) {
    out += fmt::format("<tr><td class=\"text\">{}</td><td class=\"text\">{}</td>", xml_escape(e.method),
                       xml_escape(e.name));
    for (double q : kReportQuantiles) {
      out +=
          "<td>" + (e.has_requests() && e.latency ? ms2(e.latency->value_at_quantile(q)) : "N/A") + "</td>";
    }
    out += "</tr>";
  };
  for (const auto& e : snap.entries) row(e);
  row(snap.total);
  out += "</table>";
}

// An open-model run's (arrival rate, rate stages, capacity by rate) last chart counts iterations in
// flight, which its runner reports as the user count: labelled so, as the live UI does.
bool open_model(const stats::Snapshot& snap, const RunLoad& load) {
  return load.max_inflight > 0 || snap.due_iterations > 0 || snap.dropped_iterations > 0;
}

// An open-model run's latency from the scheduled start (corrected: every figure above) beside the latency
// from the send (uncorrected), per entry, and its iteration counts: what coordinated omission would have
// hidden (docs/metrics.md), as the _latency_correction.csv and the UI's strip show it.
void correction_table(std::string& out, const stats::Snapshot& snap, const RunLoad& load) {
  if (!open_model(snap, load)) return;
  out += fmt::format(
      "<h2>Latency correction (open model)</h2><p>Latency from when each request was due (corrected, as in "
      "every table above) and from when it was sent (uncorrected). Iterations: {}.</p><table><tr><th "
      "class=\"text\">Method</th><th class=\"text\">Name</th>"
      "<th class=\"text\">Measured from</th><th>50%ile (ms)</th><th>95%ile (ms)</th><th>99%ile (ms)</th>"
      "<th>Average (ms)</th><th>Max (ms)</th></tr>",
      iteration_counts_text(snap));
  auto rows = [&](const stats::EntrySnapshot& e) {
    for (bool corrected : {true, false}) {
      const auto& p = corrected ? e.percentiles_us : e.uncorrected_percentiles_us;
      auto cell = [&](auto us) { return e.has_requests() ? ms2(us) : std::string("N/A"); };
      out += fmt::format(
          "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td>"
          "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
          xml_escape(e.method), xml_escape(e.name), corrected ? "due time (corrected)" : "send (uncorrected)",
          cell(p[0]), cell(p[5]), cell(p[7]), cell(corrected ? e.avg_us : e.uncorrected_avg_us),
          cell(corrected ? e.max_us : e.uncorrected_max_us));
    }
  };
  for (const auto& e : snap.entries) rows(e);
  rows(snap.total);
  out += "</table>";
}

void failure_tables(std::string& out, const stats::Snapshot& snap) {
  if (!snap.failures.empty()) {
    out +=
        "<h2>Failures Statistics</h2><table><tr><th class=\"text\">Method</th><th class=\"text\">Name</th>"
        "<th class=\"text\">Error</th><th>Occurrences</th></tr>";
    for (const auto& f : snap.failures) {
      out += fmt::format(
          "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td "
          "class=\"text\">{}</td><td>{}</td></tr>",
          xml_escape(f.method), xml_escape(f.name), xml_escape(f.error), f.occurrences);
    }
    out += "</table>";
  }
  if (!snap.exceptions.empty()) {
    out +=
        "<h2>Exceptions Statistics</h2><table><tr><th>Count</th><th class=\"text\">Message</th>"
        "<th class=\"text\">Traceback</th><th class=\"text\">Nodes</th></tr>";
    for (const auto& e : snap.exceptions) {
      out += fmt::format(
          "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\"><details><summary>{}</summary>"
          "<pre>{}</pre></details></td><td class=\"text\">{}</td></tr>",
          e.count, xml_escape(e.message), xml_escape(traceback_summary(e.traceback)), xml_escape(e.traceback),
          xml_escape(e.nodes));
    }
    out += "</table>";
  }
}

void charts(std::string& out, const stats::Snapshot& snap, bool in_flight) {
  std::vector<double> x;
  SvgSeries rps{"Requests/s", "#2e9d5b", {}}, fails{"Failures/s", "#d0413e", {}};
  SvgSeries p50{"p50", "#3d7ec9", {}}, p95{"p95", "#e69b22", {}}, p99{"p99", "#8e44ad", {}};
  SvgSeries users{in_flight ? "In flight" : "Users", "#3d7ec9", {}};
  for (const auto& block : snap.history) {
    const auto& t = block->total;
    x.push_back(static_cast<double>(block->timestamp));
    rps.values.emplace_back(t.current_rps);
    fails.values.emplace_back(t.current_fail_per_s);
    users.values.emplace_back(block->user_count);
    auto p = [&](std::size_t i) -> std::optional<double> {
      if (t.num_requests == 0 || t.percentiles_us[i] == 0) return std::nullopt;
      return static_cast<double>(t.percentiles_us[i]) / 1000.0;
    };
    p50.values.push_back(p(0));
    p95.values.push_back(p(5));
    p99.values.push_back(p(7));
  }
  // Stage boundaries (load shapes, capacity steps) on every time chart, so a change in the curves can
  // be read against the change of load that caused it.
  SvgLineOptions timeline;
  for (const auto& stage : snap.stages) timeline.marks.push_back({stage.start_unix_s, stage.label});
  out += "<h2>Charts</h2>";
  out += svg_line_chart("Total requests per second", "req/s", x, {rps, fails}, timeline);
  out += svg_line_chart("Response times, last ~10 s", "ms", x, {p50, p95, p99}, timeline);
  out += in_flight ? svg_line_chart("Iterations in flight", "in flight", x, {users}, timeline)
                   : svg_line_chart("Number of users", "users", x, {users}, timeline);
  if (snap.total.latency && snap.total.has_requests()) {
    // Log-spaced bins (as the HDR histogram's own buckets) from the fastest sample to the 99.9th
    // percentile, so a millisecond tail does not squash a microsecond body; the slowest 0.1% go in the
    // last bin so one outlier does not set the scale.
    const auto& h = *snap.total.latency;
    const double lo = std::max(1.0, static_cast<double>(h.min()));
    const double hi = std::max(lo * 2, static_cast<double>(h.value_at_quantile(0.999)) + 1);
    const double ratio = std::pow(hi / lo, 1.0 / kHistogramBins);
    std::vector<SvgBar> bars(kHistogramBins);
    for (int i = 0; i < kHistogramBins; ++i)
      bars[i] = {lo * std::pow(ratio, i) / 1000, lo * std::pow(ratio, i + 1) / 1000, 0};
    h.for_each_bucket([&](const stats::HistogramBucket& b) {
      const double v = std::max(lo, static_cast<double>(stats::Histogram::bucket_mid(b.index)));
      const int i = std::clamp(static_cast<int>(std::log(v / lo) / std::log(ratio)), 0, kHistogramBins - 1);
      bars[i].count += static_cast<double>(b.count);
    });
    out += svg_histogram("Latency histogram in ms, log scale, all requests (slowest 0.1% in the last bar)",
                         "requests", bars, true);
  }
}

// Locust's "Final ratio" section: each user type's share of the users and, under it, each task's share
// of all task runs, from the GET /tasks document. Rendered here rather than by a script, so the file
// shows it anywhere (Locust's report fills it with JavaScript).
void ratio_section(std::string& out, const std::string& tasks_json) {
  const auto tasks = nlohmann::json::parse(tasks_json, nullptr, false);
  if (!tasks.is_object() || !tasks.contains("total") || !tasks["total"].is_object() || tasks["total"].empty())
    return;
  out += "<h2>Final ratio</h2><ul class=\"ratio\">";
  for (const auto& [type, t] : tasks["total"].items()) {
    out += fmt::format("<li>{:.1f}% {}<ul>", 100 * t.value("ratio", 0.0), xml_escape(type));
    if (t.contains("tasks") && t["tasks"].is_object())
      for (const auto& [task, r] : t["tasks"].items())
        out += fmt::format("<li>{:.1f}% {}</li>", 100 * r.value("ratio", 0.0), xml_escape(task));
    out += "</ul></li>";
  }
  out += "</ul>";
}

}  // namespace

const char* html_report_style() { return kStyle; }

std::string traceback_summary(std::string_view traceback) {
  std::string_view best;
  while (!traceback.empty()) {
    const auto end = traceback.find('\n');
    std::string_view line = traceback.substr(0, end);
    traceback = end == std::string_view::npos ? std::string_view() : traceback.substr(end + 1);
    const auto text = line.find_first_not_of(' ');
    if (text == std::string_view::npos || text >= 4) continue;  // blank, or source under a frame
    best = line.substr(text);
  }
  return std::string(best);
}

std::string html_report(const stats::Snapshot& snap, const ReportInfo& info) {
  const double start = info.start_unix_s > 0 ? info.start_unix_s : snap.start_unix_s;
  const double end = info.end_unix_s > 0 ? info.end_unix_s : snap.now_unix_s;
  std::string out;
  out.reserve(64 * 1024);
  out += fmt::format(
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>cicada test report</title>"
      "<style>{}</style></head><body><h1>cicada test report</h1>{}<dl>"
      "<dt>During</dt><dd>{} - {} (UTC)</dd><dt>Target Host</dt><dd>{}</dd><dt>Script</dt><dd>{}</dd>"
      "<dt>Load</dt><dd>{}</dd><dt>Run time</dt><dd>{}</dd></dl>",
      kStyle,
      // Locust's report viewed in the browser links its own download (a relative link: the same route).
      info.download_link ? "<p class=\"download\"><a href=\"?download=1\">Download the Report</a></p>" : "",
      utc(start), utc(end), xml_escape(info.host), xml_escape(info.scenario),
      xml_escape(describe_load(info.load, snap)),
      !info.run_time.empty()         ? xml_escape(info.run_time)
      : info.load.mode == "stages"   ? "until the last stage ends"
      : info.load.mode == "capacity" ? "until the search ends"
                                     : "until stopped");
  if (!info.notice.empty()) out += "<p class=\"notice\">" + xml_escape(info.notice) + "</p>";
  // Not hidden: the target got these requests and no table counts the youngest (docs/metrics.md).
  if (const auto text = unanswered_text(snap); !text.empty())
    out += "<p class=\"unanswered\">" + xml_escape(text) + "</p>";
  out += info.lead_html;
  request_table(out, snap);
  percentile_table(out, snap);
  correction_table(out, snap, info.load);
  out += html_streams_section(snap);  // nothing when nothing streamed
  failure_tables(out, snap);
  charts(out, snap, open_model(snap, info.load));
  ratio_section(out, info.tasks_json);
  out +=
      fmt::format("<div id=\"tasks\" data-tasks=\"{}\"></div></body></html>\n", xml_escape(info.tasks_json));
  return out;
}

}  // namespace cicada::report
