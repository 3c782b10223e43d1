#pragma once
// The files a CI job reads after a run (docs/ci.md): --json (versioned run summary) and --junit (JUnit
// XML). Written at the end of a run and by `cicada history export`, from the same StoredRun.
#include <string>

#include "report/history_db.hpp"

namespace cicada::app {

// Writes each file whose path is not empty (atomically: a reader never sees half a file). Errors are
// logged; false when a file could not be written.
bool write_ci_outputs(const report::StoredRun& run, const std::string& json_file,
                      const std::string& junit_file);

// The same at the end of a run, which returns the code the run exits with: run.info.exit_code, or
// kReportNotWritten (run_observer.hpp) when that was 0 and a file could not be written; the files that
// were written are then rewritten with it, so that every report says the code the process exits with.
int write_run_ci_outputs(report::StoredRun& run, const std::string& json_file, const std::string& junit_file);

}  // namespace cicada::app
