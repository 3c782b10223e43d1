#include "csv_observer.hpp"

#include "base/log.hpp"
#include "report/atomic_file.hpp"
#include "report/stream_tables.hpp"

namespace cicada::app {

CsvObserver::CsvObserver(std::string prefix, bool full_history)
    : writer_(prefix, full_history), streams_path_(prefix + "_streams.csv") {
  write(report::snapshot_before_the_run());
}

void CsvObserver::write(const stats::Snapshot& snap) {
  if (auto r = writer_.write(snap); !r) log::error("writing CSV files: {}", r.error().message);
  if (snap.streams.empty()) return;
  if (auto r = report::write_file_atomically(streams_path_, report::streams_csv(snap)); !r)
    log::error("writing {}: {}", streams_path_, r.error().message);
}

void CsvObserver::on_second(const stats::Snapshot& snap) { write(snap); }

int CsvObserver::on_finish(const stats::Snapshot& snap) {
  write(snap);
  return 0;
}

}  // namespace cicada::app
