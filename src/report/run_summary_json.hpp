#pragma once
// --json FILE: a run's results as one JSON document for CI jobs and scripts (docs/ci.md documents every
// field). Built from a StoredRun, so a run just finished and one read back from the history
// (`cicada history export ID --json FILE`) give the same document.
//
// Versioned: "format": "cicada-run-summary", "version": kRunSummaryVersion. Fields are only ever added
// within a version; renaming or removing one, or changing a unit, makes a new version.
#include <nlohmann/json.hpp>
#include <string>

#include "report/history_db.hpp"

namespace cicada::report {

inline constexpr int kRunSummaryVersion = 1;

nlohmann::json run_summary_json(const StoredRun& run);

// The document as written to the file: indented, one trailing newline.
std::string run_summary_text(const StoredRun& run);

}  // namespace cicada::report
