#include "report/stored_run_html.hpp"

#include <nlohmann/json.hpp>

#include "report/capacity_html.hpp"
#include "report/capacity_json.hpp"
#include "report/html_report.hpp"

namespace cicada::report {
namespace {

// The settings html_report shows, from the configuration JSON the run recorded (keys of
// apps/cicada/history_run_info.cpp; runs of other kinds, e.g. capacity, may lack some).
ReportInfo report_info(const StoredRun& run) {
  ReportInfo info;
  info.host = run.info.target_host;
  info.scenario = run.info.scenario_file;
  info.start_unix_s = run.info.started_unix_s;
  info.end_unix_s = run.info.ended_unix_s.value_or(0);
  info.load = run_load_from_config(run.info.config_json, run.info.users);
  const auto config = nlohmann::json::parse(run.info.config_json, nullptr, false);
  if (config.is_object()) {
    if (auto it = config.find("run_time"); it != config.end() && it->is_string())
      info.run_time = it->get<std::string>();
    // A capacity search (apps/cicada/capacity_command.cpp records its curve as "result"): its steps'
    // measured throughput against the offered load leads the report, as in its own --html page.
    if (config.value("kind", std::string()) == "capacity" && config.contains("result")) {
      if (auto curve = capacity_curve_from_json(config["result"]))
        info.lead_html = capacity_sections(curve->plan, curve->result);
    }
  }
  return info;
}

}  // namespace

std::string stored_run_html(const StoredRun& run) {
  ReportInfo info = report_info(run);
  if (run.info.complete && run.has_histograms) return html_report(run.snapshot, info);
  // Without histograms (a run recorded by a schema v1 cicada, or one that never finished) the tables
  // would read 0 ms: html_report shows N/A for an entry without a histogram, and the notice says why.
  stats::Snapshot snap = run.snapshot;
  for (auto& e : snap.entries) e.latency = nullptr;
  snap.total.latency = nullptr;
  info.notice = run.info.complete
                    ? "This run was recorded without latency histograms (history schema version 1): its "
                      "response time percentiles and latency histogram are not available."
                    : "This run is incomplete (it never finished, or is still running): only its "
                      "per-second history was recorded.";
  return html_report(snap, info);
}

}  // namespace cicada::report
