#pragma once
// The single-run HTML report (html_report) of a run read back from the history: `cicada report --html
// FILE ID` with one id. The settings come from the run's stored configuration; the percentile tables and
// the latency histogram from its stored histograms, so they match the run's own report.
#include <string>

#include "report/history_db.hpp"

namespace cicada::report {

std::string stored_run_html(const StoredRun& run);

}  // namespace cicada::report
