#pragma once
// The coordinated-omission report of an open-model run (docs/metrics.md): per entry, the percentiles
// measured from the scheduled start (corrected, the Locust CSV's numbers) beside those measured from
// the send (uncorrected), plus the iterations dropped. Kept out of the Locust CSVs, whose columns stay
// exactly Locust's.
#include <string>

#include "base/result.hpp"
#include "stats/snapshot.hpp"

namespace cicada::report {

// PREFIX_latency_correction.csv: Type,Name,Request Count,Correction,50%..100%,Average (ms); two rows per
// entry ("corrected", "uncorrected") and two for Aggregated; then "Due Iterations,N",
// "Started Iterations,N" and, last, "Dropped Iterations,N".
std::string latency_correction_csv(const stats::Snapshot& snap);
Result<void> write_latency_correction_csv(const std::string& path, const stats::Snapshot& snap);

// A console table of the Aggregated p50/p95/p99/max, corrected vs uncorrected, and the dropped count.
std::string latency_correction_table(const stats::Snapshot& snap);

}  // namespace cicada::report
