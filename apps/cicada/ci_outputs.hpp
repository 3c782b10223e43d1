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

}  // namespace cicada::app
