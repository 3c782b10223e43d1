#include "report/capacity_html.hpp"

#include <fmt/format.h>

#include <optional>

#include "report/capacity_json.hpp"
#include "report/html_report.hpp"
#include "report/svg_chart.hpp"

namespace cicada::report {
namespace {

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

std::vector<SvgMark> marks(const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  std::vector<SvgMark> out;
  if (r.found) out.push_back({r.best.load, "max sustainable: " + runner::format_load(plan, r.best.load)});
  if (const auto* limit = limiting_step(r)) out.push_back({limit->load, "limit: " + limit->violated});
  return out;
}

void steps_table(std::string& out, const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  out +=
      "<h2>Steps</h2><table><tr><th>Step</th><th>Offered load</th><th>Throughput (req/s)</th>"
      "<th>p50 (ms)</th><th>p95 (ms)</th><th>p99 (ms)</th><th>Average (ms)</th><th>Failures</th>"
      "<th>Dropped</th><th class=\"text\">Objectives</th></tr>";
  for (const auto& p : r.curve) {
    out += fmt::format(
        "<tr "
        "class=\"step\"><td>{}</td><td>{}</td><td>{:.1f}</td><td>{:.2f}</td><td>{:.2f}</td><td>{:.2f}</td>"
        "<td>{:.2f}</td><td>{:.2f}%</td><td>{}</td><td class=\"text\">{}</td></tr>",
        p.step, xml_escape(runner::format_load(plan, p.load)), p.throughput_rps, ms(p.percentiles_us[0]),
        ms(p.percentiles_us[5]), ms(p.percentiles_us[7]), p.avg_us / 1000.0, p.fail_ratio * 100.0, p.dropped,
        p.within_slo ? "met" : "crossed: " + xml_escape(p.violated));
  }
  out += "</table>";
}

}  // namespace

std::string capacity_html(const runner::CapacityPlan& plan, const runner::CapacityResult& r,
                          const CapacityReportInfo& info) {
  std::string slos;
  for (const auto& s : info.slos) slos += (slos.empty() ? "" : ", ") + xml_escape(s);
  std::string out = fmt::format(
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>cicada capacity search</title>"
      "<style>{}</style></head><body><h1>cicada capacity search</h1><dl>"
      "<dt>Target Host</dt><dd>{}</dd><dt>Script</dt><dd>{}</dd><dt>Objectives</dt><dd>{}</dd>"
      "<dt>Stopped</dt><dd>{}</dd><dt>Maximum sustainable load</dt><dd>{}</dd></dl>",
      html_report_style(), xml_escape(info.host), xml_escape(info.scenario), slos, xml_escape(r.stop_reason),
      r.found ? fmt::format("{} ({:.1f} req/s, p95 {:.1f} ms)",
                            xml_escape(runner::format_load(plan, r.best.load)), r.best.throughput_rps,
                            ms(r.best.percentiles_us[5]))
              : std::string("none: no step met every objective"));

  std::vector<double> load;
  SvgSeries throughput{"Achieved req/s", "#2e9d5b", {}};
  SvgSeries p95{"p95", "#e69b22", {}}, p99{"p99", "#8e44ad", {}};
  for (const auto& p : r.curve) {
    load.push_back(p.load);
    throughput.values.emplace_back(p.throughput_rps);
    // A step without a completed request has no latency: a gap, not a misleading 0.
    auto latency = [&](std::int64_t us) { return us > 0 ? std::optional<double>(ms(us)) : std::nullopt; };
    p95.values.push_back(latency(p.percentiles_us[5]));
    p99.values.push_back(latency(p.percentiles_us[7]));
  }
  SvgLineOptions curve;
  curve.x_is_time = false;
  curve.x_unit = plan.open_model ? "offered load (iterations/s)" : "offered load (users)";
  curve.dots = true;
  curve.marks = marks(plan, r);
  out += "<h2>Throughput-latency curve</h2>";
  out += svg_line_chart("Achieved throughput against offered load", "req/s", load, {throughput}, curve);
  out += svg_line_chart("Latency against offered load", "ms", load, {p95, p99}, curve);
  steps_table(out, plan, r);
  out += "</body></html>\n";
  return out;
}

}  // namespace cicada::report
