#include "open_model_observer.hpp"

#include <iostream>

#include "base/log.hpp"
#include "report/latency_correction.hpp"

namespace cicada::app {

bool OpenModelObserver::write_csv(const stats::Snapshot& snap) {
  if (csv_prefix_.empty()) return true;
  const std::string path = csv_prefix_ + "_latency_correction.csv";
  if (auto r = report::write_latency_correction_csv(path, snap); !r) {
    log::error("--csv: {}", r.error().message);
    return false;
  }
  return true;
}

void OpenModelObserver::on_second(const stats::Snapshot& snap) {
  if (active() && ++seconds_ % 5 == 0) write_csv(snap);
}

int OpenModelObserver::on_finish(const stats::Snapshot& snap) {
  if (!active()) return 0;
  const bool written = write_csv(snap);
  std::cout << report::latency_correction_table(snap) << std::flush;
  return written ? 0 : kReportNotWritten;
}

}  // namespace cicada::app
