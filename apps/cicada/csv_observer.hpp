#pragma once
// Writes the four Locust CSVs (--csv PREFIX) as Locust does: at once when the run starts (so
// PREFIX_stats.csv exists from the first moment, with its Aggregated row at zero), then every second,
// so a killed run still leaves files at most a second old, and once more at the end: files that cannot be
// written then make the run exit kReportNotWritten (run_observer.hpp). A run with
// streamed responses also gets PREFIX_streams.csv (report/stream_tables.hpp); Locust's four stay as they are.
#include <string>

#include "report/locust_csv.hpp"
#include "run_observer.hpp"

namespace cicada::app {

class CsvObserver final : public RunObserver {
 public:
  CsvObserver(std::string prefix, bool full_history);
  void on_second(const stats::Snapshot& snap) override;
  int on_finish(const stats::Snapshot& snap) override;

 private:
  bool write(const stats::Snapshot& snap);  // false: a file could not be written (logged)
  report::LocustCsvWriter writer_;          // one for the run: it appends only the new history blocks
  std::string streams_path_;
};

}  // namespace cicada::app
