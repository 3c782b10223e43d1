#pragma once
// The trend report across recorded runs (`cicada report --html FILE ID ID...`): one self-contained HTML
// page (inline CSS and SVG, no script, no network) with, per request stats entry, req/s and p95 per run
// as line charts and a table of the figures.
#include <string>
#include <vector>

#include "report/history_db.hpp"

namespace cicada::report {

// runs: oldest first (the charts' x axis).
std::string trend_html(const std::vector<StoredRun>& runs);

}  // namespace cicada::report
