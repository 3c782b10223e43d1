#include "console_observer.hpp"

#include <fmt/format.h>

#include <iostream>

#include "report/console_tables.hpp"
#include "report/stream_tables.hpp"

namespace cicada::app {

void ConsoleObserver::on_second(const stats::Snapshot& snap) {
  if (only_summary_ || ++seconds_ % 2 != 0) return;
  std::cout << report::console_stats_table(snap, true);
  std::cout.flush();
}

int ConsoleObserver::on_finish(const stats::Snapshot& snap) {
  std::cout << report::console_stats_table(snap, false) << report::console_percentiles_table(snap)
            << report::console_failures_table(snap) << report::console_streams_table(snap);
  // Requests the target never answered are not hidden (docs/metrics.md, "Failures").
  if (snap.unanswered_requests > 0) {
    std::cout << fmt::format(
        "Requests without an answer when the test ended: {} (the oldest waited {:.1f} s); those that waited "
        "1 s or more count as failures (NoResponse)\n",
        snap.unanswered_requests, static_cast<double>(snap.oldest_unanswered_us) / 1e6);
  }
  std::cout.flush();
  return 0;
}

}  // namespace cicada::app
