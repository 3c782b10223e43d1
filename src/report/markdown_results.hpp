#pragma once
// The results section a project keeps in its README: the latest run's per-entry summary and the trend of
// the last runs, between <!-- cicada:results:start --> and <!-- cicada:results:end -->. Output depends
// only on the stored runs (no "generated at" clock), so regenerating from the same history changes
// nothing: the README update is idempotent.
#include <string>
#include <vector>

#include "report/history_db.hpp"

namespace cicada::report {

inline constexpr const char* kResultsStartMarker = "<!-- cicada:results:start -->";
inline constexpr const char* kResultsEndMarker = "<!-- cicada:results:end -->";

// trend: newest first (as HistoryDb::list returns), the latest run included; incomplete runs are listed
// as such.
std::string results_markdown(const StoredRun& latest, const std::vector<RunSummary>& trend);

// The document with the text between the markers replaced by `section` (markers kept, everything outside
// untouched). Without markers, the section and its markers are appended at the end. Error when only one
// marker is present or the end comes first.
Result<std::string> replace_results_section(const std::string& document, const std::string& section);

// "2026-11-26 07:15:30 UTC"
std::string utc_time_text(double unix_s);

}  // namespace cicada::report
