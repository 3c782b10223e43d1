#pragma once
// The self-contained HTML report (--html FILE, and GET /stats/report in the web UI): the test's
// configuration, the request and response-time tables, failures, exceptions, and charts as inline SVG.
// One file with its CSS inline and no script or network access needed to open it.
#include <optional>
#include <string>
#include <string_view>

#include "report/run_load.hpp"
#include "stats/snapshot.hpp"

namespace cicada::report {

struct ReportInfo {
  std::string host;         // target host
  std::string scenario;     // scenario file
  double start_unix_s = 0;  // test start; 0: unknown
  double end_unix_s = 0;    // test end; 0: still running (the snapshot's time is used)
  RunLoad load;             // what drove the test: users, arrival rate, stages... (report/run_load.hpp)
  std::string run_time;     // "1m30s", or empty when unbounded
  std::string tasks_json;   // task ratio table (GET /tasks), embedded as data-tasks; may be empty
  std::string notice;       // shown under the settings when not empty (e.g. what a stored run lacks)
  std::string lead_html;    // sections shown before the tables (a capacity search's curve and steps)
  // The web UI's /stats/report shown in the browser: a link to download it (?download=1), as Locust's.
  bool download_link = false;
};

std::string html_report(const stats::Snapshot& snap, const ReportInfo& info);

// The line a collapsed traceback shows (the report's and the UI's Exceptions tables): its last line that is
// not source text (Python indents the source under each "  File ..." line by four spaces): the innermost
// frame of a Python traceback; the thrown type and message, or its deepest cause, of a native one.
std::string traceback_summary(std::string_view traceback);

// The report's CSS (tables, charts, marks), shared by the other self-contained pages (capacity_html.hpp).
const char* html_report_style();

}  // namespace cicada::report
