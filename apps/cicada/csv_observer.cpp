#include "csv_observer.hpp"

#include "base/log.hpp"

namespace cicada::app {

void CsvObserver::write(const stats::Snapshot& snap) {
  if (auto r = writer_.write(snap); !r) log::error("writing CSV files: {}", r.error().message);
}

void CsvObserver::on_second(const stats::Snapshot& snap) {
  if (++seconds_ % 5 == 0) write(snap);
}

int CsvObserver::on_finish(const stats::Snapshot& snap) {
  write(snap);
  return 0;
}

}  // namespace cicada::app
