#include "console_observer.hpp"

#include <iostream>

#include "report/console_tables.hpp"
#include "report/stream_tables.hpp"
#include "report/unanswered.hpp"

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
  if (const auto text = report::unanswered_text(snap); !text.empty()) std::cout << text << "\n";
  std::cout.flush();
  return 0;
}

}  // namespace cicada::app
