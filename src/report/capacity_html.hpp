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

std::string capacity_html(const runner::CapacityPlan& plan, const runner::CapacityResult& result,
                          const CapacityReportInfo& info);

}  // namespace cicada::report
