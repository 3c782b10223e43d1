#pragma once
// Whether a finished run failed for --exit-code-on-error, and why, in one place for every way a run ends
// (headless, web UI, master). Locust's rule (a failed request or an exception) plus the open model's:
// a due iteration that was dropped is load the target never received, so a run with drops is not clean
// (docs/metrics.md, "Every iteration accounted for").
#include <string>
#include <vector>

#include "stats/snapshot.hpp"

namespace cicada::report {

// Plain-words reasons, e.g. "150 of 160 due iterations were dropped (...)"; empty for a clean run.
std::vector<std::string> run_failure_reasons(const stats::Snapshot& snap);

// The two reasons that are not about requests or exceptions (which have their own report lines), each ""
// when it does not apply: due iterations dropped (open model), workers lost (a fleet).
std::string dropped_iterations_reason(const stats::Snapshot& snap);
std::string lost_workers_reason(const stats::Snapshot& snap);

// The iteration accounting line of an open-model run: "160 due, 10 started, 150 dropped (due = started +
// dropped)"; when they do not add up, what the difference is (lost workers' iterations) where known.
std::string iteration_counts_text(const stats::Snapshot& snap);

}  // namespace cicada::report
