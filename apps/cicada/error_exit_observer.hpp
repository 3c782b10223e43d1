#pragma once
// Locust's --exit-code-on-error: any failed request or scenario exception makes the run exit with it; so
// does a dropped iteration of the open model (report/run_verdict.hpp), with the reason in plain words.
// The reason is logged once the exit code is final (on_exit): a failed threshold's 3 wins over this code,
// and a locustfile may change it, so the line names the code the process exits with, and a run that
// exits 0 anyway (--exit-code-on-error 0) is a warning, not an error.
#include <string>

#include "base/log.hpp"
#include "report/run_verdict.hpp"
#include "run_observer.hpp"

namespace cicada::app {

class ErrorExitObserver final : public RunObserver {
 public:
  explicit ErrorExitObserver(int code) : code_(code) {}
  int on_finish(const stats::Snapshot& s) override {
    why_.clear();
    for (const auto& r : report::run_failure_reasons(s)) why_ += (why_.empty() ? "" : "; ") + r;
    return why_.empty() ? 0 : code_;
  }
  int on_exit(int exit_code, const std::string& /*ended_by*/) override {
    if (why_.empty()) return exit_code;
    if (exit_code == 0)
      log::warning("The run had failures, exit code 0{}: {}", code_ == 0 ? " (--exit-code-on-error 0)" : "",
                   why_);
    else
      log::error("The run failed (exit code {}{}): {}", exit_code,
                 exit_code == code_ ? ", --exit-code-on-error" : "", why_);
    return exit_code;
  }

 private:
  int code_;
  std::string why_;  // the failure reasons of the final snapshot; empty: none
};

}  // namespace cicada::app
