#include "report/run_verdict.hpp"

#include <fmt/format.h>

namespace cicada::report {

std::vector<std::string> run_failure_reasons(const stats::Snapshot& snap) {
  std::vector<std::string> reasons;
  const auto& t = snap.total;
  if (t.num_failures > 0)
    reasons.push_back(fmt::format("{} of {} requests failed", t.num_failures, t.num_requests));
  if (!snap.exceptions.empty()) {
    std::uint64_t n = 0;
    for (const auto& e : snap.exceptions) n += e.count;
    reasons.push_back(fmt::format("{} exception(s) in scenario code", n));
  }
  for (auto reason : {dropped_iterations_reason(snap), lost_workers_reason(snap)})
    if (!reason.empty()) reasons.push_back(std::move(reason));
  return reasons;
}

std::string dropped_iterations_reason(const stats::Snapshot& snap) {
  if (snap.dropped_iterations == 0) return {};
  return fmt::format(
      "{} of {} due iterations were dropped (no free slot within --max-lateness, or still waiting when "
      "the test stopped): the target did not get the load asked for",
      snap.dropped_iterations, snap.due_iterations);
}

std::string lost_workers_reason(const stats::Snapshot& snap) {
  if (snap.lost_workers == 0) return {};
  return fmt::format(
      "{} worker(s) lost during the run (killed, or silent past the worker timeout): what each reported "
      "is kept; its last second, the {} user(s) or iterations in flight it last reported (their requests "
      "under way are neither counted nor unanswered) and the load it would have made are not",
      snap.lost_workers, snap.lost_worker_users);
}

std::string iteration_counts_text(const stats::Snapshot& snap) {
  std::string text = fmt::format("{} due, {} started, {} dropped", snap.due_iterations,
                                 snap.started_iterations, snap.dropped_iterations);
  const std::uint64_t settled = snap.started_iterations + snap.dropped_iterations;
  if (snap.due_iterations == settled) return text + " (due = started + dropped)";
  // A lost worker's iterations that were due but not yet started never get reported as either; while a
  // run goes on, the difference is the iterations waiting for a slot.
  if (snap.lost_workers > 0 && snap.due_iterations > settled)
    return text + fmt::format(" ({} due on lost workers, never reported started or dropped)",
                              snap.due_iterations - settled);
  return text;
}

}  // namespace cicada::report
