#include "open_model_observer.hpp"

#include <iostream>

#include "base/log.hpp"
#include "report/latency_correction.hpp"

namespace cicada::app {

void OpenModelObserver::write_csv(const stats::Snapshot& snap) {
  if (csv_prefix_.empty()) return;
  const std::string path = csv_prefix_ + "_latency_correction.csv";
  if (auto r = report::write_latency_correction_csv(path, snap); !r) log::error("{}", r.error().message);
}

void OpenModelObserver::on_second(const stats::Snapshot& snap) {
  if (active() && ++seconds_ % 5 == 0) write_csv(snap);
}

int OpenModelObserver::on_finish(const stats::Snapshot& snap) {
  if (!active()) return 0;
  write_csv(snap);
  std::cout << report::latency_correction_table(snap) << std::flush;
  return 0;
}

}  // namespace cicada::app
