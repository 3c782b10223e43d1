#pragma once
// Run tracking settings of the load test command: thresholds, the run history (docs/history.md) and the
// files for CI (--json, --junit; docs/ci.md).
// Kept in their own struct inside CliOptions so the feature's flags live in one file.
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace cicada::app {

struct CliOptions;

struct HistoryOptions {
  // --threshold, repeatable; one value may hold several separated by ';' (the config file and CICADA_*
  // variables carry one value per key).
  std::vector<std::string> thresholds;
  bool abort_on_threshold = false;                // stop as soon as an upper limit is broken
  std::string history_db = ".cicada/history.db";  // relative to the working directory
  bool no_history = false;
  std::string json_file;   // --json FILE: the run summary for CI (report/run_summary_json.hpp); "": none
  std::string junit_file;  // --junit FILE: JUnit XML for CI test reporters (report/junit_xml.hpp); "": none

  // The run is recorded somewhere: in the history database, or as a --json/--junit file.
  bool records_run() const { return !no_history || !json_file.empty() || !junit_file.empty(); }

  // The thresholds one per element (';' lists split, blanks dropped).
  std::vector<std::string> threshold_list() const;
};

// Adds --threshold, --abort-on-threshold, --history-db, --no-history, --json and --junit.
void add_history_flags(CLI::App& app, CliOptions& o);

}  // namespace cicada::app
