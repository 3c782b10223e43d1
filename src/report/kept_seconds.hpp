#pragma once
// The figures of a recorded run that never recorded its end (killed with kill -9, a crash, or still
// running), from the per-second rows it kept: each row holds the whole-run totals at that second, so the
// last one is the run as far as it got. docs/history.md, "Writes, crashes and concurrency".
#include "stats/snapshot.hpp"

namespace cicada::report {

// Sets snap's Aggregated row (requests, failures, median, mean, min, max, whole-run percentiles, req/s
// over the seconds kept), start_unix_s (the run's start, or the last stats reset the rows show: totals
// that go down), now_unix_s (the last kept second) and user_count, from snap.history. Per-entry figures are
// left out: the rows carry only their recent percentiles, not the whole run's; so is the uncorrected
// latency. Nothing changes without kept seconds.
void summarize_kept_seconds(stats::Snapshot& snap, double started_unix_s);

}  // namespace cicada::report
