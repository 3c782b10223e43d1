#pragma once
// --html FILE for headless runs: writes the self-contained HTML report when the run ends. (The web UI
// mode writes it from its own test listener, see web_command.cpp.)
#include <string>

#include "report/html_report.hpp"
#include "run_observer.hpp"
#include "scenario/task_ratio.hpp"

namespace cicada::app {

class HtmlReportObserver final : public RunObserver {
 public:
  // load: what drives the run, for the report's Load line (report/run_load.hpp).
  // task_sets: a locustfile's, for the task ratio section (scenario::LoadedScenario::task_sets).
  HtmlReportObserver(std::string file, report::RunLoad load, scenario::TaskSets task_sets = {})
      : file_(std::move(file)), task_sets_(std::move(task_sets)) {
    info_.load = std::move(load);
  }
  void on_start(const runner::RunDescription& run) override;
  int on_finish(const stats::Snapshot& snap) override;

 private:
  std::string file_;
  scenario::TaskSets task_sets_;
  report::ReportInfo info_;
};

// Writes html to file through a temporary file and a rename (a reader never sees half a report); a
// failure is logged and returns false (a headless run then exits kReportNotWritten; the web UI goes on).
bool write_html_report(const std::string& file, const std::string& html);

}  // namespace cicada::app
