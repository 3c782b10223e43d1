#pragma once
// Writes the four Locust CSVs (--csv PREFIX): every 5 s during the run, so a killed run still leaves
// recent files, and once more at the end.
#include <string>

#include "report/locust_csv.hpp"
#include "run_observer.hpp"

namespace cicada::app {

class CsvObserver final : public RunObserver {
 public:
  CsvObserver(std::string prefix, bool full_history) : writer_(std::move(prefix), full_history) {}
  void on_second(const stats::Snapshot& snap) override;
  int on_finish(const stats::Snapshot& snap) override;

 private:
  void write(const stats::Snapshot& snap);
  report::LocustCsvWriter writer_;  // one for the run: it appends only the new history blocks
  int seconds_ = 0;
};

}  // namespace cicada::app
