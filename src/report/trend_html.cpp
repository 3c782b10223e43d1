#include "report/trend_html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "report/console_tables.hpp"
#include "report/markdown_results.hpp"
#include "report/run_load.hpp"
#include "report/svg_chart.hpp"

namespace cicada::report {
namespace {

// One HTML escaping for every report page (svg_chart.hpp).
std::string escape(std::string_view s) { return xml_escape(s); }

std::string label(const stats::EntrySnapshot& e) {
  return e.method.empty() ? e.name : e.method + " " + e.name;
}

// Entry labels in first-seen order across runs, the Aggregated row first.
std::vector<std::string> entry_labels(const std::vector<StoredRun>& runs) {
  std::vector<std::string> out = {"Aggregated"};
  for (const auto& r : runs)
    for (const auto& e : r.snapshot.entries)
      if (std::find(out.begin(), out.end(), label(e)) == out.end()) out.push_back(label(e));
  return out;
}

const stats::EntrySnapshot* find_entry(const StoredRun& r, const std::string& wanted) {
  if (wanted == "Aggregated") return &r.snapshot.total;
  for (const auto& e : r.snapshot.entries)
    if (label(e) == wanted) return &e;
  return nullptr;
}

// A line chart of one value per run; runs without the entry leave a gap in the points.
std::string svg_chart(const std::string& title, const std::vector<std::optional<double>>& values,
                      const std::string& unit) {
  constexpr double kW = 460, kH = 180, kLeft = 56, kRight = 12, kTop = 24, kBottom = 28;
  double top = 0;
  for (const auto& v : values) top = std::max(top, v.value_or(0));
  if (top <= 0) top = 1;
  top *= 1.1;
  const double step = values.size() > 1 ? (kW - kLeft - kRight) / static_cast<double>(values.size() - 1) : 0;
  auto x = [&](std::size_t i) {
    return kLeft + step * static_cast<double>(i) + (values.size() == 1 ? (kW - kLeft - kRight) / 2 : 0);
  };
  auto y = [&](double v) { return kTop + (kH - kTop - kBottom) * (1 - v / top); };
  std::string out =
      fmt::format(R"(<svg viewBox="0 0 {} {}" width="{}" height="{}" role="img">)", kW, kH, kW, kH);
  out += fmt::format(R"(<text x="{}" y="16" class="t">{}</text>)", kLeft, escape(title));
  for (int g = 0; g <= 4; ++g) {
    const double v = top * g / 4;
    out += fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" class="g"/>)", kLeft, kW - kRight,
                       y(v), y(v));
    out += fmt::format(R"(<text x="{}" y="{:.1f}" class="a" text-anchor="end">{:.4g}</text>)", kLeft - 4,
                       y(v) + 4, v);
  }
  std::string points;
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += fmt::format(R"(<text x="{:.1f}" y="{}" class="a" text-anchor="middle">{}</text>)", x(i), kH - 10,
                       i + 1);
    if (!values[i]) continue;
    points += fmt::format("{:.1f},{:.1f} ", x(i), y(*values[i]));
    out += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3"><title>run {}: {:.4g} {}</title></circle>)",
                       x(i), y(*values[i]), i + 1, *values[i], unit);
  }
  if (!points.empty()) out += fmt::format(R"(<polyline points="{}" class="l"/>)", points);
  return out + "</svg>";
}

constexpr const char* kStyle = R"(<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:1em}
svg .t{font-size:13px;font-weight:600}svg .a{font-size:10px;fill:#555}svg .g{stroke:#eee}
svg .l{fill:none;stroke:#1565c0;stroke-width:2}svg circle{fill:#1565c0}
</style>)";

}  // namespace

std::string trend_html(const std::vector<StoredRun>& runs) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cicada: trend of ";
  out += fmt::format("{} runs</title>{}</head><body>\n<h1>cicada: trend across {} runs</h1>\n", runs.size(),
                     kStyle, runs.size());
  out +=
      "<table><tr><th>#</th><th>Run</th><th>Date</th><th>Scenario</th><th>Load</th><th>Req/s</th>"
      "<th>p95 (ms)</th><th>Fail ratio</th><th>Verdict</th></tr>\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    const auto& t = r.snapshot.total;
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{}</td><td>{:.2f}%</"
        "td>"
        "<td>{}</td></tr>\n",
        i + 1, escape(r.info.id), utc_time_text(r.info.started_unix_s), escape(r.info.scenario_file),
        escape(describe_load(run_load_from_config(r.info.config_json, r.info.users), r.snapshot)),
        t.total_rps, console_ms(t.percentiles_us[5]), t.fail_ratio() * 100,
        !r.info.complete         ? "incomplete"
        : r.info.verdict.empty() ? "-"
                                 : escape(r.info.verdict));
  }
  out += "</table>\n";
  for (const auto& entry : entry_labels(runs)) {
    std::vector<std::optional<double>> rps, p95;
    for (const auto& r : runs) {
      const auto* e = find_entry(r, entry);
      const bool has = e && e->has_requests();
      rps.push_back(has ? std::optional<double>(e->total_rps) : std::nullopt);
      p95.push_back(has ? std::optional<double>(static_cast<double>(e->percentiles_us[5]) / 1000.0)
                        : std::nullopt);
    }
    out += fmt::format("<h2>{}</h2>\n<div class=\"charts\">{}{}</div>\n", escape(entry),
                       svg_chart("req/s per run", rps, "req/s"), svg_chart("p95 (ms) per run", p95, "ms"));
  }
  return out + "</body></html>\n";
}

}  // namespace cicada::report
