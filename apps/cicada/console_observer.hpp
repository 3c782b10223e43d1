#pragma once
// Prints Locust's console tables: current stats every 2 s (unless --only-summary), and the final
// summary (whole-run stats, percentiles, error report) at the end.
#include "run_observer.hpp"

namespace cicada::app {

class ConsoleObserver final : public RunObserver {
 public:
  explicit ConsoleObserver(bool only_summary) : only_summary_(only_summary) {}
  void on_second(const stats::Snapshot& snap) override;
  int on_finish(const stats::Snapshot& snap) override;

 private:
  bool only_summary_;
  int seconds_ = 0;
};

}  // namespace cicada::app
