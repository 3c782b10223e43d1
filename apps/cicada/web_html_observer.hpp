#pragma once
// --html FILE for headless runs: writes the self-contained HTML report when the run ends. (The web UI
// mode writes it from its own test listener, see web_command.cpp.)
#include <string>

#include "report/html_report.hpp"
#include "run_observer.hpp"

namespace cicada::app {

class HtmlReportObserver final : public RunObserver {
 public:
  // load: what drives the run, for the report's Load line (report/run_load.hpp).
  HtmlReportObserver(std::string file, report::RunLoad load) : file_(std::move(file)) {
    info_.load = std::move(load);
  }
  void on_start(const runner::RunDescription& run) override;
  int on_finish(const stats::Snapshot& snap) override;

 private:
  std::string file_;
  report::ReportInfo info_;
};

// Writes html to file through a temporary file and a rename (a reader never sees half a report); logs
// failures instead of failing the run.
void write_html_report(const std::string& file, const std::string& html);

}  // namespace cicada::app
