#pragma once
// Why a front end asked its test to stop, for the reports' run.ended_by (docs/ci.md): the run control
// only knows that it was asked ("stopped"), the front end knows who asked. The first reason noted wins;
// a signal notes its reason from the signal watcher's thread.
#include <atomic>
#include <string>

#include "runner/test_run.hpp"

namespace cicada::app {

class StopCause {
 public:
  StopCause() = default;
  // Movable with its ObserverSet (the web UI makes a fresh set per test), never while a test runs.
  StopCause(StopCause&& other) noexcept : why_(other.why_.load()) {}
  StopCause& operator=(StopCause&& other) noexcept {
    why_.store(other.why_.load());
    return *this;
  }
  // "interrupted" (SIGINT, SIGTERM), "threshold" (--abort-on-threshold), "quit" (a locustfile's
  // runner.quit()): a string literal.
  void note(const char* why) {
    const char* none = nullptr;
    why_.compare_exchange_strong(none, why);
  }
  // `stop` that notes `why` first: for the signal watcher and runner.quit().
  template <typename Stop>
  auto noting(const char* why, Stop stop) {
    return [this, why, stop] {
      note(why);
      stop();
    };
  }
  // How `run` ended: its own reason, or the noted one when it was stopped (a reason noted after the run
  // ended by itself, a Ctrl-C while the reports are written, does not change it).
  std::string ended_by(const runner::TestRun& run) const {
    const std::string own = run.ended_by();
    const char* why = why_.load();
    return own == "stopped" && why ? why : own;
  }

 private:
  std::atomic<const char*> why_{nullptr};
};

}  // namespace cicada::app
