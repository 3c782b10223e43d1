#include "report/capacity_html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "report/capacity_json.hpp"
#include "report/html_report.hpp"
#include "report/prometheus_text.hpp"
#include "report/svg_chart.hpp"
#include "scenario/arrival_distribution.hpp"

namespace cicada::report {
namespace {

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }
// A share that may be unknown (< 0, e.g. no schedstat): "N/A" then.
std::string percent(double share) { return share >= 0 ? fmt::format("{:.0f}%", share * 100) : "N/A"; }

std::vector<SvgMark> marks(const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  std::vector<SvgMark> out;
  if (r.found)
    out.push_back({r.best.load,
                   (r.best.fail_ratio_unproven ? "highest met, fail ratio unproven: " : "max sustainable: ") +
                       runner::format_load(plan, r.best.load)});
  if (const auto* limit = limiting_step(r)) out.push_back({limit->load, "limit: " + limit->violated});
  return out;
}

// Each window's throughput and p95, so a reader sees what "stable" was judged on.
std::string windows_text(const runner::CapacityPoint& p) {
  std::string out;
  for (const auto& w : p.windows)
    out += fmt::format("{}{:.0f}/s {:.2f} ms", out.empty() ? "" : "; ", w.throughput_rps, ms(w.p95_us));
  return out;
}

void steps_table(std::string& out, const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  out +=
      "<h2>Steps</h2><table><tr><th>Step</th><th>Offered load</th><th>Throughput (req/s)</th>"
      "<th>Goodput (req/s)</th><th>p50 (ms)</th><th>p95 (ms)</th><th>p99 (ms)</th><th>Average (ms)</th>"
      "<th>Failures</th><th>Dropped</th><th>Generator CPU</th><th>CPU wait</th>"
      "<th>Polling loops busy</th><th>Stable</th>"
      "<th class=\"text\">Objectives</th><th class=\"text\">Windows (req/s, p95)</th></tr>";
  for (const auto& p : r.curve) {
    out += fmt::format(
        "<tr "
        "class=\"step\"><td>{}</td><td>{}</td><td>{:.1f}</td><td>{:.1f}</td><td>{:.2f}</td><td>{:.2f}</td>"
        "<td>{:.2f}</td><td>{:.2f}</td><td>{:.2f}%</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td>"
        "<td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
        p.step, xml_escape(runner::format_load(plan, p.load)), p.throughput_rps, p.goodput_rps,
        ms(p.percentiles_us[0]), ms(p.percentiles_us[5]), ms(p.percentiles_us[7]), p.avg_us / 1000.0,
        p.fail_ratio * 100.0, p.dropped, percent(p.generator_cpu), percent(p.generator_cpu_wait),
        percent(p.generator_busy), p.stable ? "yes" : "no", xml_escape(runner::step_outcome(p)),
        xml_escape(windows_text(p)));
  }
  out += "</table>";
}

// The target's own figures (--server-metrics), one row per step that has them.
void server_table(std::string& out, const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  std::vector<std::string> names;
  for (const auto& p : r.curve)
    for (const auto& [name, v] : p.server)
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  if (names.empty()) return;
  out += "<h2>Server metrics</h2><table><tr><th>Step</th><th>Offered load</th><th>Client req/s</th>";
  for (const auto& n : names) out += "<th>" + xml_escape(n) + "</th>";
  out += "</tr>";
  for (const auto& p : r.curve) {
    out += fmt::format("<tr class=\"server\"><td>{}</td><td>{}</td><td>{:.1f}</td>", p.step,
                       xml_escape(runner::format_load(plan, p.load)), p.throughput_rps);
    for (const auto& n : names) {
      const auto it = p.server.find(n);
      out += it == p.server.end() ? "<td>N/A</td>"
                                  : "<td>" + xml_escape(server_figure_text(n, it->second)) + "</td>";
    }
    out += "</tr>";
  }
  out += "</table>";
}

// What the search varies: an arrival rate (with its arrival process) or users.
std::string load_kind_text(const runner::CapacityPlan& plan) {
  if (!plan.open_model) return "users (a closed loop)";
  return plan.poisson_arrivals ? fmt::format("arrival rate, {}", scenario::kPoissonArrivalsLabel)
                               : std::string("arrival rate, paced arrivals (one every 1/rate)");
}

// Where the search stopped and why, its answer, the lower bound a saturated generator still showed, and
// the note on what the steps past the limit served.
std::string result_block(const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  const std::string bound = runner::saturated_bound_text(plan, r);
  const std::string spread = runner::past_limit_spread_text(plan, r);
  return fmt::format(
      "<h2>Result</h2><dl><dt>Stopped</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>{}{}</dl>",
      xml_escape(r.stop_reason), xml_escape(runner::answer_label(r)),
      r.found ? xml_escape(runner::answer_text(plan, r)) : std::string("none: no step met every objective"),
      bound.empty() ? std::string()
                    : "<dt>Highest throughput within the objectives</dt><dd>" + xml_escape(bound) + "</dd>",
      spread.empty() ? std::string() : "<dt>Note</dt><dd>" + xml_escape(spread) + "</dd>");
}

}  // namespace

std::string capacity_sections(const runner::CapacityPlan& plan, const runner::CapacityResult& r) {
  std::vector<double> load;
  SvgSeries throughput{"Achieved req/s", "#2e9d5b", {}};
  SvgSeries goodput{"Goodput req/s", "#2b6cb0", {}};
  SvgSeries p95{"p95", "#e69b22", {}}, p99{"p99", "#8e44ad", {}};
  // Bisection visits loads out of order: the curve is drawn by load.
  std::vector<const runner::CapacityPoint*> by_load;
  for (const auto& p : r.curve) by_load.push_back(&p);
  std::stable_sort(by_load.begin(), by_load.end(), [](auto* a, auto* b) { return a->load < b->load; });
  for (const auto* pp : by_load) {
    const auto& p = *pp;
    load.push_back(p.load);
    throughput.values.emplace_back(p.throughput_rps);
    goodput.values.emplace_back(p.goodput_rps);
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
  std::string out = result_block(plan, r) + "<h2>Throughput-latency curve</h2>";
  out +=
      svg_line_chart("Achieved throughput against offered load", "req/s", load, {throughput, goodput}, curve);
  out += svg_line_chart("Latency against offered load", "ms", load, {p95, p99}, curve);
  steps_table(out, plan, r);
  server_table(out, plan, r);
  return out;
}

std::string capacity_html(const runner::CapacityPlan& plan, const runner::CapacityResult& r,
                          const CapacityReportInfo& info) {
  std::string slos;
  for (const auto& s : info.slos) slos += (slos.empty() ? "" : ", ") + xml_escape(s);
  std::string out = fmt::format(
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>cicada capacity search</title>"
      "<style>{}</style></head><body><h1>cicada capacity search</h1><dl>"
      "<dt>Target Host</dt><dd>{}</dd><dt>Script</dt><dd>{}</dd><dt>Load</dt><dd>{}</dd>"
      "<dt>Objectives</dt><dd>{}</dd></dl>",
      html_report_style(), xml_escape(info.host), xml_escape(info.scenario), load_kind_text(plan), slos);
  out += capacity_sections(plan, r);
  out += "</body></html>\n";
  return out;
}

}  // namespace cicada::report
