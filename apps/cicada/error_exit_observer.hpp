#pragma once
// Locust's --exit-code-on-error: any failed request or scenario exception makes the run exit with it.
#include "run_observer.hpp"

namespace cicada::app {

class ErrorExitObserver final : public RunObserver {
 public:
  explicit ErrorExitObserver(int code) : code_(code) {}
  int on_finish(const stats::Snapshot& s) override {
    return s.total.num_failures > 0 || !s.exceptions.empty() ? code_ : 0;
  }

 private:
  int code_;
};

}  // namespace cicada::app
