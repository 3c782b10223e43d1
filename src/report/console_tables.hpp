#pragma once
// The tables Locust 2.12 prints on the console (headless runs): the stats table, "Response time
// percentiles (approximated)" and "Error report", with Locust's column widths and separators.
// Times are milliseconds; unlike Locust's integers, small values keep decimals (see console_ms).
// Every line ends with '\n'; each table ends with an empty line, as Locust prints it.
#include <cstdint>
#include <string>

#include "stats/snapshot.hpp"

namespace cicada::report {

// current: req/s and failures/s are the "current" rates (Locust's periodic table); false gives whole-run
// rates (Locust's final summary).
std::string console_stats_table(const stats::Snapshot& snap, bool current = true);
// One row per entry with requests, then the Aggregated row.
std::string console_percentiles_table(const stats::Snapshot& snap);
// Empty string when there are no failures (Locust prints nothing then). Most frequent errors first.
std::string console_failures_table(const stats::Snapshot& snap);

// A time in the console: ms with 2 decimals below 10 ms, 1 decimal below 100 ms, else a whole number,
// so sub-millisecond APIs do not all show 0 and the text fits Locust's 6-7 character columns.
std::string console_ms(std::int64_t us);
std::string console_ms(double us);

}  // namespace cicada::report
