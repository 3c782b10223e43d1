#pragma once
// Locust's --exit-code-on-error: any failed request or scenario exception makes the run exit with it; so
// does a dropped iteration of the open model (report/run_verdict.hpp), with the reason in plain words.
#include "base/log.hpp"
#include "report/run_verdict.hpp"
#include "run_observer.hpp"

namespace cicada::app {

class ErrorExitObserver final : public RunObserver {
 public:
  explicit ErrorExitObserver(int code) : code_(code) {}
  int on_finish(const stats::Snapshot& s) override {
    const auto reasons = report::run_failure_reasons(s);
    if (reasons.empty()) return 0;
    std::string why;
    for (const auto& r : reasons) why += (why.empty() ? "" : "; ") + r;
    log::error("The run failed (exit code {}, --exit-code-on-error): {}", code_, why);
    return code_;
  }

 private:
  int code_;
};

}  // namespace cicada::app
