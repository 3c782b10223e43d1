#pragma once
// `cicada capacity --html FILE`: the search as one self-contained page: the throughput-latency curve
// (achieved throughput, then p95/p99 latency, against the offered load, one point per step, the limit
// marked) and the table of steps. Inline SVG and CSS only, like the test report (html_report.hpp).
#include <string>
#include <vector>

#include "runner/capacity_search.hpp"

namespace cicada::report {

struct CapacityReportInfo {
  std::string scenario;           // scenario file
  std::string host;               // target host
  std::vector<std::string> slos;  // objectives as written
};

// The search's sections without the page around them: the result (where it stopped and why, the answer,
// a saturated generator's lower bound), the throughput-latency curve (one point per step, the x axis
// ending at the highest load measured), the steps table and the server table. The history's report of a
// capacity run shows them too (stored_run_html.hpp).
std::string capacity_sections(const runner::CapacityPlan& plan, const runner::CapacityResult& result);

std::string capacity_html(const runner::CapacityPlan& plan, const runner::CapacityResult& result,
                          const CapacityReportInfo& info);

}  // namespace cicada::report
