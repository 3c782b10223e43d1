#include "web_html_observer.hpp"

#include "base/clock.hpp"
#include "base/duration.hpp"
#include "base/log.hpp"
#include "report/atomic_file.hpp"

namespace cicada::app {

bool write_html_report(const std::string& file, const std::string& html) {
  if (auto r = report::write_file_atomically(file, html); !r) {
    log::error("--html: {}", r.error().message);
    return false;
  }
  log::info("HTML report written to {}", file);
  return true;
}

void HtmlReportObserver::on_start(const runner::RunDescription& run) {
  const auto& o = run.options;
  info_.host = o.host;
  info_.scenario = run.scenario.source;
  info_.start_unix_s = unix_seconds_now_f();
  info_.run_time = o.run_time ? format_duration(*o.run_time) : "";
  // The users the run starts with (a shape or arrival rate: the weights' sums), as the web UI's tables.
  info_.tasks_json = scenario::task_ratios_json(run.scenario, task_sets_, o.shape ? 0 : o.users, 2, false);
}

int HtmlReportObserver::on_finish(const stats::Snapshot& snap) {
  info_.end_unix_s = unix_seconds_now_f();
  return write_html_report(file_, report::html_report(snap, info_)) ? 0 : kReportNotWritten;
}

}  // namespace cicada::app
