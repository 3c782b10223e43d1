#include "threshold_observer.hpp"

#include <fmt/format.h>

#include <iostream>

#include "base/log.hpp"

namespace cicada::app {

void ThresholdObserver::on_second(const stats::Snapshot& snap) {
  if (!abort_live_ || aborted_) return;
  for (const auto& r : report::evaluate_thresholds(thresholds_, snap)) {
    // No data yet is not a broken limit while the run goes.
    if (r.passed || r.no_data || !r.threshold->is_upper_limit()) continue;
    log::warning("Threshold '{}' broken on {} (actual {}): stopping the test (--abort-on-threshold)",
                 r.threshold->text, r.entry, report::threshold_figures(r).actual);
    aborted_ = true;  // wants_stop(): the observer loop stops the test
    return;
  }
}

int ThresholdObserver::on_finish(const stats::Snapshot& snap) {
  results_ = report::evaluate_thresholds(thresholds_, snap);
  if (results_.empty()) return 0;
  std::cout << report::thresholds_table(results_);
  std::cout.flush();
  return report::all_passed(results_) ? 0 : kThresholdFailedExitCode;
}

int ThresholdObserver::on_exit(int exit_code, const std::string& /*ended_by*/) {
  std::string failed;
  std::size_t n = 0;
  for (const auto& r : results_) {
    if (r.passed) continue;
    ++n;
    failed += fmt::format("{}{} [{}] (actual {})", failed.empty() ? "" : "; ", r.threshold->text, r.entry,
                          report::threshold_figures(r).actual);
  }
  if (n == 0) return exit_code;
  if (exit_code == 0)  // a locustfile's quitting listener set it
    log::warning("{} of {} threshold results failed, exit code 0: {}", n, results_.size(), failed);
  else
    log::error("The run failed (exit code {}): {} of {} threshold results failed: {}", exit_code, n,
               results_.size(), failed);
  return exit_code;
}

std::vector<report::StoredThreshold> ThresholdObserver::stored_results() const {
  std::vector<report::StoredThreshold> out;
  for (const auto& r : results_) {
    const auto& t = *r.threshold;
    auto figures = report::threshold_figures(r);
    out.push_back(
        {t.text, r.entry, r.actual, t.limit, std::move(figures.actual), std::move(figures.limit), r.passed});
  }
  return out;
}

std::string ThresholdObserver::verdict() const {
  if (results_.empty()) return "";
  return report::all_passed(results_) ? "pass" : "fail";
}

}  // namespace cicada::app
