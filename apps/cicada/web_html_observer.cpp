#include "web_html_observer.hpp"

#include <cstdio>
#include <fstream>

#include "base/clock.hpp"
#include "base/duration.hpp"
#include "base/log.hpp"

namespace cicada::app {

void write_html_report(const std::string& file, const std::string& html) {
  const std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << html;
    if (!out.flush()) {
      log::error("--html: cannot write {}", tmp);
      return;
    }
  }
  if (std::rename(tmp.c_str(), file.c_str()) != 0) {
    log::error("--html: cannot rename {} to {}", tmp, file);
    return;
  }
  log::info("HTML report written to {}", file);
}

void HtmlReportObserver::on_start(runner::LocalRunner& runner) {
  const auto& o = runner.options();
  info_.host = o.host;
  info_.scenario = runner.scenario().source;
  info_.start_unix_s = unix_seconds_now_f();
  info_.users = o.users;
  info_.spawn_rate = o.spawn_rate;
  info_.run_time = o.run_time ? format_duration(*o.run_time) : "";
}

int HtmlReportObserver::on_finish(const stats::Snapshot& snap) {
  info_.end_unix_s = unix_seconds_now_f();
  write_html_report(file_, report::html_report(snap, info_));
  return 0;
}

}  // namespace cicada::app
