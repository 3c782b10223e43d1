#include "csv_observer.hpp"

#include "base/log.hpp"
#include "report/atomic_file.hpp"
#include "report/stream_tables.hpp"

namespace cicada::app {

CsvObserver::CsvObserver(std::string prefix, bool full_history)
    : writer_(prefix, full_history), streams_path_(prefix + "_streams.csv") {
  write(report::snapshot_before_the_run());
}

bool CsvObserver::write(const stats::Snapshot& snap) {
  bool ok = true;
  if (auto r = writer_.write(snap); !r) {
    log::error("--csv: writing CSV files: {}", r.error().message);
    ok = false;
  }
  if (snap.streams.empty()) return ok;
  if (auto r = report::write_file_atomically(streams_path_, report::streams_csv(snap)); !r) {
    log::error("--csv: writing {}: {}", streams_path_, r.error().message);
    ok = false;
  }
  return ok;
}

void CsvObserver::on_second(const stats::Snapshot& snap) { write(snap); }

int CsvObserver::on_finish(const stats::Snapshot& snap) {
  // A second's file that failed is rewritten a second later; the final one is what the run leaves.
  if (write(snap)) return 0;
  log::error("--csv: the final CSV files could not be written (those present are older than the run's end)");
  return kReportNotWritten;
}

}  // namespace cicada::app
