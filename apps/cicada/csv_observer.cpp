#include "csv_observer.hpp"

#include "base/log.hpp"

namespace cicada::app {

CsvObserver::CsvObserver(std::string prefix, bool full_history) : writer_(std::move(prefix), full_history) {
  write(report::snapshot_before_the_run());
}

void CsvObserver::write(const stats::Snapshot& snap) {
  if (auto r = writer_.write(snap); !r) log::error("writing CSV files: {}", r.error().message);
}

void CsvObserver::on_second(const stats::Snapshot& snap) { write(snap); }

int CsvObserver::on_finish(const stats::Snapshot& snap) {
  write(snap);
  return 0;
}

}  // namespace cicada::app
